/**
 * Pre-training one module (MoLaP §3): a leaky RNN of `moduleSize` units, trained on its own on trials of
 * every corpus task (full input: sensory + rule one-hot) to produce its latent v_i(t) through a linear
 * scalar readout, with the task's time mask as loss weight; then its fit on held-out corpus trials.
 *
 * Everything module i does is a function of its seed `moduleSeed(bankSeed, i)` (initialisation, the task
 * and batch of each step, the recurrent noise), of the bank seed (held-out trials) and of the options, so it
 * is the same whichever thread or worker trains it.
 */
import { join } from 'node:path';
import { type Engine, type EngineModel, type RnnParameters, train } from '@molap/backend';
import { InvalidValueError, taskSeedKey } from '@molap/core';
import { type Batch, createRng, resolveTaskOptions, type Task, type TaskOptions } from '@molap/tasks';
import {
  BANK_STREAM,
  type BankLayout,
  initialModuleParameters,
  type ModuleLog,
  moduleConfig,
  moduleSeed,
} from './bank.js';
import { type CorpusTaskOptions, DEFAULT_CORPUS_BATCH_SIZE } from './corpus.js';
import type { BankLatents } from './extractor.js';
import { type LatentPool, poolEntryAt, poolModuleBatch } from './latent-pool.js';
import type { LatentPrimitives } from './latents.js';
import { latentTargetsAndMask, moduleTrainingBatch } from './module-batches.js';
import type { ModuleTrainingOptions } from './pretrain-options.js';
import { isTeacherLatents } from './teacher-latents.js';

/** Progress of a pre-training run. */
export type PretrainProgress =
  | {
      readonly type: 'start';
      readonly modules: number;
      readonly mode: 'workers' | 'in-thread';
      readonly workers: number;
      /** Why modules train in this thread, when they do. */
      readonly reason?: string;
    }
  | { readonly type: 'module-start'; readonly module: number }
  /** Mean loss of the last `logEvery` steps. */
  | { readonly type: 'loss'; readonly module: number; readonly step: number; readonly loss: number }
  | { readonly type: 'module-end'; readonly module: number; readonly heldOutR2: number; readonly seconds: number };

/** What training a module needs; everything but the engine and callbacks is plain data. */
export interface ModuleTrainingContext {
  readonly engine: Engine;
  /** The corpus tasks, in corpus order. */
  readonly tasks: readonly Task[];
  readonly primitives: BankLatents;
  readonly layout: BankLayout;
  readonly options: ModuleTrainingOptions;
  readonly taskOptions: CorpusTaskOptions;
  readonly bankSeed: number;
  /**
   * Precomputed trials and latents (`buildLatentPool`): modules then train on batches drawn from it instead
   * of fresh trials, and their fit is measured on its held-out batches. Required for teacher latents.
   */
  readonly pool?: LatentPool;
  /** Folder of the per-module checkpoint folders (`module-00`, …); a run finding one there resumes it. */
  readonly checkpointDir?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: PretrainProgress) => void;
}

/** A trained module. */
export interface TrainedModule {
  readonly index: number;
  /** Parameters for `moduleConfig`: W_in [m, nIn], W_rec [m, m], b_rec [m], W_out [1, m], b_out [1]. */
  readonly parameters: RnnParameters;
  readonly log: ModuleLog;
  /** Whether the signal stopped training before the last step. */
  readonly aborted: boolean;
}

/** Random streams of a module seed. */
const MODULE_STREAM = { batches: 1 } as const;

/** Checkpoint folder of module `index`. */
export function moduleCheckpointFolder(index: number): string {
  return `module-${String(index).padStart(2, '0')}`;
}

function resolvedTaskOptions(tasks: readonly Task[], taskOptions: CorpusTaskOptions, batchSize: number): TaskOptions[] {
  return tasks.map((task) => resolveTaskOptions(task, { ...taskOptions, mode: 'random', batchSize }));
}

