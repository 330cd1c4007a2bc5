#!/usr/bin/env node
// Benchmark `rnn`: one training step of the leaky RNN (recurrent noise, forward over T steps, BPTT,
// readout, masked loss, clipping, Adam) per engine and size, plus a PyTorch reference in the same run.
//
//   npm run bench -- rnn [--json] [--engines native,tfjs-wasm,tfjs-cpu,torch] [--sizes 256x64x100,8x32x64x100]
//
// FLOPs per step, counted the way the issue quotes them for PyTorch (forward + backward ≈ 3 × forward
// matrix products, 2 FLOPs per multiply-add): 6·T·B·(Σ_k m_k² + N·nIn + N·nOut), with m_k the module
// sizes (m = N for one dense block). Element-wise work (noise, activations, loss, Adam) is not counted.
// Each native row is also given as a fraction of this machine's WebAssembly SIMD ceiling on as many
// threads, measured in the same run (ceiling.mjs: the matrix product's inner loop in L1 cache; needs the
// AssemblyScript devDependency, else the rows say so), and a modular size is compared with the dense
// size of the same N, B and T when both are measured.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as backend from '../dist/index.js';
import { measureCeiling } from './ceiling.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const INPUTS = 33;
const OUTPUTS = 33;
const cores = availableParallelism();

/** Sizes: N × B × T, or modules × moduleSize × B × T. */
const DEFAULT_SIZES = ['256x64x100', '64x32x100', '512x64x100', '8x32x64x100', '16x32x64x100'];
const sizes = (option('sizes')?.split(',') ?? DEFAULT_SIZES).map((spec) => {
  const parts = spec.split('x').map(Number);
  if (parts.length === 3) return { N: parts[0], B: parts[1], T: parts[2], modules: 1 };
  if (parts.length === 4) return { N: parts[0] * parts[1], B: parts[2], T: parts[3], modules: parts[0] };
  throw new Error(`bad size "${spec}": use NxBxT or MODULESxSIZExBxT`);
});
// torch runs right after native, so the two are measured under the same machine load
const engines = option('engines')?.split(',') ?? ['native', 'torch', 'tfjs-wasm', 'tfjs-cpu'];

function flopsPerStep({ N, B, T, modules }) {
  const recurrent = modules * (N / modules) ** 2;
  return 6 * T * B * (recurrent + N * INPUTS + N * OUTPUTS);
}

/** A small seeded generator for the benchmark's data. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function problem({ N, B, T, modules }) {
  const next = random(1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const size = N / modules;
  const recurrentWeights = new Float32Array(N * N);
  for (let i = 0; i < N; i++) recurrentWeights[i * N + i] = 0.5;
  const config = {
    inputSize: INPUTS,
    hiddenSize: N,
    outputSize: OUTPUTS,
    activation: 'softplus',
    outputActivation: 'sigmoid',
    alpha: 0.2,
    recurrentNoise: 0.05,
    ...(modules > 1 ? { modules: Array(modules).fill(size) } : {}),
  };
  const limit = Math.sqrt(6 / (N + OUTPUTS));
  const parameters = {
    inputWeights: Float32Array.from({ length: N * INPUTS }, () => gaussian() / Math.sqrt(INPUTS)),
    recurrentWeights,
    recurrentBias: new Float32Array(N),
    outputWeights: Float32Array.from({ length: OUTPUTS * N }, () => (next() * 2 - 1) * limit),
    outputBias: new Float32Array(OUTPUTS),
  };
  const batch = {
    steps: T,
    batchSize: B,
    inputs: Float32Array.from({ length: T * B * INPUTS }, () => next()),
    targets: Float32Array.from({ length: T * B * OUTPUTS }, () => next()),
    mask: new Float32Array(T * B * OUTPUTS).fill(1),
  };
  return { config, parameters, batch };
}

/** Times training steps: warm-up, then at least 3 steps and 2 s (1 step for engines slower than 5 s). */
async function timeSteps(model, batch) {
  let seed = 0;
  const step = () => model.trainStep(batch, { noiseSeed: seed++ });
  const first = performance.now();
  await step();
  const once = performance.now() - first;
  if (once < 5000) await step();
  let steps = 0;
  const started = performance.now();
  do {
    await step();
    steps++;
  } while (once < 5000 && (steps < 3 || performance.now() - started < 2000) && steps < 50);
  return (performance.now() - started) / steps;
}

/** Engine factories by name; a string is the reason the engine is skipped. */
async function engineFactories() {
  const factories = new Map();
  factories.set('native', [
    ['native', 1, () => backend.createNativeEngine({ threads: 1 })],
    ...(cores > 1 ? [['native', cores, () => backend.createNativeEngine({ threads: cores })]] : []),
  ]);
  for (const name of ['tfjs-wasm', 'tfjs-cpu']) {
    const kind = name.slice('tfjs-'.length);
    if (typeof backend.createTfjsEngine === 'function') {
      factories.set(name, [[name, 1, () => backend.createTfjsEngine({ backend: kind })]]);
    } else factories.set(name, 'the tfjs engine is not in this build of @molap/backend yet');
  }
  return factories;
}

