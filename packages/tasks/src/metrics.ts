/**
 * Yang et al.'s performance criterion and loss on plain arrays. `outputs` is the network read-out ŷ,
 * [T, B, nOut] time-major like the batch (after the sigmoid for Yang's networks).
 */
import { hasMolapCode, InvalidOptionError } from './errors.js';
import { TaskRegistryError } from './registry-error.js';
import { circularDistance, populationVector } from './ring.js';
import type { Batch } from './task.js';

/** Fixation output above this means "fixating". */
export const FIXATION_THRESHOLD = 0.5;
/** A response is correct within this circular distance of the target: 0.2π (36°). */
export const RESPONSE_TOLERANCE = 0.2 * Math.PI;

/** Per-trial result of `performance`. */
export interface Performance {
  /** [B] 1 where the trial is correct, 0 otherwise. */
  readonly correct: Uint8Array;
  /** Fraction of correct trials (the mean of the per-trial values of a task's own score). */
  readonly mean: number;
  /** Id of the score that judged the trials (`yang19-last-step` unless the task has its own). */
  readonly score: string;
}

function checkOutputs(outputs: Float32Array | Float64Array, batch: Batch): void {
  const expected = batch.steps * batch.batchSize * batch.outputSize;
  if (!(outputs instanceof Float32Array || outputs instanceof Float64Array) || outputs.length !== expected) {
    throw new InvalidOptionError(
      'outputs',
      outputs instanceof Float32Array || outputs instanceof Float64Array
        ? `an array of length ${outputs.length}`
        : outputs,
      `Pass the network outputs as a Float32Array [T, B, nOut] = [${batch.steps}, ${batch.batchSize}, ${batch.outputSize}] (length ${expected}).`,
    );
  }
}

/** Yang's per-trial judgement (see `performance`), without the checks. */
export function yangCorrect(outputs: Float32Array | Float64Array, batch: Batch): Uint8Array {
  const fixation = batch.layout.outputs.find((group) => group.role === 'fixation');
  const ring = batch.layout.outputs.find((group) => group.role === 'response');
  if (!fixation || !ring) {
    throw new InvalidOptionError(
      'batch.layout.outputs',
      batch.layout.outputs,
      'performance needs a fixation output group and a response (ring) group.',
    );
  }
  const { batchSize: B, outputSize } = batch;
  const correct = new Uint8Array(B);
  for (let b = 0; b < B; b++) {
    const t = batch.trialSteps[b] - 1;
    const row = (t * B + b) * outputSize;
    const fixating = outputs[row + fixation.start] > FIXATION_THRESHOLD;
    const target = batch.targetAngle[t * B + b];
    let ok: boolean;
    if (target < 0) ok = fixating;
    else
      ok =
        !fixating &&
        circularDistance(target, populationVector(outputs, row + ring.start, ring.size)) < RESPONSE_TOLERANCE;
    correct[b] = ok ? 1 : 0;
  }
  return correct;
}

/**
 * The performance of outputs on a batch: the batch's own score (`batch.score`, the task's) when it has one,
 * else Yang's `get_perf`: each trial is judged at its last real step (trialSteps − 1). If the target angle
 * there is −1 (must fixate), the trial is correct when the fixation output is > 0.5; otherwise when the
 * fixation output is <= 0.5 and the population vector of the ring outputs is within 0.2π of the target angle.
 * A task score that throws, or returns values outside [0, 1] or of the wrong length, is reported as an error
 * naming the task and the score.
 * @param outputs ŷ, [T, B, nOut].
 * @param batch the batch the outputs answer (its layout names the fixation and response channels).
 */
export function performance(outputs: Float32Array | Float64Array, batch: Batch): Performance {
  checkOutputs(outputs, batch);
  const B = batch.batchSize;
  if (batch.score === undefined) {
    const correct = yangCorrect(outputs, batch);
    let count = 0;
    for (let b = 0; b < B; b++) count += correct[b];
    return { correct, mean: count / B, score: 'yang19-last-step' };
  }
  const score = batch.score;
  let values: ArrayLike<number>;
  try {
    values = score.score(outputs, batch);
  } catch (error) {
    if (hasMolapCode(error, 'task-failed')) throw error; // a plugin's guarded score: it names the plugin already
    throw new TaskRegistryError(
      `the score '${score.id}' of task '${batch.taskId}' threw: ${error instanceof Error ? error.message : String(error)}`,
      {
        code: 'task-failed',
        taskId: batch.taskId,
        hint: "this is a bug in the task's score: fix or update the plugin that provides the task",
        cause: error,
      },
    );
  }
  const correct = new Uint8Array(B);
  let sum = 0;
  const problem = scoreValuesProblem(values, B);
  if (problem !== undefined) {
    throw new TaskRegistryError(`the score '${score.id}' of task '${batch.taskId}' ${problem}`, {
      code: 'task-failed',
      taskId: batch.taskId,
      hint: "this is a bug in the task's score: fix or update the plugin that provides the task",
    });
  }
  for (let b = 0; b < B; b++) {
    sum += values[b];
    correct[b] = values[b] === 1 ? 1 : 0;
  }
  return { correct, mean: sum / B, score: score.id };
}

/**
 * What is wrong with what a score returned for a batch of `batchSize` trials (undefined when nothing): it must
 * be one value in [0, 1] per trial. The text continues "the score 'x' of task 'y' …".
 */
export function scoreValuesProblem(values: ArrayLike<number> | undefined, batchSize: number): string | undefined {
  if (values?.length !== batchSize)
    return `must give ${batchSize} values in [0, 1] (one per trial), got ${values?.length} values`;
  const bad = Array.prototype.findIndex.call(values, (v: number) => !(v >= 0 && v <= 1));
  return bad === -1
    ? undefined
    : `must give ${batchSize} values in [0, 1] (one per trial), got ${values[bad]} for trial ${bad}`;
}

/**
 * Yang's `lsq` loss: mean over T·B·nOut of ((y − ŷ)·mask)², the mask multiplying the error before squaring.
 * Padded steps (mask 0) contribute 0 but are counted in the mean, as in a full [T, B, nOut] tensor.
 * @param outputs ŷ, [T, B, nOut].
 */
export function maskedSquaredError(outputs: Float32Array | Float64Array, batch: Batch): number {
  checkOutputs(outputs, batch);
  const { targets, mask } = batch;
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const e = (targets[i] - outputs[i]) * mask[i];
    sum += e * e;
  }
  return sum / targets.length;
}
