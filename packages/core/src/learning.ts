/**
 * Learning one engine model under a `LearningBudget`, strategy-neutral: on one task or on an interleaved
 * schedule of tasks, on top of the backend's `train()` (checkpoints, exact resume, cancellation).
 *
 * - Training batches come from a `TrainingSchedule`: the task and the batch of step s are pure functions of
 *   (seed, s), so a resumed run sees exactly the batches of an uninterrupted one.
 * - Evaluation uses fixed seeded batches per task (a test set drawn once from the seed, `random` mode with
 *   input noise on, as Yang et al. evaluate) and a fixed recurrent-noise seed per task, so every point of a
 *   learning curve measures the same trials under the same noise.
 * - The result is one `TaskLearningRecord` per task: learning curve, trials to criterion, steps and parameter
 *   updates spent on that task, final performance and loss.
 */

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EngineModel,
  type RnnGradients,
  type RunOptions,
  readLatestCheckpoint,
  type StepContext,
  train,
  writeFileAtomic,
} from '@molap/backend';
import {
  type Batch,
  createRng,
  createTaskSampler,
  mixBatches,
  type Rng,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
} from '@molap/tasks';
import { parameterUpdates } from './accounting.js';
import { validateBudget } from './budgets.js';
import { evaluateOnBatch } from './evaluation.js';
import type { LearningBudget, LearningCurvePoint, TaskLearningRecord } from './model.js';
import { taskSeedKey } from './seeds.js';

/** Yang's performance criterion used when a budget does not say otherwise. */
export const DEFAULT_CRITERION = 0.9;

/** Streams derived from a seed, so training, evaluation and noise never share random numbers. */
const STREAM = { training: 1, evaluation: 2, evaluationNoise: 3 } as const;

function uint32(rng: Rng): number {
  return Math.floor(rng.uniform() * 2 ** 32);
}

/** Trials per generated batch of an evaluation set: Yang et al. evaluate 16 batches of 32 trials. */
export const EVALUATION_BATCH_SIZE = 32;

/** Options of `evaluationBatch`. */
export interface EvaluationBatchOptions {
  /** Trials in the evaluation set. */
  readonly trials: number;
  /**
   * Trials per generated batch (default 32, as Yang et al.): tasks that draw their timing once per batch
   * get one timing per `batchSize` trials.
   */
  readonly batchSize?: number;
  /** Seed of the evaluation set (the same seed gives the same trials). */
  readonly seed: number;
  /** Task options besides `mode`, `batchSize` (random mode, `trials` trials); input noise stays on by default. */
  readonly taskOptions?: Partial<TaskOptions>;
  /** Multiplies the input-noise σ (perturbation analyses); the trial conditions do not change. Default 1. */
  readonly inputNoiseScale?: number;
}

/**
 * The fixed evaluation set of a task as one batch: `trials` trials in `random` mode with input noise on,
 * generated as batches of `batchSize` trials (each with its own timing draw) and concatenated
 * (`mixBatches`, zero-padded to the longest trial). It is drawn from (seed, task id) only, so a
 * task gets the same trials whichever other tasks are evaluated with it.
 */
export function evaluationBatch(task: Task, options: EvaluationBatchOptions): Batch {
  if (!(Number.isSafeInteger(options.trials) && options.trials >= 1)) {
    throw new RangeError(`evaluation trials must be an integer >= 1, got ${String(options.trials)}`);
  }
  const size = options.batchSize ?? EVALUATION_BATCH_SIZE;
  if (!(Number.isSafeInteger(size) && size >= 1)) {
    throw new RangeError(`evaluation batchSize must be an integer >= 1, got ${String(options.batchSize)}`);
  }
  const scale = options.inputNoiseScale ?? 1;
  if (!(Number.isFinite(scale) && scale >= 0)) {
    throw new RangeError(`inputNoiseScale must be a finite number >= 0, got ${String(scale)}`);
  }
  const sigma = resolveTaskOptions(task, { ...options.taskOptions, mode: 'random' }).inputNoiseSigma;
  const rng = createRng(options.seed).fork(STREAM.evaluation).fork(taskSeedKey(task.id));
  const batches: Batch[] = [];
  for (let done = 0, index = 0; done < options.trials; index++) {
    const trials = Math.min(size, options.trials - done);
    const resolved = resolveTaskOptions(task, {
      ...options.taskOptions,
      mode: 'random',
      batchSize: trials,
      inputNoiseSigma: sigma * scale,
    });
    batches.push(task.generate(rng.fork(index), resolved));
    done += trials;
  }
  return batches.length === 1 ? batches[0] : mixBatches(batches);
}

/** Fixed evaluation batches of several tasks, by task id (see `evaluationBatch`). */
export function evaluationBatches(tasks: readonly Task[], options: EvaluationBatchOptions): Map<string, Batch> {
  return new Map(tasks.map((task) => [task.id, evaluationBatch(task, options)]));
}