function findPython() {
  // Debian's python3-torch lives in the system interpreter, which version managers may shadow.
  const candidates = [process.env.MOLAP_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

function torchStep(python, { N, B, T, modules }) {
  const threads = Math.min(2, cores);
  const result = spawnSync(
    python,
    [join(here, 'rnn_torch.py'), N, B, T, modules, INPUTS, OUTPUTS, threads, 10].map(String),
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        OPENBLAS_NUM_THREADS: '1',
        MALLOC_MMAP_THRESHOLD_: '1000000000',
        MALLOC_TRIM_THRESHOLD_: '1000000000',
      },
    },
  );
  if (result.status !== 0) throw new Error(`rnn_torch.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

function report(row) {
  if (json) {
    process.stdout.write(`${JSON.stringify({ bench: 'rnn', ...row })}\n`);
    return;
  }
  const shape = `N=${row.N} B=${row.B} T=${row.T}${row.modules > 1 ? ` (${row.modules} modules)` : ''}`;
  const ceiling = row.ofCeiling !== undefined ? `, ${(100 * row.ofCeiling).toFixed(0)} % of the measured ceiling` : '';
  process.stdout.write(
    `${row.engine.padEnd(9)} threads ${String(row.threads).padEnd(2)} ${shape.padEnd(34)} ${row.msPerStep.toFixed(1).padStart(8)} ms/step ${row.gflops.toFixed(1).padStart(6)} GFLOP/s${ceiling}\n`,
  );
}

const note = (text) => process.stdout.write(json ? `${JSON.stringify({ bench: 'rnn', note: text })}\n` : `# ${text}\n`);

note(
  `load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}, ${cores} cores, node ${process.version}`,
);
/** The measured ceiling (GFLOP/s) by thread count, for the thread counts the native engine runs with. */
const ceilings = new Map();
if (engines.includes('native')) {
  for (const threads of [...new Set([1, cores])]) {
    const { gflops, reason } = await measureCeiling(threads);
    if (gflops === undefined) {
      note(`ceiling: not measured (${reason})`);
      break;
    }
    ceilings.set(threads, gflops);
    if (json) process.stdout.write(`${JSON.stringify({ bench: 'rnn', engine: 'ceiling', threads, gflops })}\n`);
    else
      process.stdout.write(
        `${'ceiling'.padEnd(9)} threads ${String(threads).padEnd(2)} ${'peak SIMD multiply-add loop (L1)'.padEnd(34)} ${''.padStart(16)} ${gflops.toFixed(1).padStart(6)} GFLOP/s\n`,
      );
  }
}
const factories = await engineFactories();
/** The native row on the most threads of each dense size, by "N B T". */
const denseNative = new Map();
const python = engines.includes('torch') ? findPython() : undefined;
if (engines.includes('torch') && !python)
  note('torch: skipped (no python3 with `import torch`; set MOLAP_BENCH_PYTHON)');
for (const name of engines) {
  if (typeof factories.get(name) === 'string') note(`${name}: skipped (${factories.get(name)})`);
}

for (const size of sizes) {
  const flops = flopsPerStep(size);
  const rows = [];
  for (const name of engines) {
    if (name === 'torch') {
      if (!python) continue;
      const { msPerStep, threads } = torchStep(python, size);
      rows.push({ engine: 'torch', threads, ...size, msPerStep, gflops: flops / msPerStep / 1e6 });
      report(rows.at(-1));
      continue;
    }
    const list = factories.get(name);
    if (!Array.isArray(list)) continue;
    for (const [engineName, threads, create] of list) {
      const engine = await create();
      const { config, parameters, batch } = problem(size);
      const model = engine.createModel({ config, parameters });
      const msPerStep = await timeSteps(model, batch);
      model.dispose();
      await engine.dispose();
      const gflops = flops / msPerStep / 1e6;
      const ceiling = ceilings.get(engine.threads ?? threads);
      rows.push({
        engine: engineName,
        threads: engine.threads ?? threads,
        ...size,
        msPerStep,
        gflops,
        ...(engineName === 'native' && ceiling ? { ofCeiling: gflops / ceiling } : {}),
      });
      report(rows.at(-1));
    }
  }
  const torch = rows.find((row) => row.engine === 'torch');
  const native = rows.filter((row) => row.engine === 'native').sort((a, b) => b.threads - a.threads)[0];
  if (torch && native) {
    note(
      `N=${size.N} B=${size.B} T=${size.T} modules=${size.modules}: native (${native.threads} threads) is ` +
        `${(torch.msPerStep / native.msPerStep).toFixed(2)}× as fast as torch (${torch.threads} threads)`,
    );
  }
  const shapeKey = `${size.N} ${size.B} ${size.T}`;
  if (native && size.modules === 1) denseNative.set(shapeKey, native);
  const dense = denseNative.get(shapeKey);
  if (native && size.modules > 1 && dense && dense.threads === native.threads) {
    note(
      `N=${size.N} B=${size.B} T=${size.T}: the ${size.modules}-module step takes ` +
        `${(native.msPerStep / dense.msPerStep).toFixed(2)}× the dense step's time (native, ${native.threads} threads; ` +
        `${(flops / flopsPerStep({ ...size, modules: 1 })).toFixed(2)}× its FLOPs)`,
    );
  }
}
