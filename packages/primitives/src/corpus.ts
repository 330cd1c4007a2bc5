/**
 * Sampling the task corpus for its statistics (MoLaP §2.1): trials of every corpus task in `random` mode
 * with input noise, the time steps with a non-zero loss mask, X = the fixation and sensory inputs (rule
 * channels excluded), Y = the targets.
 */

import { InvalidValueError, MolapError, taskSeedKey } from '@molap/core';
import {
  type Batch,
  corpusTaskOptions,
  createRng,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  type TaskRegistry,
} from '@molap/tasks';
import { historyFeatures } from './history.js';
import { assertPositiveInteger, type CorpusProvenance, type LatentSample } from './sample.js';

/** Default trials drawn per corpus task. */
export const DEFAULT_CORPUS_TRIALS_PER_TASK = 128;
/**
 * Default trials per generated batch. Yang's tasks draw epoch timings once per batch, so the corpus uses
 * batches of 16 to see 8 timing draws per task at the default 128 trials.
 */
export const DEFAULT_CORPUS_BATCH_SIZE = 16;

/** Task options the corpus passes through; batch size and mode belong to the corpus itself. */
export type CorpusTaskOptions = Omit<Partial<TaskOptions>, 'batchSize' | 'mode' | 'conditions'>;

/** Options of `sampleCorpus`. */
export interface SampleCorpusOptions {
  /** The corpus: tasks, or a registry and the ids to take from it, in order. */
  readonly tasks: readonly Task[] | { readonly registry: Pick<TaskRegistry, 'get'>; readonly ids: readonly string[] };
  /** Seed of the trials. Task i draws from `createRng(seed).fork(hash(id))`, so its trials do not depend on the other tasks. */
  readonly seed: number;
  /** Trials drawn per task. Default 128. */
  readonly trialsPerTask?: number;
  /** Trials per generated batch (timings are drawn once per batch). Default 16. */
  readonly batchSize?: number;
  /** Task options for every task (dt, ringSize, noise, …). Default: the library defaults, input noise on. */
  readonly taskOptions?: CorpusTaskOptions;
  /** Optional causal history features: leaky traces of the X channels at these time constants (ms), appended to X. */
  readonly historyTimeConstants?: readonly number[];
}

/** Rows the corpus took from one task. */
export interface CorpusTaskCount {
  readonly taskId: string;
  readonly trials: number;
  /** Time steps (rows of X and Y) with a non-zero mask. */
  readonly rows: number;
}

/** A corpus sample: `LatentSample` plus where its rows came from. */
export interface CorpusSample extends LatentSample {
  /** [n, xDim] fixation + sensory inputs at the masked time steps, then their history traces if any. */
  readonly X: Float32Array;
  /** [n, yDim] targets at the same time steps. */
  readonly Y: Float32Array;
  /** Input channels (indices into the task input) that make up the first columns of X. */
  readonly inputChannels: readonly number[];
  readonly perTask: readonly CorpusTaskCount[];
  readonly provenance: CorpusProvenance;
}

/**
 * Draws the corpus and collects its statistics sample. Rows are the (time step, trial) pairs inside a trial
 * with a non-zero loss mask on any output, task after task, in order. X holds the input channels whose layout
 * role is `fixation` or `sensory` (65 at the Yang defaults: fixation + two rings of 32); with
 * `historyTimeConstants` [τ_1..τ_J] the leaky traces of those channels follow (xDim = 65·(1 + J)).
 * Y holds every target channel (33 at the defaults). Deterministic for a given seed.
 */
export function sampleCorpus(options: SampleCorpusOptions): CorpusSample {
  const tasks = resolveCorpusTasks(options.tasks);
  const trialsPerTask = options.trialsPerTask ?? DEFAULT_CORPUS_TRIALS_PER_TASK;
  assertPositiveInteger(trialsPerTask, 'trialsPerTask');
  const batchSize = options.batchSize ?? DEFAULT_CORPUS_BATCH_SIZE;
  assertPositiveInteger(batchSize, 'batchSize');
  if (!Number.isSafeInteger(options.seed)) {
    throw new InvalidValueError(`seed must be an integer, got ${options.seed}`, {
      hint: 'pass the seed of the corpus draw (e.g. 1)',
    });
  }
  const taskOptions = corpusTaskOptions(tasks, options.taskOptions ?? {}) as CorpusTaskOptions;
  for (const key of ['batchSize', 'mode', 'conditions'] as const) {
    if (key in taskOptions) {
      throw new InvalidValueError(`taskOptions.${key} is not used by the corpus: it draws trials in 'random' mode`, {
        hint: "set the corpus' own batchSize instead",
      });
    }
  }
  const historyTimeConstants = options.historyTimeConstants ?? [];
  const root = createRng(options.seed);

  const chunks: { X: Float32Array; Y: Float32Array }[] = [];
  const perTask: CorpusTaskCount[] = [];
  let channels: { inputs: number[]; outputSize: number; owner: string } | undefined;
  for (const task of tasks) {
    const rng = root.fork(taskSeedKey(task.id));
    let rows = 0;
    for (let drawn = 0; drawn < trialsPerTask; drawn += batchSize) {
      const resolved = resolveTaskOptions(task, {
        ...taskOptions,
        mode: 'random',
        batchSize: Math.min(batchSize, trialsPerTask - drawn),
      });
      const batch = task.generate(rng, resolved);
      const inputs = corpusInputChannels(batch);
      if (channels === undefined) {
        channels = { inputs, outputSize: batch.outputSize, owner: task.id };
      } else if (!sameChannels(channels, inputs, batch.outputSize)) {
        throw new MolapError(
          'incompatible',
          `Task '${task.id}' has ${inputs.length} fixation/sensory inputs and ${batch.outputSize} outputs, but ` +
            `'${channels.owner}' has ${channels.inputs.length} and ${channels.outputSize}: a corpus needs one layout`,
          { hint: 'give every task the same ringSize' },
        );
      }
      const chunk = maskedRows(batch, inputs, historyTimeConstants);
      rows += chunk.Y.length / batch.outputSize;
      chunks.push(chunk);
    }
    perTask.push({ taskId: task.id, trials: trialsPerTask, rows });
  }
  const n = perTask.reduce((sum, count) => sum + count.rows, 0);
  if (channels === undefined || n === 0) {
    throw new InvalidValueError('The corpus produced no time step with a non-zero mask', {
      hint: 'check the tasks and their options',
    });
  }
  const xDim = channels.inputs.length * (1 + historyTimeConstants.length);
  const yDim = channels.outputSize;
  const X = new Float32Array(n * xDim);
  const Y = new Float32Array(n * yDim);
  let offset = 0;
  for (const chunk of chunks) {
    X.set(chunk.X, offset * xDim);
    Y.set(chunk.Y, offset * yDim);
    offset += chunk.Y.length / yDim;
  }
  return {
    X,
    Y,
    n,
    xDim,
    yDim,
    inputChannels: channels.inputs,
    perTask,
    provenance: {
      taskIds: tasks.map((task) => task.id),
      seed: options.seed,
      trialsPerTask,
      historyTimeConstants: [...historyTimeConstants],
    },
  };
}

