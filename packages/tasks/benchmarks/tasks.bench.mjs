// Batch generation speed of the 20 Yang tasks: `npm run bench -- tasks [--json] [--reps N]`.
// Per task: ms to build one `random`-mode batch of 64 trials at the defaults (dt 20 ms, 32-unit rings,
// 85 inputs) with input noise on. Warm-up, then the median of N reps (each rep a fresh seeded batch).
// `cpuMsPerBatch` is the process CPU time per batch over the same reps: on a busy machine it is less
// inflated than wall time (take official figures when the load average is below 1).
// Reference: the numpy code (gyyang/multitask `generate_trials`) takes ~11.6 ms per batch averaged over
// the 20 tasks (9.6–15.9 ms).
import { loadavg } from 'node:os';
import { createRng, resolveTaskOptions, yang19 } from '../dist/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const at = args.indexOf('--reps');
const reps = at >= 0 ? Number(args[at + 1]) : 200;
const warmup = 30;
const REFERENCE_MS = 11.6;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const root = createRng(2024);
const rows = [];
for (const task of yang19) {
  const options = resolveTaskOptions(task, { batchSize: 64 });
  let checksum = 0;
  for (let i = 0; i < warmup; i++) checksum += task.generate(root.fork(i), options).steps;
  const times = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const rng = root.fork(warmup + i);
    const start = performance.now();
    const batch = task.generate(rng, options);
    times.push(performance.now() - start);
    checksum += batch.inputs[batch.inputs.length - 1];
  }
  const cpu = process.cpuUsage(cpuBefore);
  const row = {
    bench: 'tasks',
    task: task.id,
    batchSize: 64,
    msPerBatch: median(times),
    meanMs: times.reduce((a, b) => a + b) / reps,
    cpuMsPerBatch: (cpu.user + cpu.system) / 1000 / reps,
  };
  rows.push(row);
  if (json) process.stdout.write(`${JSON.stringify(row)}\n`);
  else
    process.stdout.write(
      `${task.id.padEnd(16)} ${row.msPerBatch.toFixed(3).padStart(7)} ms (median; mean ${row.meanMs.toFixed(3)}; CPU ${row.cpuMsPerBatch.toFixed(3)})\n`,
    );
  if (!Number.isFinite(checksum)) throw new Error('non-finite batch');
}
const mean = rows.reduce((sum, row) => sum + row.msPerBatch, 0) / rows.length;
const cpuMean = rows.reduce((sum, row) => sum + row.cpuMsPerBatch, 0) / rows.length;
const summary = {
  bench: 'tasks',
  task: 'mean',
  batchSize: 64,
  msPerBatch: mean,
  cpuMsPerBatch: cpuMean,
  minMs: Math.min(...rows.map((row) => row.msPerBatch)),
  maxMs: Math.max(...rows.map((row) => row.msPerBatch)),
  referenceMs: REFERENCE_MS,
  speedupVsReference: REFERENCE_MS / mean,
  reps,
  loadAverage1m: loadavg()[0],
};
if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  process.stdout.write(
    `mean over 20 tasks: ${mean.toFixed(3)} ms per batch of 64 (median of ${reps} reps each; range ${summary.minMs.toFixed(2)}–${summary.maxMs.toFixed(2)}); CPU ${cpuMean.toFixed(3)} ms\n` +
      `reference numpy code: ${REFERENCE_MS} ms → ${summary.speedupVsReference.toFixed(1)}× faster; load average ${summary.loadAverage1m.toFixed(2)}\n`,
  );
}
