// The playground's weight, first paint and live training: the built page's JavaScript and WebAssembly (raw
// and gzip, what loads at start and what loads on demand); the time from navigation to the first trial drawn,
// in headless Chromium (fresh browser context per load, so nothing is cached), served with the COOP/COEP
// headers; and training steps per second of the train-live view (fdgo, 4 × 16 units, batch 32, native
// engine) in the page's Web Worker, isolated (2 threads on a 2-core machine) and not (1 thread), vs the same
// session code on the same engine in Node (1 thread); and on the `webgl` engine (tfjs' WebGL backend; headless
// Chromium renders WebGL2 in software, SwiftShader: a GPU-less figure), every chunk from the first.
//
// npm run bench -- playground [--loads 10] [--steps 400] [--webgl-steps 40] [--json]
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { serveStatic } from '../scripts/serve.mjs';
import { withNodeSession } from './node-session.mjs';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '10' },
    steps: { type: 'string', default: '400' },
    'webgl-steps': { type: 'string', default: '40' },
    json: { type: 'boolean', default: false },
  },
});
const loads = Number(values.loads);
const steps = Number(values.steps);
/** Training steps on the webgl engine (0: not measured). Software WebGL takes seconds per step. */
const webglSteps = Number(values['webgl-steps']);
/** Chromium's flags: software WebGL2 (SwiftShader) where there is no GPU, as in the end-to-end tests. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader'];
/** Chunks (of 20 steps) skipped before rates are kept: compilation and warm-up. */
const WARMUP_STEPS = 60;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** Steps per second of the session in Node: `src/train/session.ts` built for Node, the Node entry of the packages. */
function nodeStepsPerSecond() {
  return withNodeSession(async ({ createSession }) => {
    const { createNativeEngine } = await import('@molap/backend');
    const { yang19 } = await import('@molap/tasks');
    const engine = await createNativeEngine({ threads: 1 });
    const session = createSession(
      engine,
      yang19.find((task) => task.id === 'fdgo'),
    );
    const rates = [];
    while (session.step < steps) {
      const start = performance.now();
      await session.train(20);
      const rate = 20 / ((performance.now() - start) / 1000);
      await session.evaluate();
      if (session.step > WARMUP_STEPS) rates.push(rate);
    }
    session.dispose();
    await engine.dispose();
    return { median: median(rates), chunks: rates.length, simd: engine.simd };
  });
}
/**
 * Steps per second of the train-live view in the page served with (`isolated`) or without the COOP/COEP
 * headers, on the engine of the menu (`native` unless said), with the engine's SIMD flag and thread count as the
 * page reports them; rates of the chunks after step `warmup`, up to step `until`.
 */
