// What fresh ArrayBuffers cost a page against Node, and what `recycleBatch` saves: in headless Chromium (a
// page served with the COOP/COEP headers) and in this Node process, the same code times allocating and
// filling float32 arrays, filling one already allocated, and generating fdgo batches of 32 trials with
// `@molap/tasks` (its browser build in the page, its Node build here) fresh and with every batch recycled.
//
// npm run bench -- array-buffers [--json]
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve.mjs';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const tasksDist = join(dirname(fileURLToPath(import.meta.url)), '../../../packages/tasks/dist');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Milliseconds per call of each case (median of 7 rounds after a warm-up); runs in the page and in Node. */
async function measure(tasksUrl) {
  const tasks = await import(tasksUrl);
  const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
  const time = (f, calls) => {
    for (let i = 0; i < 10; i++) f(i);
    const rounds = [];
    for (let r = 0; r < 7; r++) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) f(i);
      rounds.push((performance.now() - start) / calls);
    }
    return median(rounds);
  };
  const big = new Float32Array(750_000);
  const fdgo = tasks.yang19.find((task) => task.id === 'fdgo');
  const options = tasks.resolveTaskOptions(fdgo, { mode: 'random', batchSize: 32 });
  const rng = tasks.createRng(1);
  return {
    'allocate and fill 3 MB': time(() => new Float32Array(750_000).fill(1), 20),
    'fill 3 MB allocated before': time(() => big.fill(1), 20),
    'allocate and fill 3 × 100 KB': time(() => {
      for (let k = 0; k < 3; k++) new Float32Array(25_000).fill(1);
    }, 50),
    'fdgo batch of 32, fresh': time((i) => fdgo.generate(rng.fork(i), options), 50),
    'fdgo batch of 32, recycled': time((i) => tasks.recycleBatch(fdgo.generate(rng.fork(i), options)), 50),
  };
}

const server = await serveStatic(tasksDist, { isolated: true });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
let page;
try {
  const tab = await browser.newPage();
  await tab.goto(server.url);
  page = await tab.evaluate(`(${measure.toString()})(${JSON.stringify(`${server.url}browser.js`)})`);
} finally {
  await browser.close();
  await server.close();
}
const node = await measure(pathToFileURL(join(tasksDist, 'index.js')).href);
const result = { page, node, chromium: browser.version(), cpus: cpus().length, load: loadavg()[0] };
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  process.stdout.write('ms per call (median of 7 rounds)                 page      Node  page / Node\n');
  for (const name of Object.keys(page)) {
    process.stdout.write(
      `${name.padEnd(44)} ${page[name].toFixed(3).padStart(9)} ${node[name].toFixed(3).padStart(9)} ${(page[name] / node[name]).toFixed(1).padStart(11)}\n`,
    );
  }
  process.stdout.write(`Chromium ${result.chromium}; ${result.cpus} cores, load average ${result.load.toFixed(2)}\n`);
}
