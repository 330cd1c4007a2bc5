// The machine's WebAssembly SIMD ceiling, measured: `assembly/peak.ts` (the inner loop of a matrix
// product with its data in registers and L1 cache) compiled with AssemblyScript at run time and run on
// 1..n threads at once. Used by the rnn benchmark to give each engine row as a fraction of what this
// machine can do in the same run; not a suite of its own (the file name has no `.bench`).
//
// In a worker thread (started by `measureCeiling`) this module runs the loop and posts its rate.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));
/** FLOPs of one iteration of `peak`: 8 multiply-adds on 4 lanes. */
const FLOPS_PER_ITERATION = 64;
/** Iterations per call: about 20–40 ms on the machines we have. */
const ITERATIONS = 20_000_000;

/** Compiles assembly/peak.ts; undefined (with the reason) when AssemblyScript is not installed. */
async function compilePeak() {
  let asc;
  try {
    ({ default: asc } = await import('assemblyscript/asc'));
  } catch {
    return { reason: 'AssemblyScript (a devDependency of @molap/backend) is not installed' };
  }
  const outputs = new Map();
  const { error, stderr } = await asc.main(
    [
      join(here, 'assembly/peak.ts'),
      '--outFile',
      'peak.wasm',
      '-O3',
      '--runtime',
      'stub',
      '--noAssert',
      '--enable',
      'simd',
      '--initialMemory',
      '1',
    ],
    { writeFile: (name, contents) => outputs.set(name, contents) },
  );
  if (error) throw new Error(`assembly/peak.ts did not compile: ${stderr.toString()}`);
  return { bytes: outputs.get('peak.wasm') };
}

/** GFLOP/s of the loop on this thread: the best call after V8 has tiered the loop up to its optimising compiler. */
function runPeak(bytes, { warmUpMs, measureMs }) {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const call = () => {
    const started = performance.now();
    exports.peak(ITERATIONS, 0.5);
    return (FLOPS_PER_ITERATION * ITERATIONS) / (performance.now() - started) / 1e6;
  };
  const warmUpUntil = performance.now() + warmUpMs;
  while (performance.now() < warmUpUntil) call();
  let best = 0;
  const until = performance.now() + measureMs;
  while (performance.now() < until) best = Math.max(best, call());
  return best;
}

/**
 * The ceiling on `threads` threads running the loop at the same time: the sum of their rates, in GFLOP/s
 * (undefined, with `reason`, when the loop cannot be compiled here). Takes about 1.5 s.
 */
export async function measureCeiling(threads) {
  const compiled = await compilePeak();
  if (!compiled.bytes) return { reason: compiled.reason };
  if (threads === 1) return { gflops: runPeak(compiled.bytes, { warmUpMs: 500, measureMs: 1000 }) };
  // all threads warm up, then measure over the same second (each takes its best call within it)
  const start = Date.now() + 800;
  const rates = await Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { bytes: compiled.bytes, start } });
      return new Promise((resolve, reject) => {
        worker.once('message', (rate) => resolve(rate));
        worker.once('error', reject);
      }).finally(() => worker.terminate());
    }),
  );
  return { gflops: rates.reduce((sum, rate) => sum + rate, 0) };
}

if (!isMainThread && workerData?.bytes) {
  const { bytes, start } = workerData;
  const warmUpMs = Math.max(100, start - Date.now());
  parentPort.postMessage(runPeak(bytes, { warmUpMs, measureMs: 1000 }));
}