/** The recurrent-noise seed used when evaluating a task for a run seed (fixed, so curves are comparable). */
export function evaluationNoiseSeed(seed: number, taskId: string): number {
  return uint32(createRng(seed).fork(STREAM.evaluationNoise).fork(taskSeedKey(taskId)));
}

/** The training batches of a run: which task and which batch each step uses, pure functions of the step. */
export interface TrainingSchedule {
  /** Tasks the schedule draws from, in the order given. */
  readonly taskIds: readonly string[];
  /** Task of step `step`. */
  taskAt(step: number): string;
  /** Batch of step `step` (one task per batch, as in Yang et al.'s reference). */
  batchAt(step: number): Batch;
}

/** Options of `taskSchedule`. */
export interface TaskScheduleOptions {
  /** Tasks to train on; one task per batch. */
  readonly tasks: readonly Task[];
  /** Trials per batch. */
  readonly batchSize: number;
  /** Seed of the batches (and of the task draws). */
  readonly seed: number;
  /**
   * Relative sampling weights by task id (missing ids weigh 1; ids of tasks not in the schedule are
   * ignored). Yang et al.'s paper networks use 5 for contextdm1 and contextdm2. Default: uniform.
   */
  readonly weights?: Readonly<Record<string, number>>;
  /** Task options besides `mode` and `batchSize` (random mode). */
  readonly taskOptions?: Partial<TaskOptions>;
}

/**
 * A schedule drawing, at each step, one task with probability proportional to its weight and a fresh batch
 * of it: `createTaskSampler` of `@molap/tasks` (step s uses `createRng(seed').fork(s)` only). The sampler
 * seed is derived from `seed`, and for a one-task schedule from (seed, task id), so two tasks learned
 * separately with the same run seed get independent batches.
 */
export function taskSchedule(options: TaskScheduleOptions): TrainingSchedule {
  const { tasks, seed } = options;
  if (!Array.isArray(tasks) || tasks.length === 0) throw new RangeError('a schedule needs at least one task');
  if (!(Number.isSafeInteger(options.batchSize) && options.batchSize >= 1)) {
    throw new RangeError(`batchSize must be an integer >= 1, got ${String(options.batchSize)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
  const ids = tasks.map((task) => task.id);
  const weights = ids.map((id) => options.weights?.[id] ?? 1);
  weights.forEach((weight, i) => {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new RangeError(`the sampling weight of task '${ids[i]}' must be a finite number > 0, got ${weight}`);
    }
  });
  const streams = createRng(seed).fork(STREAM.training);
  const sampler = createTaskSampler({
    tasks,
    weights,
    seed: uint32(tasks.length === 1 ? streams.fork(taskSeedKey(ids[0])) : streams),
    options: { ...options.taskOptions, mode: 'random', batchSize: options.batchSize },
  });
  return {
    taskIds: ids,
    taskAt: (step) => ids[sampler.taskIndexAt(step)],
    batchAt: (step) => sampler.batch(step),
  };
}

/** Performance and loss of one task at one point, from the caller's evaluation. */
export interface PointEvaluation {
  readonly performance: number;
  readonly loss: number;
}

/** Options of `learnEngineModel`. */
export interface EngineLearningOptions {
  readonly model: EngineModel;
  readonly schedule: TrainingSchedule;
  readonly budget: LearningBudget;
  /** Evaluation batch of every task of the schedule, by task id (see `evaluationBatches`). */
  readonly evaluation: ReadonlyMap<string, Batch>;
  /** Seed of the training noise of each step (the evaluation noise seeds come from `evaluationSeed`). */
  readonly seed: number;
  /** Seed of the evaluation noise (`evaluationNoiseSeed(evaluationSeed, taskId)`); default `seed`. */
  readonly evaluationSeed?: number;
  /** Trainable parameters of the model, for the records' parameter updates. */
  readonly trainableParameters: number;
  /** Options of every evaluation forward pass besides the noise seed (e.g. a unit mask). */
  readonly evaluationRunOptions?: Omit<RunOptions, 'noiseSeed'>;
  /** Extra gradients of each step (e.g. an EWC penalty), added before clipping. */
  readonly extraGradients?: (context: StepContext) => RnnGradients | undefined | Promise<RnnGradients | undefined>;
  /** Called after each evaluation point of each task. */
  readonly onProgress?: (taskId: string, point: LearningCurvePoint) => void | Promise<void>;
  /** Stops between steps (a checkpoint is written first when `checkpointDir` is given). */
  readonly signal?: AbortSignal;
  /** Folder for checkpoints and the learning curve; a run finding one there resumes exactly. */
  readonly checkpointDir?: string;
  /** Completed steps between checkpoints; default `budget.evalEvery`, else 100. */
  readonly checkpointEvery?: number;
}

/** What `learnEngineModel` returns. */
export interface EngineLearningResult {
  /** One record per task of the schedule, in schedule order. */
  readonly records: TaskLearningRecord[];
  /** Whether the run was stopped by its signal before the budget was spent. */
  readonly aborted: boolean;
  /** Steps completed in total. */
  readonly steps: number;
}

/** A curve point as stored in the checkpoint folder: the task, the run's global step, the point. */
interface StoredPoint {
  readonly taskId: string;
  readonly globalStep: number;
  readonly point: LearningCurvePoint;
}

const CURVE_FILE = 'learning-curve.json';

async function readStoredCurve(dir: string, upTo: number): Promise<StoredPoint[]> {
  try {
    const document = JSON.parse(await readFile(join(dir, CURVE_FILE), 'utf8')) as { points: StoredPoint[] };
    return document.points.filter((stored) => stored.globalStep <= upTo);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${join(dir, CURVE_FILE)} cannot be read (${(error as Error).message}): delete it to start over`);
  }
}

