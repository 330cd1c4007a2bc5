// Teachers of the benchmarks: the multitask RNN of Yang et al. (the `multitask` strategy, default options)
// trained on the nine-task corpus with the standard run's budget (500 steps of 64 trials per task, 4500
// steps interleaved), one per seed, saved on disk and reused, so experiments never retrain them. This is
// the network a `molap run --preset standard` of the same seed trains as its `multitask` model.
//
// Not a suite (no .bench.mjs): imported by primitives-compare and tune.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '@molap/backend';
import { createYang19Registry, loadMultitask, multitask } from '@molap/baselines';
import { BUDGET_PRESETS, budgetFor } from '@molap/core';

export const CORPUS = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
export const HELD_OUT = ['delayanti', 'dmcgo'];
/** The standard run's per-task budget (`molap run --preset standard`: BUDGET_PRESETS.standard, 500 steps). */
export const STANDARD_RUN_BUDGET = Object.freeze({ ...BUDGET_PRESETS.standard, steps: 500 });
export const DEFAULT_CACHE = join(process.cwd(), 'molap-runs', 'bench-cache');

/** Folder of the cached teacher of `seed`. */
export function teacherDir(cache, seed) {
  return join(cache, 'teachers', `multitask-standard-seed-${seed}`);
}

/**
 * The teacher of `seed`: loaded from the cache when there, else trained (about 5 min on 2 cores) and saved.
 * @returns { dir, trained: boolean, seconds }
 */
export async function ensureTeacher({ cache = DEFAULT_CACHE, seed, threads = 2, log = () => {} }) {
  const dir = teacherDir(cache, seed);
  if (existsSync(join(dir, 'strategy.json'))) return { dir, trained: false, seconds: 0 };
  const engine = await createEngine({ engine: 'native', threads });
  const tasks = createYang19Registry();
  const model = await multitask.create({ engine, tasks });
  const budget = { ...budgetFor(STANDARD_RUN_BUDGET, 'interleaved', CORPUS.length) };
  budget.evalEvery = budget.steps; // evaluations do not change the weights; skip the intermediate ones
  log(
    `teacher seed ${seed}: training multitask on ${CORPUS.length} tasks, ${budget.steps} steps × ${budget.batchSize}`,
  );
  const t0 = performance.now();
  const records = await model.learn(CORPUS, budget, { seed });
  const seconds = (performance.now() - t0) / 1000;
  log(
    `teacher seed ${seed}: ${seconds.toFixed(0)} s; ${records.map((r) => `${r.taskId} ${r.performance.toFixed(2)}`).join(', ')}`,
  );
  await model.save(dir);
  await model.dispose();
  await engine.dispose();
  return { dir, trained: true, seconds };
}

/** Loads a cached teacher as a multitask model (for evaluating it). */
export async function loadTeacherModel(dir, engine) {
  return loadMultitask(dir, { engine, tasks: createYang19Registry() });
}
