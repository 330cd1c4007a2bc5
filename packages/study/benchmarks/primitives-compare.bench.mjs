#!/usr/bin/env node
// Benchmark `primitives-compare`: latent extractors side by side (MoLaP §2b). For each seed and extractor:
// a module bank on the nine-task corpus (fdgo, reactgo, delaygo, fdanti, reactanti, dm1, contextdm1, delaydm1,
// dmsgo), then MoLaP learns the eleven tasks (the corpus plus delayanti and dmcgo, held out of pre-training)
// with the standard run's budget (500 steps of 64 trials per task), and is tested on 512 fresh trials per
// task. Random modules (the same architecture, untrained) do not depend on the extractor: once per seed.
//
//   npm run bench -- primitives-compare [--seeds 1,2,3] [--extractors teacher,teacher-cca,cca,pca]
//       [--skip-random] [--tasks a,b] [--k 8] [--module-size 32] [--pretrain-steps 3000] [--rotation none|ica]
//       [--pool-batches 16] [--activation tanh] [--lr 1e-3] [--trainable input+readout]
//       [--readout-init glorot|ridge] [--steps 500] [--batch-size 64] [--cache dir] [--fresh] [--json] [--out file.json]
//
// Teachers (the multitask RNN of each seed, trained on the corpus with the same budget: what a standard
// `molap run` trains as its `multitask` model) are trained once and cached in <cache>/teachers; banks in
// <cache>/banks; each (variant, seed) result in <cache>/results, so an interrupted or widened run only does
// what is missing (--fresh ignores cached results, not teachers). Default cache: molap-runs/bench-cache.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@molap/backend';
import { createMolap } from '@molap/composer';
import { evaluationBatch, evaluationNoiseSeed } from '@molap/core';
import {
  bankLayout,
  buildModuleBank,
  createLatentExtractorRegistry,
  createRandomModuleBank,
  loadModuleBank,
  loadTeacher,
  saveModuleBank,
} from '@molap/primitives';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { CORPUS, DEFAULT_CACHE, ensureTeacher, HELD_OUT, STANDARD_RUN_BUDGET } from './teacher-cache.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const number = (name) => (option(name) === undefined ? undefined : Number(option(name)));
const defined = (record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
const json = args.includes('--json');
const fresh = args.includes('--fresh');
const seeds = (option('seeds') ?? '1').split(',').map(Number);
const extractors = (option('extractors') ?? 'teacher,teacher-cca,cca').split(',').filter(Boolean);
const cache = option('cache', DEFAULT_CACHE);
const threads = Number(option('threads', String(availableParallelism())));
const TASKS = option('tasks')?.split(',') ?? [...CORPUS, ...HELD_OUT];
const TEST_TRIALS = 512;
const TEST_SEED = 1_000_003;
/** Validation trials (another seed than the test's): defaults are chosen on these, results reported on the test. */
const VALIDATION_TRIALS = 256;
const VALIDATION_SEED = 2_000_003;

const latentOptions = defined({ k: number('k'), rotation: option('rotation') });
const pretraining = defined({
  steps: number('pretrain-steps'),
  moduleSize: number('module-size'),
  activation: option('activation'),
  poolBatchesPerTask: number('pool-batches'),
  learningRate: number('pretrain-lr'),
});
const molapOptions = defined({
  learningRate: number('lr'),
  trainable: option('trainable'),
  readoutInit: option('readout-init'),
});
const budget = { ...STANDARD_RUN_BUDGET, ...defined({ steps: number('steps'), batchSize: number('batch-size') }) };
const log = (line = '') => {
  if (!json) process.stdout.write(`${line}\n`);
};
const loadText = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
const hash = (value) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);

const registry = createTaskRegistry({ tasks: yang19 });
const engine = await createEngine({ engine: 'native', threads });
const test = new Map(
  TASKS.map((id) => [id, evaluationBatch(registry.get(id), { trials: TEST_TRIALS, seed: TEST_SEED })]),
);
const validation = new Map(
  TASKS.map((id) => [id, evaluationBatch(registry.get(id), { trials: VALIDATION_TRIALS, seed: VALIDATION_SEED })]),
);
log(
  `primitives-compare: seeds ${seeds.join(', ')}; extractors ${extractors.join(', ')}; ${TASKS.length} tasks × ${budget.steps} steps × ${budget.batchSize} trials`,
);
log(`machine: ${cpus()[0]?.model ?? '?'} × ${availableParallelism()}; load ${loadText()}`);