async function pageStepsPerSecond(outDir, isolated, { engine = 'native', until = steps, warmup = WARMUP_STEPS } = {}) {
  const server = await serveStatic(outDir, { isolated });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.click('nav button[data-view="train"]');
    await page.selectOption('#train-engine', engine);
    await page.waitForFunction((kind) => document.getElementById('train').dataset.engineReady === kind, engine);
    await page.click('#train-start');
    const rates = new Map();
    for (;;) {
      const data = await page.evaluate(() => ({ ...document.getElementById('train').dataset }));
      const step = Number(data.step ?? 0);
      if (step > warmup && data.stepsPerSecond) rates.set(step, Number(data.stepsPerSecond));
      if (step >= until) break;
      await page.waitForTimeout(50);
    }
    await page.click('#train-stop');
    const train = page.locator('#train');
    return {
      median: median([...rates.values()]),
      chunks: rates.size,
      simd: (await train.getAttribute('data-simd')) === 'true',
      threads: Number(await train.getAttribute('data-threads')),
      isolated,
      engine: await train.getAttribute('data-engine-name'),
      rates: [...rates].map(([step, rate]) => ({ step, rate })),
      status: await page.locator('#train-status').textContent(),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const scratch = await mkdtemp(join(tmpdir(), 'molap-playground-bench-'));
const outDir = join(scratch, 'site');
const load = loadavg()[0];

try {
  await build({ root: appRoot, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const html = await readFile(join(outDir, 'index.html'), 'utf8');
  const files = [];
  for (const name of await readdir(join(outDir, 'assets'))) {
    const bytes = await readFile(join(outDir, 'assets', name));
    const kind = extname(name).slice(1);
    files.push({
      name,
      kind,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      atStart: html.includes(name),
    });
  }
  const code = files.filter((file) => file.kind === 'js' || file.kind === 'wasm');
  const sum = (list, key) => list.reduce((total, file) => total + file[key], 0);
  const size = {
    total: { raw: sum(code, 'raw'), gzip: sum(code, 'gzip') },
    atStart: {
      raw: sum(
        code.filter((f) => f.atStart),
        'raw',
      ),
      gzip: sum(
        code.filter((f) => f.atStart),
        'gzip',
      ),
    },
    wasm: {
      raw: sum(
        code.filter((f) => f.kind === 'wasm'),
        'raw',
      ),
      gzip: sum(
        code.filter((f) => f.kind === 'wasm'),
        'gzip',
      ),
    },
  };

  const server = await serveStatic(outDir, { isolated: true });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const times = [];
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url);
      await page.locator('#trial svg').waitFor();
      times.push(await page.evaluate(() => performance.getEntriesByName('molap:first-trial')[0].startTime));
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  // live training in the page: isolated (the page picks 2 threads where the machine has 2 cores), then not
  // isolated (1 thread; Chromium still allows shared WebAssembly memory, so the SIMD kernels run in both)
  const pageTraining = await pageStepsPerSecond(outDir, true);
  const pageOneThread = await pageStepsPerSecond(outDir, false);
  const loadBeforeWebgl = loadavg()[0];
  const pageWebgl =
    webglSteps > 0 ? await pageStepsPerSecond(outDir, true, { engine: 'webgl', until: webglSteps, warmup: 0 }) : null;
  const nodeTraining = await nodeStepsPerSecond();
  times.sort((a, b) => a - b);
  const firstTrial = {
    median: times[Math.floor(times.length / 2)],
    min: times[0],
    max: times[times.length - 1],
    loads,
  };
  const training = {
    page: pageTraining,
    pageOneThread,
    pageWebgl,
    loadBeforeWebgl,
    node: nodeTraining,
    ratio: nodeTraining.median / pageTraining.median,
  };
  const result = {
    size,
    files,
    firstTrialMs: firstTrial,
    training,
    chromium: browser.version(),
    cpus: cpus().length,
    load,
    loadAtEnd: loadavg()[0],
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
    process.stdout.write(`playground bundle (JS + wasm), gzip -9:\n`);
    for (const file of files.filter((f) => f.kind === 'js' || f.kind === 'wasm')) {
      process.stdout.write(
        `  ${file.name.padEnd(32)} ${kb(file.raw).padStart(11)} raw ${kb(file.gzip).padStart(10)} gzip  ${file.atStart ? 'at start' : 'on demand'}\n`,
      );
    }
    process.stdout.write(
      `  total ${kb(size.total.gzip)} gzip (${kb(size.total.raw)} raw); at start ${kb(size.atStart.gzip)} gzip; WebAssembly files ${kb(size.wasm.gzip)} gzip\n`,
    );
    process.stdout.write(
      `time to first trial drawn (navigation start → plotTrial's SVG in the page), ${loads} fresh loads: median ${firstTrial.median.toFixed(0)} ms (min ${firstTrial.min.toFixed(0)}, max ${firstTrial.max.toFixed(0)})\n`,
    );
    process.stdout.write(
      `training steps/s (fdgo, 4 × 16 units, batch 32, native engine; median over 20-step chunks after step ${WARMUP_STEPS}, to step ${steps}): page ${pageTraining.median.toFixed(1)} (isolated, ${pageTraining.threads} threads, SIMD ${pageTraining.simd}), page ${pageOneThread.median.toFixed(1)} (not isolated, ${pageOneThread.threads} thread, SIMD ${pageOneThread.simd}), Node ${nodeTraining.median.toFixed(1)} (1 thread, SIMD ${nodeTraining.simd}); Node / isolated page = ${training.ratio.toFixed(2)}\n`,
    );
    if (pageWebgl) {
      process.stdout.write(
        `training steps/s on the webgl engine (${pageWebgl.engine}; every 20-step chunk from step 0 to ${webglSteps}, load ${loadBeforeWebgl.toFixed(2)} before): ${pageWebgl.rates.map(({ step, rate }) => `step ${step}: ${rate.toPrecision(2)}`).join(', ')}\n  ${pageWebgl.status}\n`,
      );
    }
    process.stdout.write(
      `Chromium ${result.chromium}; ${result.cpus} cores, load average ${load.toFixed(2)} at start, ${result.loadAtEnd.toFixed(2)} at end\n`,
    );
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
