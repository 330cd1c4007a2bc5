/**
 * What a learning run trains and evaluates on, as pure functions of a seed (no files, no engine, fit for a
 * browser): the fixed evaluation set of a task, the recurrent-noise seed of its evaluation, and the
 * training schedule (which task and which batch each step uses). `learnEngineModel` (`learning.ts`) runs them.
 */
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
import { InvalidValueError } from './errors.js';
import { timePhase } from './phases.js';
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
  return timePhase('batches', () => generateEvaluationBatch(task, options));
}

function generateEvaluationBatch(task: Task, options: EvaluationBatchOptions): Batch {
  checkEvaluationTrials(options.trials);
  const size = options.batchSize ?? EVALUATION_BATCH_SIZE;
  if (!(Number.isSafeInteger(size) && size >= 1)) {
    throw new InvalidValueError(`evaluation batchSize must be an integer >= 1, got ${String(options.batchSize)}`);
  }
  const scale = options.inputNoiseScale ?? 1;
  if (!(Number.isFinite(scale) && scale >= 0)) {
    throw new InvalidValueError(`inputNoiseScale must be a finite number >= 0, got ${String(scale)}`);
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

function checkEvaluationTrials(trials: number): void {
  if (!(Number.isSafeInteger(trials) && trials >= 1)) {
    throw new InvalidValueError(`evaluation trials must be an integer >= 1, got ${String(trials)}`);
  }
}

/**
 * Fixed evaluation batches of several tasks, by task id (see `evaluationBatch`). Each batch is made when it is
 * asked for and not kept: the same options always give the same trials, so a caller that evaluates every task
 * in turn holds one task's batch at a time. At 256 trials the nine corpus tasks of the standard preset take
 * 189 MiB together and 17–28 MiB each; making one again takes 10–40 ms.
 */
export function evaluationBatches(tasks: readonly Task[], options: EvaluationBatchOptions): ReadonlyMap<string, Batch> {
  return new EvaluationBatches(tasks, options);
}

/** Evaluation batches by task id, each made on demand (see `evaluationBatches`). */
class EvaluationBatches implements ReadonlyMap<string, Batch> {
  private readonly tasks: ReadonlyMap<string, Task>;

  constructor(
    tasks: readonly Task[],
    private readonly options: EvaluationBatchOptions,
  ) {
    checkEvaluationTrials(options.trials); // before any batch is asked for
    this.tasks = new Map(tasks.map((task) => [task.id, task]));
  }

  get size(): number {
    return this.tasks.size;
  }

  has(taskId: string): boolean {
    return this.tasks.has(taskId);
  }

  get(taskId: string): Batch | undefined {
    const task = this.tasks.get(taskId);
    return task ? evaluationBatch(task, this.options) : undefined;
  }

  *keys(): MapIterator<string> {
    yield* this.tasks.keys();
  }

  *values(): MapIterator<Batch> {
    for (const task of this.tasks.values()) yield evaluationBatch(task, this.options);
  }

  *entries(): MapIterator<[string, Batch]> {
    for (const [id, task] of this.tasks) yield [id, evaluationBatch(task, this.options)];
  }

  [Symbol.iterator](): MapIterator<[string, Batch]> {
    return this.entries();
  }

  forEach(callback: (batch: Batch, taskId: string, set: ReadonlyMap<string, Batch>) => void, thisArg?: unknown): void {
    for (const [id, batch] of this.entries()) callback.call(thisArg, batch, id, this);
  }
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
  if (!Array.isArray(tasks) || tasks.length === 0) throw new InvalidValueError('a schedule needs at least one task');
  if (!(Number.isSafeInteger(options.batchSize) && options.batchSize >= 1)) {
    throw new InvalidValueError(`batchSize must be an integer >= 1, got ${String(options.batchSize)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new InvalidValueError(`seed must be a safe integer, got ${String(seed)}`);
  const ids = tasks.map((task) => task.id);
  const weights = ids.map((id) => options.weights?.[id] ?? 1);
  weights.forEach((weight, i) => {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new InvalidValueError(`the sampling weight of task '${ids[i]}' must be a finite number > 0, got ${weight}`);
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
