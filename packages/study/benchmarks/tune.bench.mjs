#!/usr/bin/env node
// Benchmark `tune`: one protocol, applied equally, to choose the defaults each strategy exposes:
// EWC's λ, SI's c, MoLaP's learning rate (the one learning option of MoLaP that moved its results), and the
// learning rate of the networks that train every weight (multitask, independent, psp, sequential), so that
// MoLaP's tuned rate is not compared with untuned baselines.
//
//   npm run bench -- tune [--strategies ewc,si,molap] [--seeds 101] [--steps 500] [--batch-size 64] [--grid-ewc 100,1000,10000,100000]
//       [--grid-si 0.1,1,10,100] [--grid-molap 0.001,0.002,0.003,0.005]
//       [--grid-<multitask|independent|psp|sequential> 0.0005,0.001,0.002,0.005] [--extractor teacher] [--k 16]
//       [--module-size 16] [--psp-superposed input,recurrent,readout] [--threads N] [--cache dir] [--json]
//       [--out file.json]
//
// Protocol (the same for every strategy):
// - tuning seeds (default 101; `--seeds 101,102,103` for several) that no reported result uses: each seeds the
//   networks, the training batches, and, for MoLaP, the bank and its teacher (the multitask RNN of that seed,
//   trained once and cached);
// - the standard run's tasks and budget: the nine-task corpus, 500 steps of 64 trials per task (sequential
//   strategies learn the corpus in order; MoLaP learns the corpus and the two held-out tasks, each on its own);
//   `--steps N` shortens it for a quick screen (for example of a rate that makes some seeds collapse early);
//   `--batch-size B` with `--steps` at the same trials per task (32 × 1,000 = 64 × 500) screens the batch size;
// - a grid of four values per strategy;
// - the score: mean performance over the tasks at the end (after the whole sequence for sequential strategies,
//   so forgetting counts) on validation trials: 256 per task from their own seed (2,000,003), never the test
//   trials (seed 1,000,003) the benchmarks report; with several tuning seeds, the mean over seeds, so a value
//   that fails on one seed pays for it;
// - the chosen value: the best score; a tie goes to the smaller value. A value whose training diverges (NaN)
//   scores 0.
// Each grid point is cached in <cache>/tune, so an interrupted run resumes.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@molap/backend';
import { ewc, independent, multitask, psp, sequential, si } from '@molap/baselines';
import { createMolap } from '@molap/composer';
import { budgetFor, evaluationBatch, evaluationNoiseSeed } from '@molap/core';
import { buildModuleBank, loadModuleBank, loadTeacher, saveModuleBank } from '@molap/primitives';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { CORPUS, DEFAULT_CACHE, ensureTeacher, HELD_OUT, STANDARD_RUN_BUDGET } from './teacher-cache.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const list = (name, fallback) => (option(name) ?? fallback).split(',').map(Number);
const json = args.includes('--json');
const seeds = list('seeds', option('seed', '101'));
const steps = Number(option('steps', String(STANDARD_RUN_BUDGET.steps)));
const cache = option('cache', DEFAULT_CACHE);
const strategies = option('strategies', 'ewc,si,molap').split(',');
const threads = Number(option('threads', String(availableParallelism())));
const VALIDATION_TRIALS = 256;
const VALIDATION_SEED = 2_000_003;
const GRIDS = {
  ewc: { option: 'lambda', values: list('grid-ewc', '100,1000,10000,100000') },
  si: { option: 'c', values: list('grid-si', '0.1,1,10,100') },
  molap: { option: 'learningRate', values: list('grid-molap', '0.001,0.002,0.003,0.005') },
  multitask: { option: 'learningRate', values: list('grid-multitask', '0.0005,0.001,0.002,0.005') },
  independent: { option: 'learningRate', values: list('grid-independent', '0.0005,0.001,0.002,0.005') },
  psp: { option: 'learningRate', values: list('grid-psp', '0.0005,0.001,0.002,0.005') },
  sequential: { option: 'learningRate', values: list('grid-sequential', '0.0005,0.001,0.002,0.005') },
};
const NETWORKS = { ewc, si, multitask, independent, psp, sequential };
/** Options held fixed while the grid varies one: psp's superposed layers (`--psp-superposed input,recurrent,readout`). */
const pspSuperposed = option('psp-superposed');
const fixedOptions = (strategy) =>
  strategy === 'psp' && pspSuperposed ? { superposed: pspSuperposed.split(',') } : {};
const unknown = strategies.filter((strategy) => !GRIDS[strategy]);
if (unknown.length > 0) {
  process.stderr.write(`unknown strategy '${unknown[0]}' to tune: use ${Object.keys(GRIDS).join(', ')}\n`);
  process.exit(2);
}
const bankOptions = {
  extractor: option('extractor', 'teacher'),
  latents: { k: Number(option('k', '16')) },
  moduleSize: Number(option('module-size', '16')),
};
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
const context = { engine, tasks: registry };
const batchSize = Number(option('batch-size', String(STANDARD_RUN_BUDGET.batchSize)));
// The same keys in the same order as STANDARD_RUN_BUDGET: at its values the cache keys are those of earlier runs.
const budget = { ...STANDARD_RUN_BUDGET, steps, batchSize };
const validation = new Map(
  [...CORPUS, ...HELD_OUT].map((id) => [
    id,
    evaluationBatch(registry.get(id), { trials: VALIDATION_TRIALS, seed: VALIDATION_SEED }),
  ]),
);
log(
  `tune: seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}; strategies ${strategies.join(', ')}; ${budget.steps} steps × ${budget.batchSize} trials per task`,
);
log(`machine: ${cpus()[0]?.model ?? '?'} × ${availableParallelism()}; load ${loadText()}`);

