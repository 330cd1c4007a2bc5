#!/usr/bin/env node
// Benchmark `molap`: the whole method on the nine-task corpus (fdgo, reactgo, delaygo, fdanti, reactanti,
// dm1, contextdm1, delaydm1, dmsgo), with delayanti and dmcgo held out of pre-training.
//
//   npm run bench -- molap [--preset quick|standard] [--seed S] [--threads N] [--workers W]
//                          [--bank folder] [--skip-random] [--json] [--out file.json]
//
// 1. Builds the module bank (corpus sample, CCA latents, modules pre-trained in `--workers` threads), or
//    loads it from `--bank` when the folder holds one (and saves it there otherwise).
// 2. MoLaP ('input+readout') learns the eleven tasks with the preset's per-task budget.
// 3. The same architecture on random, untrained modules (same k, size and seed) learns them with the same
//    budget (skip with --skip-random).
// 4. Both are tested on 512 fresh trials per task; prints per-task performance, trials to criterion,
//    parameters, wall times and the machine load, and checks the acceptance targets: performance ≥ 0.9 on
//    fdgo, fdanti and delaygo, and a higher mean over the eleven tasks than random modules.
//
// Investigation flags (override the preset): --pretrain-steps, --pretrain-batch, --pretrain-lr, --method
// cca|pca, --k, --module-size, --activation softplus|relu|tanh, --history 100,500, --regularization, --mask time|cost, --steps (learning),
// --lr (learning), --trainable, --readout-init glorot|ridge, --tasks a,b,c.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@molap/backend';
import { evaluationBatch, evaluationNoiseSeed } from '@molap/core';
import {
  bankLayout,
  buildModuleBank,
  createRandomModuleBank,
  describeModuleBank,
  loadModuleBank,
  saveModuleBank,
} from '@molap/primitives';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { createMolap, MOLAP_PRESETS } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const number = (name) => (option(name) === undefined ? undefined : Number(option(name)));
const defined = (record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
const json = args.includes('--json');
const presetName = option('preset', 'standard');
const seed = Number(option('seed', '1'));
const threads = Number(option('threads', String(availableParallelism())));
const workers = Number(option('workers', String(availableParallelism())));
const bankDir = option('bank');
const out = option('out');
const CORPUS = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
const HELD_OUT = ['delayanti', 'dmcgo'];
const TASKS = option('tasks')?.split(',') ?? [...CORPUS, ...HELD_OUT];
const TARGETS = ['fdgo', 'fdanti', 'delaygo'];
const TEST_TRIALS = 512;
const TEST_SEED = 1_000_003;

const preset = MOLAP_PRESETS[presetName];
if (!preset) {
  process.stderr.write(`unknown preset "${presetName}": use ${Object.keys(MOLAP_PRESETS).join(' or ')}\n`);
  process.exit(2);
}
const pretraining = {
  ...preset.pretraining,
  ...defined({
    steps: number('pretrain-steps'),
    batchSize: number('pretrain-batch'),
    learningRate: number('pretrain-lr'),
    moduleSize: number('module-size'),
    maskWeighting: option('mask'),
    activation: option('activation'),
  }),
};
const latents = {
  ...preset.latents,
  ...defined({ method: option('method'), k: number('k'), regularization: number('regularization') }),
};
const corpusSampling = {
  ...preset.corpus,
  ...(option('history') ? { historyTimeConstants: option('history').split(',').map(Number) } : {}),
};
const molapOptions = {
  ...preset.molap,
  ...defined({ learningRate: number('lr'), trainable: option('trainable'), readoutInit: option('readout-init') }),
};
const budget = { ...preset.budget, ...defined({ steps: number('steps') }) };
const log = (line = '') => {
  if (!json) process.stdout.write(`${line}\n`);
};
const loadText = (load) => load.map((v) => v.toFixed(2)).join(' ');

const loads = [loadavg()];
const registry = createTaskRegistry({ tasks: yang19 });
log(`molap: preset ${presetName}, seed ${seed}; corpus ${CORPUS.join(', ')}; held out ${HELD_OUT.join(', ')}`);
log(`load average ${loadText(loads[0])} on ${availableParallelism()} cores`);

// 1. The bank.
let bank;
let pretrainSeconds = null;
const started = performance.now();
if (bankDir && existsSync(join(bankDir, 'bank.json'))) {
  bank = await loadModuleBank(bankDir);
  log(`bank loaded from ${bankDir}`);
} else {
  let mode = '';
  bank = await buildModuleBank({
    tasks: { registry, ids: CORPUS },
    seed,
    corpus: corpusSampling,
    latents,
    preset: preset.pretrainPreset,
    ...pretraining,
    workers,
    engineOptions: { engine: 'native' },
    onProgress: (event) => {
      if (event.type === 'start')
        mode = `${event.mode}, ${event.workers} worker(s)${event.reason ? ` (${event.reason})` : ''}`;
      if (event.type === 'module-end') {
        log(`  module ${event.module}: held-out R² ${event.heldOutR2.toFixed(3)} (${event.seconds.toFixed(1)} s)`);
      }
    },
  });
  pretrainSeconds = (performance.now() - started) / 1000;
  log(`pre-training: ${pretrainSeconds.toFixed(1)} s, ${mode}`);
  if (bankDir) await saveModuleBank(bankDir, bank);
}
loads.push(loadavg());
log(describeModuleBank(bank));

// 2–3. Learning.
const engine = await createEngine({ engine: 'native', threads });
const context = { engine, tasks: registry };
const test = new Map(
  TASKS.map((id) => [id, evaluationBatch(registry.get(id), { trials: TEST_TRIALS, seed: TEST_SEED })]),
);

async function run(label, moduleBank) {
  const model = createMolap(moduleBank, context, molapOptions);
  const t0 = performance.now();
  log(
    `${label}: ${TASKS.length} tasks × ${budget.steps} steps × ${budget.batchSize} trials, trainable ${model.options.trainable} (${model.trainableParametersPerTask()} parameters per task)`,
  );
  const records = await model.learn(TASKS, budget, {
    seed,
    onProgress: (taskId, point) => {
      if (point.step === budget.steps)
        log(`  ${taskId.padEnd(11)} ${point.performance.toFixed(3)} after ${point.trials} trials`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const rows = [];
  for (const record of records) {
    const result = await model.evaluate(record.taskId, test.get(record.taskId), {
      noiseSeed: evaluationNoiseSeed(TEST_SEED, record.taskId),
    });
    rows.push({
      taskId: record.taskId,
      heldOut: HELD_OUT.includes(record.taskId),
      performance: result.performance,
      loss: result.loss,
      trialsToCriterion: record.trialsToCriterion,
      trainableParameters: record.trainableParameters,
      parameterUpdates: record.parameterUpdates,
      curve: record.curve,
    });
  }
  const mean = rows.reduce((sum, row) => sum + row.performance, 0) / rows.length;
  const count = model.parameterCount();
  await model.dispose();
  return { label, seconds, mean, rows, parameters: count };
}

const molap = await run('MoLaP', bank);
loads.push(loadavg());
const random = args.includes('--skip-random')
  ? null
  : await run(
      'random modules',
      createRandomModuleBank({
        layout: bankLayout(registry.get(CORPUS[0])),
        k: bank.k,
        moduleSize: bank.moduleSize,
        seed,
        activation: bank.network.config.activation,
        recurrentNoise: bank.network.config.recurrentNoise,
        ...(bank.options.recurrentInit ? { recurrentInit: bank.options.recurrentInit } : {}),
        ...(bank.options.recurrentScale !== undefined ? { recurrentScale: bank.options.recurrentScale } : {}),
      }),
    );
loads.push(loadavg());
await engine.dispose();

// 4. Report.
const cell = (value) => (value === null ? '—' : String(value));
log('');
log(`test: ${TEST_TRIALS} fresh trials per task (seed ${TEST_SEED})`);
log(`task         MoLaP   random  MoLaP trials to 0.9   random trials to 0.9`);
for (const row of molap.rows) {
  const other = random?.rows.find((r) => r.taskId === row.taskId);
  log(
    `${(row.taskId + (row.heldOut ? '*' : '')).padEnd(12)} ${row.performance.toFixed(3)}   ${other ? other.performance.toFixed(3) : '—    '}   ${cell(row.trialsToCriterion).padEnd(20)}  ${cell(other?.trialsToCriterion ?? null)}`,
  );
}
log(
  `mean         ${molap.mean.toFixed(3)}   ${random ? random.mean.toFixed(3) : '—'}      (* held out of pre-training)`,
);
log(
  `wall time: pre-training ${pretrainSeconds === null ? '(loaded)' : `${pretrainSeconds.toFixed(1)} s`}, MoLaP learning ${molap.seconds.toFixed(1)} s${random ? `, random-modules learning ${random.seconds.toFixed(1)} s` : ''}; engine ${threads} thread(s)`,
);
log(
  `parameters: MoLaP total ${molap.parameters.total} (bank ${molap.parameters.frozenShared}), trainable per task ${molap.rows[0]?.trainableParameters}`,
);
log(
  `load averages (1, 5, 15 min) at start, after pre-training, after MoLaP, at the end: ${loads.map(loadText).join(' | ')}`,
);
const checks = [
  ...TARGETS.filter((id) => TASKS.includes(id)).map((id) => {
    const row = molap.rows.find((r) => r.taskId === id);
    return { check: `MoLaP ${id} ≥ 0.9`, pass: row.performance >= 0.9, value: row.performance };
  }),
  ...(random
    ? [{ check: 'MoLaP mean > random-modules mean', pass: molap.mean > random.mean, value: molap.mean - random.mean }]
    : []),
];
for (const c of checks) log(`${c.pass ? 'PASS' : 'FAIL'} ${c.check} (${c.value.toFixed(3)})`);

const report = {
  suite: 'molap',
  preset: presetName,
  seed,
  corpus: CORPUS,
  heldOut: HELD_OUT,
  options: { pretraining, latents, corpus: corpusSampling, molap: molapOptions, budget, workers, threads },
  bank: {
    k: bank.k,
    moduleSize: bank.moduleSize,
    heldOutR2: bank.log.map((l) => l.heldOutR2),
    rho: bank.primitives ? Array.from(bank.primitives.rho) : null,
  },
  pretrainSeconds,
  molap,
  random,
  checks,
  loadAverages: loads,
  cores: availableParallelism(),
};
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
if (out) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