/** Trains module `index` and measures its held-out fit. */
export async function trainModule(context: ModuleTrainingContext, index: number): Promise<TrainedModule> {
  const { options, tasks, pool } = context;
  const primitives = pool ? undefined : targetLatents(context.primitives);
  const started = performance.now();
  const seed = moduleSeed(context.bankSeed, index);
  const config = moduleConfig(context.layout, options.moduleSize, options);
  const model = context.engine.createModel({
    config,
    parameters: initialModuleParameters(config, seed, options),
    adam: { learningRate: options.learningRate },
    clipping: options.clipValue > 0 ? { kind: 'value', value: options.clipValue } : { kind: 'none' },
  });
  context.onProgress?.({ type: 'module-start', module: index });
  try {
    const resolved = resolvedTaskOptions(tasks, context.taskOptions, options.batchSize);
    const root = createRng(seed).fork(MODULE_STREAM.batches);
    const lossCurve: { step: number; loss: number }[] = [];
    let windowSum = 0;
    let windowCount = 0;
    const result = await train({
      model,
      steps: options.steps,
      seed,
      nextBatch: (step) => {
        const rng = root.fork(step);
        if (pool) return poolModuleBatch(pool, poolEntryAt(pool, rng), index);
        const which = rng.integer(tasks.length);
        const batch = tasks[which].generate(rng.fork(1), resolved[which]);
        return moduleTrainingBatch(primitives!, batch, index, options.maskWeighting);
      },
      onStep: ({ step, loss }) => {
        windowSum += loss;
        windowCount++;
        const completed = step + 1;
        if (completed % options.logEvery === 0 || completed === options.steps) {
          const point = { step: completed, loss: windowSum / windowCount };
          lossCurve.push(point);
          context.onProgress?.({ type: 'loss', module: index, ...point });
          windowSum = 0;
          windowCount = 0;
        }
      },
      ...(context.checkpointDir
        ? {
            checkpoint: {
              dir: join(context.checkpointDir, moduleCheckpointFolder(index)),
              every: options.checkpointEvery,
              metadata: { module: index, seed },
            },
          }
        : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const parameters = model.getParameters();
    const heldOutR2 = result.aborted ? Number.NaN : await heldOutFit(context, model, index);
    const seconds = (performance.now() - started) / 1000;
    if (!result.aborted) context.onProgress?.({ type: 'module-end', module: index, heldOutR2, seconds });
    return {
      index,
      parameters,
      aborted: result.aborted,
      log: { module: index, seed, steps: result.endStep, lossCurve, heldOutR2, seconds },
    };
  } finally {
    model.dispose();
  }
}

/**
 * The held-out trials of a bank: for each corpus task, `trials` trials in `random` mode drawn in batches of
 * 16 (timings vary per batch) from the bank seed's held-out stream, disjoint from every training stream.
 */
export function heldOutBatches(
  tasks: readonly Task[],
  taskOptions: CorpusTaskOptions,
  bankSeed: number,
  trials: number,
): Batch[] {
  return [...eachHeldOutBatch(tasks, taskOptions, bankSeed, trials)];
}

/**
 * The batches of {@link heldOutBatches}, in the same order, each made when it is asked for: a module's fit
 * then holds one batch of 16 trials at a time, not every corpus task's trials at once (about 40 MB at the
 * standard preset's 64 trials of nine tasks, in every pre-training worker).
 */
function* eachHeldOutBatch(
  tasks: readonly Task[],
  taskOptions: CorpusTaskOptions,
  bankSeed: number,
  trials: number,
): Generator<Batch> {
  const root = createRng(bankSeed).fork(BANK_STREAM.heldOut);
  for (const task of tasks) {
    const rng = root.fork(taskSeedKey(task.id));
    for (let drawn = 0, chunk = 0; drawn < trials; drawn += DEFAULT_CORPUS_BATCH_SIZE, chunk++) {
      const size = Math.min(DEFAULT_CORPUS_BATCH_SIZE, trials - drawn);
      yield task.generate(
        rng.fork(chunk),
        resolveTaskOptions(task, { ...taskOptions, mode: 'random', batchSize: size }),
      );
    }
  }
}

/** Seed of the recurrent noise of held-out evaluations. */
const HELD_OUT_NOISE_SEED = 0x5eed;

/** Running sums of a weighted R² = 1 − SSE/SST. */
export class FitAccumulator {
  private weight = 0;
  private sum = 0;
  private squares = 0;
  private errors = 0;

  /** Adds target `v`, prediction `estimate`, weight `w` (0 skips). */
  add(v: number, estimate: number, w: number): void {
    if (w === 0) return;
    this.weight += w;
    this.sum += w * v;
    this.squares += w * v * v;
    this.errors += w * (v - estimate) ** 2;
  }

  /** 1 − SSE/SST around the weighted mean; NaN when nothing was added or the target is constant. */
  r2(): number {
    if (this.weight === 0) return Number.NaN;
    const total = this.squares - (this.sum * this.sum) / this.weight;
    return total > 0 ? 1 - this.errors / total : Number.NaN;
  }
}

/** Target-space latents (`cca`, `pca`), which modules read off each batch's targets; teacher latents need a pool. */
function targetLatents(latents: BankLatents): LatentPrimitives {
  if (isTeacherLatents(latents)) {
    throw new InvalidValueError(`'${latents.method}' latents are read from a teacher's states, not from the targets`, {
      hint: 'pre-train them through pretrainModules with the teacher (it builds the latent pool)',
    });
  }
  return latents;
}

async function heldOutFit(context: ModuleTrainingContext, model: EngineModel, index: number): Promise<number> {
  const fit = new FitAccumulator();
  if (context.pool) {
    for (const entry of context.pool.heldOut) {
      const batch = poolModuleBatch(context.pool, entry, index);
      const { outputs } = await model.forward(batch, { noiseSeed: HELD_OUT_NOISE_SEED });
      for (let row = 0; row < batch.targets.length; row++) fit.add(batch.targets[row], outputs[row], batch.mask[row]);
    }
    return fit.r2();
  }
  const primitives = targetLatents(context.primitives);
  const batches = eachHeldOutBatch(
    context.tasks,
    context.taskOptions,
    context.bankSeed,
    context.options.evaluationTrials,
  );
  for (const batch of batches) {
    const { targets, mask } = latentTargetsAndMask(primitives, batch, [index], 'time');
    const { outputs } = await model.forward(
      { steps: batch.steps, batchSize: batch.batchSize, inputs: batch.inputs, targets, mask },
      { noiseSeed: HELD_OUT_NOISE_SEED },
    );
    for (let row = 0; row < targets.length; row++) fit.add(targets[row], outputs[row], mask[row]);
  }
  return fit.r2();
}
