/**
 * A fixed, seeded set of corpus trials with every module's latent trajectory precomputed: how modules train
 * on latents that need a teacher's states (`teacher`, `teacher-cca`).
 *
 * Why a pool rather than running the teacher on every training batch: a teacher forward pass (256 units)
 * costs about 4× a 32-unit module's training step and 3× generating the batch (measured: 22 ms vs 5.2 ms vs
 * 7.4 ms for 32 trials, native engine, one thread), and each of the k modules draws its own batches, so
 * per-batch teacher passes would triple pre-training. The pool runs the teacher once per pooled batch, in the
 * calling thread; modules then skip batch generation too. The pool lives in SharedArrayBuffers, so worker
 * threads read it without copies, and it is a function of (bank seed, corpus, options, teacher) only, so banks
 * stay bit-identical for any number of workers.
 *
 * Training batch j of task t comes from `createRng(bankSeed).fork(BANK_STREAM.pool).fork(taskSeedKey(id)).fork(j)`;
 * the held-out batches are the bank's usual ones (`heldOutBatches`).
 */

import type { EngineModel, TrainingBatch } from '@molap/backend';
import { taskSeedKey } from '@molap/core';
import { type Batch, createRng, resolveTaskOptions, type Task } from '@molap/tasks';
import { BANK_STREAM } from './bank.js';
import type { CorpusTaskOptions } from './corpus.js';
import type { LatentMaskWeighting } from './module-batches.js';
import { type TeacherLatents, teacherLatentValues, teacherStates } from './teacher-latents.js';

/** Where one pooled batch lives in the pool's arrays. */
export interface PoolBatch {
  /** Corpus index of its task. */
  readonly task: number;
  readonly steps: number;
  readonly batchSize: number;
  /** First row (a row is one time step of one trial) in `inputs`, `latents` and `weights`. */
  readonly row: number;
}

/** A latent pool (plain data over SharedArrayBuffers; structured-cloneable without copies). */
export interface LatentPool {
  readonly k: number;
  readonly inputSize: number;
  readonly taskCount: number;
  readonly batchesPerTask: number;
  /** Training batches, task-major: batch j of task t at t·batchesPerTask + j. */
  readonly training: readonly PoolBatch[];
  /** Held-out batches (the bank's `heldOutBatches`), weighted by the time mask. */
  readonly heldOut: readonly PoolBatch[];
  /** [rows, nIn] full task inputs (sensory + rule one-hot), time-major within each batch. */
  readonly inputs: Float32Array;
  /** [rows, k] latent targets v_i(t). */
  readonly latents: Float32Array;
  /** [rows] loss weight of each time step (0 on padding and unmasked steps). */
  readonly weights: Float32Array;
}

/** Options of `buildLatentPool`. */
export interface LatentPoolOptions {
  readonly tasks: readonly Task[];
  readonly taskOptions: CorpusTaskOptions;
  readonly bankSeed: number;
  readonly latents: TeacherLatents;
  /** The teacher, as an engine model (`teacherModel`). */
  readonly teacher: EngineModel;
  readonly batchesPerTask: number;
  readonly batchSize: number;
  /** The bank's held-out batches (`heldOutBatches`), task-major, the same number per task. */
  readonly heldOut: readonly Batch[];
  readonly weighting: LatentMaskWeighting;
}

/** Weight of each (t, b) of a batch: the time mask (1 where any output's mask is non-zero) or the mean cost. */
function stepWeights(batch: Batch, weighting: LatentMaskWeighting): Float32Array {
  const { steps, batchSize, outputSize } = batch;
  const out = new Float32Array(steps * batchSize);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batchSize; b++) {
      if (t >= batch.trialSteps[b]) continue;
      const row = t * batchSize + b;
      let sum = 0;
      let any = false;
      for (let c = 0; c < outputSize; c++) {
        const m = batch.mask[row * outputSize + c];
        sum += m;
        if (m !== 0) any = true;
      }
      out[row] = weighting === 'cost' ? sum / outputSize : any ? 1 : 0;
    }
  }
  return out;
}

function shared(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** Generates the pool's trials and runs the teacher over them (in this thread). Deterministic. */
export async function buildLatentPool(options: LatentPoolOptions): Promise<LatentPool> {
  const { tasks, latents, teacher } = options;
  const k = latents.k;
  const chunks: { batch: Batch; latents: Float32Array; weights: Float32Array; task: number }[] = [];
  const root = createRng(options.bankSeed).fork(BANK_STREAM.pool);
  for (const [t, task] of tasks.entries()) {
    const rng = root.fork(taskSeedKey(task.id));
    const resolved = resolveTaskOptions(task, {
      ...options.taskOptions,
      mode: 'random',
      batchSize: options.batchSize,
    });
    for (let j = 0; j < options.batchesPerTask; j++) {
      const batch = task.generate(rng.fork(j), resolved);
      chunks.push({ batch, task: t, ...(await pooled(batch, options.weighting)) });
    }
  }
  const trainingCount = chunks.length;
  const held = options.heldOut;
  const perTask = held.length / tasks.length;
  for (const [i, batch] of held.entries()) {
    chunks.push({ batch, task: Math.floor(i / perTask), ...(await pooled(batch, 'time')) });
  }

  async function pooled(batch: Batch, weighting: LatentMaskWeighting) {
    const states = await teacherStates(teacher, batch);
    return { latents: teacherLatentValues(latents, states), weights: stepWeights(batch, weighting) };
  }

  const nIn = chunks[0].batch.inputSize;
  const rows = chunks.reduce((sum, chunk) => sum + chunk.batch.steps * chunk.batch.batchSize, 0);
  const pool = { inputs: shared(rows * nIn), latents: shared(rows * k), weights: shared(rows) };
  const entries: PoolBatch[] = [];
  let row = 0;
  for (const chunk of chunks) {
    const { batch } = chunk;
    pool.inputs.set(batch.inputs, row * nIn);
    pool.latents.set(chunk.latents, row * k);
    pool.weights.set(chunk.weights, row);
    entries.push({ task: chunk.task, steps: batch.steps, batchSize: batch.batchSize, row });
    row += batch.steps * batch.batchSize;
  }
  return {
    k,
    inputSize: nIn,
    taskCount: tasks.length,
    batchesPerTask: options.batchesPerTask,
    training: entries.slice(0, trainingCount),
    heldOut: entries.slice(trainingCount),
    ...pool,
  };
}

/** Pooled batch `entry` as the training batch of module `index` (one target channel). */
export function poolModuleBatch(pool: LatentPool, entry: PoolBatch, index: number): TrainingBatch {
  const rows = entry.steps * entry.batchSize;
  const targets = new Float32Array(rows);
  for (let r = 0; r < rows; r++) targets[r] = pool.latents[(entry.row + r) * pool.k + index];
  return {
    steps: entry.steps,
    batchSize: entry.batchSize,
    inputs: pool.inputs.subarray(entry.row * pool.inputSize, (entry.row + rows) * pool.inputSize),
    targets,
    mask: pool.weights.subarray(entry.row, entry.row + rows),
  };
}

/** The pooled batch module `index` trains on at a step, from the step's random stream. */
export function poolEntryAt(pool: LatentPool, rng: { integer(n: number): number }): PoolBatch {
  const task = rng.integer(pool.taskCount);
  return pool.training[task * pool.batchesPerTask + rng.integer(pool.batchesPerTask)];
}