/** MoLaP on `bank` learns TASKS; tested on the fixed test trials. */
async function learnAndTest(bank) {
  const model = createMolap(bank, { engine, tasks: registry }, molapOptions);
  const t0 = performance.now();
  const records = await model.learn(TASKS, budget, { seed: bank.seed });
  const seconds = (performance.now() - t0) / 1000;
  const tasks = {};
  for (const record of records) {
    const result = await model.evaluate(record.taskId, test.get(record.taskId), {
      noiseSeed: evaluationNoiseSeed(TEST_SEED, record.taskId),
    });
    const checked = await model.evaluate(record.taskId, validation.get(record.taskId), {
      noiseSeed: evaluationNoiseSeed(VALIDATION_SEED, record.taskId),
    });
    tasks[record.taskId] = {
      performance: result.performance,
      validation: checked.performance,
      trialsToCriterion: record.trialsToCriterion,
      lastEvaluation: record.performance,
      curve: record.curve.map((point) => [point.step, Number(point.performance.toFixed(4))]),
    };
  }
  const trainable = model.trainableParametersPerTask();
  await model.dispose();
  return { tasks, learningSeconds: seconds, trainableParametersPerTask: trainable };
}

async function cached(kind, key, seed, run) {
  const file = join(cache, 'results', `${kind}-${hash(key)}-seed-${seed}.json`);
  if (!fresh && existsSync(file)) {
    log(`  ${kind} seed ${seed}: cached (${file})`);
    return JSON.parse(await readFile(file, 'utf8'));
  }
  const result = { kind, key, seed, ...(await run()), load: loadavg(), date: new Date().toISOString() };
  await mkdir(join(cache, 'results'), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

const rows = [];
// A teacher is trained (or read from the cache) only when an extractor reads one.
const extractorRegistry = createLatentExtractorRegistry();
const needsTeacher = extractors.some((id) => extractorRegistry.get(id).meta.needsTeacher === true);
for (const seed of seeds) {
  const teacher = needsTeacher
    ? await loadTeacher((await ensureTeacher({ cache, seed, threads, log })).dir)
    : undefined;
  for (const extractor of extractors) {
    const key = {
      extractor,
      latentOptions,
      pretraining,
      molapOptions,
      budget,
      tasks: TASKS,
      teacher: teacher?.fileSha256 ?? null,
    };
    const result = await cached(extractor, key, seed, async () => {
      const bankKey = { extractor, latentOptions, pretraining, teacher: teacher?.fileSha256 ?? null };
      const bankDir = join(cache, 'banks', `${extractor}-${hash(bankKey)}-seed-${seed}`);
      let bank;
      let pretrainSeconds = null;
      if (existsSync(join(bankDir, 'bank.json'))) bank = await loadModuleBank(bankDir);
      else {
        log(`  ${extractor} seed ${seed}: building the bank (load ${loadText()})`);
        const t0 = performance.now();
        bank = await buildModuleBank({
          tasks: { registry, ids: CORPUS },
          seed,
          extractor,
          latents: latentOptions,
          ...(teacher ? { teacher } : {}),
          ...pretraining,
          engineOptions: { engine: 'native' },
        });
        pretrainSeconds = (performance.now() - t0) / 1000;
        await saveModuleBank(bankDir, bank);
      }
      const r2 = bank.log.map((entry) => entry.heldOutR2);
      log(
        `  ${extractor} seed ${seed}: bank ${bank.k}×${bank.moduleSize}, held-out R² ${r2.map((v) => v.toFixed(2)).join(' ')}${pretrainSeconds === null ? ' (cached)' : `, ${pretrainSeconds.toFixed(0)} s`}`,
      );
      const learned = await learnAndTest(bank);
      return {
        heldOutR2: r2,
        rho: Array.from(bank.primitives.rho),
        explainedStateVariance: bank.primitives.explainedStateVariance ?? null,
        pretrainSeconds,
        k: bank.k,
        moduleSize: bank.moduleSize,
        ...learned,
      };
    });
    rows.push(result);
    log(summary(result));
  }
  if (!args.includes('--skip-random')) {
    const k = latentOptions.k ?? 8;
    const moduleSize = pretraining.moduleSize ?? 32;
    const activation = pretraining.activation ?? 'tanh';
    const key = { random: true, k, moduleSize, activation, molapOptions, budget, tasks: TASKS };
    const result = await cached('random', key, seed, async () => {
      const bank = createRandomModuleBank({
        layout: bankLayout(registry.get(CORPUS[0])),
        k,
        moduleSize,
        seed,
        activation,
      });
      return { heldOutR2: null, k, moduleSize, ...(await learnAndTest(bank)) };
    });
    rows.push(result);
    log(summary(result));
  }
}
await engine.dispose();

function summary(result) {
  const values = TASKS.map((id) => result.tasks[id].performance);
  const corpus = CORPUS.filter((id) => TASKS.includes(id)).map((id) => result.tasks[id].performance);
  const mean = (list) => list.reduce((a, b) => a + b, 0) / Math.max(list.length, 1);
  return `  ${result.kind} seed ${result.seed}: ${TASKS.map((id, i) => `${id} ${values[i].toFixed(3)}`).join(', ')}; corpus mean ${mean(corpus).toFixed(3)}, min ${Math.min(...corpus).toFixed(3)}; learning ${result.learningSeconds.toFixed(0)} s; load ${result.load.map((v) => v.toFixed(2)).join(' ')}`;
}

// The table: one column per (kind, seed), one row per task, then the corpus mean and minimum.
const columns = rows.map((row) => `${row.kind} s${row.seed}`);
log('');
log(`| task | ${columns.join(' | ')} |`);
log(`| --- | ${columns.map(() => '---').join(' | ')} |`);
for (const id of TASKS) {
  log(
    `| ${id}${HELD_OUT.includes(id) ? ' (held out)' : ''} | ${rows.map((row) => row.tasks[id].performance.toFixed(3)).join(' | ')} |`,
  );
}
const corpusIds = CORPUS.filter((id) => TASKS.includes(id));
const stat = (row, f) => f(corpusIds.map((id) => row.tasks[id].performance));
log(
  `| corpus mean | ${rows.map((row) => stat(row, (v) => v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)).join(' | ')} |`,
);
log(`| corpus min | ${rows.map((row) => stat(row, (v) => Math.min(...v)).toFixed(3)).join(' | ')} |`);
log(
  `| module R² | ${rows.map((row) => (row.heldOutR2 ? row.heldOutR2.map((v) => v.toFixed(2)).join(' ') : '—')).join(' | ')} |`,
);

// Over seeds: per kind, each task's test performance as mean (min–max), then the corpus mean and minimum,
// the validation corpus mean (what defaults are chosen on) and the modules' held-out R².
const kinds = [...new Set(rows.map((row) => row.kind))];
const range = (values) =>
  `${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(3)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
const ofKind = (kind) => rows.filter((row) => row.kind === kind);
log('');
log(
  `| task | ${kinds
    .map(
      (kind) =>
        `${kind} (seeds ${ofKind(kind)
          .map((row) => row.seed)
          .join(', ')})`,
    )
    .join(' | ')} |`,
);
log(`| --- | ${kinds.map(() => '---').join(' | ')} |`);
for (const id of TASKS) {
  log(
    `| ${id}${HELD_OUT.includes(id) ? ' (held out)' : ''} | ${kinds.map((kind) => range(ofKind(kind).map((row) => row.tasks[id].performance))).join(' | ')} |`,
  );
}
const corpusStat = (row, f, field = 'performance') => f(corpusIds.map((id) => row.tasks[id][field] ?? Number.NaN));
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
log(`| corpus mean | ${kinds.map((kind) => range(ofKind(kind).map((row) => corpusStat(row, mean)))).join(' | ')} |`);
log(
  `| corpus min | ${kinds.map((kind) => range(ofKind(kind).map((row) => corpusStat(row, (v) => Math.min(...v))))).join(' | ')} |`,
);
log(
  `| validation corpus mean | ${kinds.map((kind) => range(ofKind(kind).map((row) => corpusStat(row, mean, 'validation')))).join(' | ')} |`,
);
log(
  `| module R² | ${kinds
    .map((kind) => {
      const all = ofKind(kind).flatMap((row) => row.heldOutR2 ?? []);
      return all.length > 0 ? `${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)}` : '—';
    })
    .join(' | ')} |`,
);
log(
  `| pre-training s | ${kinds
    .map((kind) =>
      ofKind(kind)
        .map((row) => (row.pretrainSeconds == null ? '—' : row.pretrainSeconds.toFixed(0)))
        .join(', '),
    )
    .join(' | ')} |`,
);
log(
  `| learning s | ${kinds
    .map((kind) =>
      ofKind(kind)
        .map((row) => row.learningSeconds.toFixed(0))
        .join(', '),
    )
    .join(' | ')} |`,
);
log(`load at the end ${loadText()}`);
const report = { suite: 'primitives-compare', tasks: TASKS, budget, testTrials: TEST_TRIALS, rows };
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
if (option('out')) await writeFile(option('out'), `${JSON.stringify(report, null, 2)}\n`);