/** The corpus tasks of `tasks` (a list, or ids in a registry), checked: non-empty, each id once. */
export function resolveCorpusTasks(tasks: SampleCorpusOptions['tasks']): readonly Task[] {
  let list: readonly Task[];
  if (Array.isArray(tasks)) {
    list = tasks;
  } else {
    const { registry, ids } = (tasks ?? {}) as { registry?: Pick<TaskRegistry, 'get'>; ids?: readonly string[] };
    if (typeof registry?.get !== 'function' || !Array.isArray(ids)) {
      throw new InvalidValueError(
        'tasks must be an array of tasks or { registry, ids } with a task registry and an id list.',
      );
    }
    list = ids.map((id) => registry.get(id));
  }
  if (list.length === 0) {
    throw new InvalidValueError('The corpus is empty', { hint: 'give at least one task (e.g. the 20 Yang tasks)' });
  }
  const seen = new Set<string>();
  for (const task of list) {
    if (seen.has(task.id)) {
      throw new MolapError('duplicate-id', `Task '${task.id}' appears twice in the corpus`, {
        hint: 'list each task once',
      });
    }
    seen.add(task.id);
  }
  return list;
}

/** Indices of the input channels whose role is `fixation` or `sensory`, in layout order. */
function corpusInputChannels(batch: Batch): number[] {
  const out: number[] = [];
  for (const group of batch.layout.inputs) {
    if (group.role === 'fixation' || group.role === 'sensory') {
      for (let c = 0; c < group.size; c++) out.push(group.start + c);
    }
  }
  if (out.length === 0) {
    throw new MolapError(
      'incompatible',
      `Task '${batch.taskId}' has no fixation or sensory input channel: its layout cannot feed X.`,
    );
  }
  return out;
}

function sameChannels(reference: { inputs: number[]; outputSize: number }, inputs: number[], outputSize: number) {
  return (
    reference.outputSize === outputSize &&
    reference.inputs.length === inputs.length &&
    reference.inputs.every((channel, i) => channel === inputs[i])
  );
}

/** The rows of one batch whose mask is non-zero on some output, as [rows, xDim] and [rows, nOut]. */
function maskedRows(batch: Batch, inputs: readonly number[], historyTimeConstants: readonly number[]) {
  const { steps, batchSize: trials, inputSize, outputSize } = batch;
  const selected = new Float32Array(steps * trials * inputs.length);
  for (let row = 0; row < steps * trials; row++) {
    for (let c = 0; c < inputs.length; c++)
      selected[row * inputs.length + c] = batch.inputs[row * inputSize + inputs[c]];
  }
  const traces =
    historyTimeConstants.length > 0
      ? historyFeatures(
          { data: selected, steps, batchSize: trials, channels: inputs.length },
          { timeConstants: historyTimeConstants, dt: batch.dt },
        )
      : undefined;
  const traceWidth = inputs.length * historyTimeConstants.length;
  const xDim = inputs.length + traceWidth;
  const kept: number[] = [];
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < trials; b++) {
      if (t >= batch.trialSteps[b]) continue;
      const row = t * trials + b;
      for (let c = 0; c < outputSize; c++) {
        if (batch.mask[row * outputSize + c] !== 0) {
          kept.push(row);
          break;
        }
      }
    }
  }
  const X = new Float32Array(kept.length * xDim);
  const Y = new Float32Array(kept.length * outputSize);
  kept.forEach((row, i) => {
    X.set(selected.subarray(row * inputs.length, (row + 1) * inputs.length), i * xDim);
    if (traces !== undefined)
      X.set(traces.subarray(row * traceWidth, (row + 1) * traceWidth), i * xDim + inputs.length);
    Y.set(batch.targets.subarray(row * outputSize, (row + 1) * outputSize), i * outputSize);
  });
  return { X, Y };
}