async function score(model, tasks) {
  const perTask = {};
  for (const id of tasks) {
    const result = await model.evaluate(id, validation.get(id), {
      noiseSeed: evaluationNoiseSeed(VALIDATION_SEED, id),
    });
    perTask[id] = result.performance;
  }
  return { perTask, mean: tasks.reduce((sum, id) => sum + perTask[id], 0) / tasks.length };
}

const banks = new Map();
async function molapBank(seed) {
  if (banks.has(seed)) return banks.get(seed);
  let bank;
  const teacher = await loadTeacher((await ensureTeacher({ cache, seed, threads, log })).dir);
  const dir = join(cache, 'banks', `tune-${hash({ ...bankOptions, teacher: teacher.fileSha256 })}-seed-${seed}`);
  if (existsSync(join(dir, 'bank.json'))) bank = await loadModuleBank(dir);
  else {
    bank = await buildModuleBank({
      tasks: { registry, ids: CORPUS },
      seed,
      teacher,
      ...bankOptions,
      engineOptions: { engine: 'native' },
    });
    await saveModuleBank(dir, bank);
  }
  banks.set(seed, bank);
  return bank;
}

async function run(strategy, value, seed) {
  const t0 = performance.now();
  if (strategy === 'molap') {
    const model = createMolap(await molapBank(seed), context, { learningRate: value });
    const tasks = [...CORPUS, ...HELD_OUT];
    await model.learn(tasks, budget, { seed });
    const result = await score(model, tasks);
    await model.dispose();
    return { ...result, seconds: (performance.now() - t0) / 1000 };
  }
  const model = await NETWORKS[strategy].create(context, {
    ...fixedOptions(strategy),
    [GRIDS[strategy].option]: value,
  });
  // multitask learns the corpus interleaved: the study's budget for it (steps × tasks for the curriculum);
  // its intermediate evaluations are skipped (they do not change the weights).
  const learnBudget =
    strategy === 'multitask'
      ? { ...budgetFor(budget, 'interleaved', CORPUS.length), evalEvery: budget.steps * CORPUS.length }
      : budget;
  await model.learn(CORPUS, learnBudget, { seed });
  const result = await score(model, CORPUS);
  const forgetting = (model.forgetting?.() ?? []).map((f) => ({ taskId: f.taskId, forgetting: f.forgetting }));
  await model.dispose();
  return { ...result, forgetting, seconds: (performance.now() - t0) / 1000 };
}

const report = {
  suite: 'tune',
  seeds,
  budget,
  validationTrials: VALIDATION_TRIALS,
  validationSeed: VALIDATION_SEED,
  results: {},
};

/** One grid value on one tuning seed: learned and scored, or read from the cache. */
async function gridPoint(strategy, grid, value, seed) {
  const key = {
    strategy,
    option: grid.option,
    value,
    seed,
    budget,
    ...(strategy === 'molap' ? bankOptions : {}),
    ...fixedOptions(strategy),
  };
  const file = join(cache, 'tune', `${strategy}-${hash(key)}.json`);
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8'));
  log(`  ${strategy} ${grid.option} = ${value}, seed ${seed}: learning (load ${loadText()})`);
  let outcome;
  try {
    outcome = await run(strategy, value, seed);
  } catch (error) {
    // a value that makes training diverge is a measured result (the worst score), not a crash of the grid
    if (error?.code !== 'training-diverged') throw error;
    outcome = { perTask: {}, mean: 0, diverged: error.problem };
  }
  const point = { ...key, ...outcome, load: loadavg(), date: new Date().toISOString() };
  await mkdir(join(cache, 'tune'), { recursive: true });
  await writeFile(file, `${JSON.stringify(point, null, 2)}\n`);
  return point;
}

for (const strategy of strategies) {
  const grid = GRIDS[strategy];
  const values = [];
  for (const value of grid.values) {
    const points = [];
    for (const seed of seeds) {
      const point = await gridPoint(strategy, grid, value, seed);
      points.push(point);
      const perTask = Object.entries(point.perTask)
        .map(([id, v]) => `${id} ${v.toFixed(2)}`)
        .join(', ');
      log(
        point.diverged
          ? `  ${strategy} ${grid.option} = ${value}, seed ${seed}: ${point.diverged} (scored 0)`
          : `  ${strategy} ${grid.option} = ${value}, seed ${seed}: validation mean ${point.mean.toFixed(3)} (${perTask}); ${point.seconds.toFixed(0)} s`,
      );
    }
    const mean = points.reduce((sum, point) => sum + point.mean, 0) / points.length;
    if (seeds.length > 1) {
      const worst = Math.min(...points.map((point) => point.mean));
      log(
        `  ${strategy} ${grid.option} = ${value}: mean over ${seeds.length} seeds ${mean.toFixed(3)} (worst seed ${worst.toFixed(3)})`,
      );
    }
    values.push({ value, mean, points });
  }
  const best = values.reduce((a, b) => (b.mean > a.mean ? b : a));
  report.results[strategy] = { option: grid.option, grid: grid.values, values, chosen: best.value };
  log(
    `${strategy}: chosen ${grid.option} = ${best.value} (validation mean ${best.mean.toFixed(3)}${seeds.length > 1 ? ` over seeds ${seeds.join(', ')}` : ''})`,
  );
}
await engine.dispose();
log(`load at the end ${loadText()}`);
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
if (option('out')) await writeFile(option('out'), `${JSON.stringify(report, null, 2)}\n`);
