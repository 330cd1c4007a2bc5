// Batch export at corpus size: `npm run bench -- export [--json]`.
// Times encodeNpz (stored and deflated), decodeNpz and plotTrial on Yang batches: a 64-trial training
// batch of contextdelaydm1 (random mode) and the 500-trial test grid of contextdm1.
import { createRng, decodeNpz, encodeNpz, plotTrial, resolveTaskOptions, YANG19_TASKS } from '../dist/index.js';

const json = process.argv.includes('--json');
const repeats = 5;

function time(run) {
  const times = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    result = run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(repeats / 2)], minMs: times[0], result };
}

const batches = [
  ['contextdelaydm1 random B=64', YANG19_TASKS.contextdelaydm1, { batchSize: 64 }],
  ['contextdm1 test grid B=500', YANG19_TASKS.contextdm1, { mode: 'test' }],
].map(([name, task, options]) => [name, task.generate(createRng(1), resolveTaskOptions(task, options))]);

const rows = [];
for (const [name, batch] of batches) {
  const floats = batch.inputs.length + batch.targets.length + batch.mask.length + batch.targetAngle.length;
  const megabytes = (floats * 4) / 1e6;
  const stored = time(() => encodeNpz(batch));
  const deflated = time(() => encodeNpz(batch, { compress: true }));
  const decoded = time(() => decodeNpz(stored.result));
  const svg = time(() => plotTrial(batch, 0));
  rows.push({
    batch: name,
    shape: `[${batch.steps}, ${batch.batchSize}, ${batch.inputSize}]`,
    arrayMB: megabytes,
    encodeStoredMs: stored.medianMs,
    encodeDeflateMs: deflated.medianMs,
    deflatedMB: deflated.result.length / 1e6,
    decodeMs: decoded.medianMs,
    plotMs: svg.medianMs,
    svgKB: svg.result.length / 1e3,
  });
}

if (json) {
  process.stdout.write(`${JSON.stringify({ repeats, results: rows }, null, 2)}\n`);
} else {
  process.stdout.write(`export: median of ${repeats}\n`);
  for (const r of rows) {
    process.stdout.write(
      `  ${r.batch} ${r.shape}, ${r.arrayMB.toFixed(1)} MB of arrays\n` +
        `    encodeNpz stored   ${r.encodeStoredMs.toFixed(1).padStart(7)} ms  (${(r.arrayMB / (r.encodeStoredMs / 1e3)).toFixed(0)} MB/s)\n` +
        `    encodeNpz deflate  ${r.encodeDeflateMs.toFixed(1).padStart(7)} ms  (${r.deflatedMB.toFixed(2)} MB written)\n` +
        `    decodeNpz          ${r.decodeMs.toFixed(1).padStart(7)} ms\n` +
        `    plotTrial          ${r.plotMs.toFixed(1).padStart(7)} ms  (${r.svgKB.toFixed(0)} kB of SVG)\n`,
    );
  }
}
