#!/usr/bin/env node
// Benchmark `multitask`: the Yang et al. 2019 multitask RNN (256 softplus units, diag init, Adam 1e-3,
// element-wise clipping, contextdm1 drawn 5× more often) trained interleaved on the nine-task corpus
// with a budget preset, then tested on 512 fresh trials per task (Yang's 16 × 32).
//
//   npm run bench -- multitask [--preset standard|quick] [--threads N] [--seed S] [--json] [--out file.json]
//
// Prints the learning curve (mean performance over the nine tasks against trials) while it trains, then
// per-task performance, wall time and the machine load. The acceptance target is a mean of at least 0.85
// with the `standard` preset.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { createEngine } from '@molap/backend';
import { BUDGET_PRESETS, budgetFor, evaluationBatch, evaluationNoiseSeed } from '@molap/core';
import { createYang19Registry, multitask } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const json = args.includes('--json');
const preset = option('preset', 'standard');
const threads = Number(option('threads', String(availableParallelism())));
const seed = Number(option('seed', '1'));
const out = option('out');
const TASKS = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
const TEST_TRIALS = 512;
const TEST_SEED = 1_000_003;

if (!BUDGET_PRESETS[preset]) {
  process.stderr.write(`unknown preset "${preset}": use ${Object.keys(BUDGET_PRESETS).join(' or ')}\n`);
  process.exit(2);
}
const budget = budgetFor(BUDGET_PRESETS[preset], multitask.meta.schedule, TASKS.length);
const log = (line) => {
  if (!json) process.stdout.write(`${line}\n`);
};

const loadBefore = loadavg();
const engine = await createEngine({ engine: 'native', threads });
const tasks = createYang19Registry();
const model = await multitask.create({ engine, tasks });
log(
  `multitask: ${TASKS.length} tasks, preset ${preset} → ${budget.steps} steps × ${budget.batchSize} trials, evaluation every ${budget.evalEvery} steps on ${budget.evalTrials} trials per task`,
);
log(
  `engine ${engine.name}, ${engine.threads} thread(s); load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')} on ${availableParallelism()} cores`,
);

const pending = new Map();
const curve = [];
const started = performance.now();
const records = await model.learn(TASKS, budget, {
  seed,
  onProgress: (taskId, point) => {
    const key = curve.length;
    const entry = pending.get(key) ?? {};
    entry[taskId] = point;
    pending.set(key, entry);
    if (Object.keys(entry).length === TASKS.length) {
      pending.delete(key);
      const mean = TASKS.reduce((sum, id) => sum + entry[id].performance, 0) / TASKS.length;
      const trials = TASKS.reduce((sum, id) => sum + entry[id].trials, 0);
      const minutes = (performance.now() - started) / 60000;
      curve.push({
        trials,
        meanPerformance: mean,
        minutes,
        perTask: Object.fromEntries(TASKS.map((id) => [id, entry[id].performance])),
      });
      log(`  ${String(trials).padStart(8)} trials  mean perf ${mean.toFixed(3)}  (${minutes.toFixed(1)} min)`);
    }
  },
});
const trainingMinutes = (performance.now() - started) / 60000;

const results = [];
for (const id of TASKS) {
  const batch = evaluationBatch(tasks.get(id), { trials: TEST_TRIALS, seed: TEST_SEED });
  const test = await model.evaluate(id, batch, { noiseSeed: evaluationNoiseSeed(TEST_SEED, id) });
  const record = records.find((r) => r.taskId === id);
  results.push({
    taskId: id,
    testPerformance: test.performance,
    testLoss: test.loss,
    evaluationPerformance: record.performance,
    trialsToCriterion: record.trialsToCriterion,
    trials: record.trials,
  });
}
const mean = results.reduce((sum, r) => sum + r.testPerformance, 0) / results.length;
const loadAfter = loadavg();
const summary = {
  suite: 'multitask',
  preset,
  seed,
  budget,
  engine: engine.name,
  threads: engine.threads,
  cores: availableParallelism(),
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
  trainingMinutes,
  testTrialsPerTask: TEST_TRIALS,
  meanTestPerformance: mean,
  tasks: results,
  curve,
};
log('');
log('task         test perf  eval perf  trials to 0.9');
for (const r of results) {
  log(
    `${r.taskId.padEnd(12)} ${r.testPerformance.toFixed(3).padStart(9)}  ${r.evaluationPerformance.toFixed(3).padStart(9)}  ${String(r.trialsToCriterion ?? '—').padStart(13)}`,
  );
}
log(
  `mean test performance ${mean.toFixed(3)} (${TEST_TRIALS} trials per task); training ${trainingMinutes.toFixed(1)} min; load average after ${loadAfter.map((v) => v.toFixed(2)).join(' ')}`,
);
if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (out) await writeFile(out, `${JSON.stringify(summary, null, 2)}\n`);
await model.dispose();
await engine.dispose();