/**
 * Trains `model` for `budget.steps` steps on `schedule`, evaluating every task of the schedule at step 0,
 * every `budget.evalEvery` steps and at the end, and returns the learning record of each task.
 */
export async function learnEngineModel(options: EngineLearningOptions): Promise<EngineLearningResult> {
  const { model, schedule, budget } = options;
  validateBudget(budget);
  for (const id of schedule.taskIds) {
    if (!options.evaluation.has(id)) throw new RangeError(`no evaluation batch for task '${id}'`);
  }
  const evaluationSeed = options.evaluationSeed ?? options.seed;
  const noiseSeeds = new Map(schedule.taskIds.map((id) => [id, evaluationNoiseSeed(evaluationSeed, id)]));
  const stepsOfTask = new Map(schedule.taskIds.map((id) => [id, 0]));
  const curves = new Map<string, LearningCurvePoint[]>(schedule.taskIds.map((id) => [id, []]));
  const stored: StoredPoint[] = [];

  let startStep = 0;
  if (options.checkpointDir) {
    await mkdir(options.checkpointDir, { recursive: true });
    const latest = await readLatestCheckpoint(options.checkpointDir);
    if (latest) {
      startStep = latest.trainingStep ?? 0;
      for (const point of await readStoredCurve(options.checkpointDir, startStep)) {
        stored.push(point);
        curves.get(point.taskId)?.push(point.point);
      }
    }
  }
  for (let step = 0; step < startStep; step++) {
    const id = schedule.taskAt(step);
    stepsOfTask.set(id, (stepsOfTask.get(id) ?? 0) + 1);
  }

  const evaluateAll = async (globalStep: number) => {
    for (const id of schedule.taskIds) {
      const result = await evaluateOnBatch(model, options.evaluation.get(id)!, {
        ...options.evaluationRunOptions,
        noiseSeed: noiseSeeds.get(id),
      });
      const steps = stepsOfTask.get(id) ?? 0;
      const point: LearningCurvePoint = {
        step: steps,
        trials: steps * budget.batchSize,
        performance: result.performance,
        loss: result.loss,
      };
      const curve = curves.get(id)!;
      if (stored.some((entry) => entry.taskId === id && entry.globalStep === globalStep)) continue;
      curve.push(point);
      stored.push({ taskId: id, globalStep, point });
      await options.onProgress?.(id, point);
    }
    if (options.checkpointDir) {
      await writeFileAtomic(
        join(options.checkpointDir, CURVE_FILE),
        `${JSON.stringify({ format: 'molap-learning-curve', formatVersion: 1, points: stored })}\n`,
      );
    }
  };

  if (startStep === 0) await evaluateAll(0);
  const every = options.checkpointEvery ?? (budget.evalEvery > 0 ? budget.evalEvery : 100);
  const result = await train({
    model,
    steps: budget.steps,
    nextBatch: (step) => schedule.batchAt(step),
    seed: options.seed,
    ...(options.extraGradients ? { extraGradients: options.extraGradients } : {}),
    ...(budget.evalEvery > 0 ? { evalEvery: budget.evalEvery } : {}),
    evaluate: ({ step }) => evaluateAll(step),
    onStep: ({ step }) => {
      const id = schedule.taskAt(step);
      stepsOfTask.set(id, (stepsOfTask.get(id) ?? 0) + 1);
    },
    ...(options.checkpointDir ? { checkpoint: { dir: options.checkpointDir, every } } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const records = schedule.taskIds.map((id): TaskLearningRecord => {
    const curve = curves.get(id)!;
    const steps = stepsOfTask.get(id) ?? 0;
    const final = curve[curve.length - 1];
    // The task's own score may set its criterion; Yang's (the budget's) otherwise.
    const score = options.evaluation.get(id)!.score;
    const criterion = score?.criterion ?? budget.criterion;
    const reached = curve.find((point) => point.performance >= criterion);
    return {
      taskId: id,
      steps,
      trials: steps * budget.batchSize,
      trainableParameters: options.trainableParameters,
      parameterUpdates: parameterUpdates(options.trainableParameters, steps),
      curve,
      trialsToCriterion: reached ? reached.trials : null,
      performance: final.performance,
      loss: final.loss,
      ...(score === undefined ? {} : { score: score.id }),
    };
  });
  return { records, aborted: result.aborted, steps: result.endStep };
}
