/**
 * Example trials: one trial of a task with the model's outputs next to the targets, as plain data for the
 * report (not part of results.json: outputs are [T × nOut] per trial).
 */

import { InvalidValueError, MolapError } from '@molap/core';
import type { Batch } from '@molap/tasks';

/** One trial of one task, as the model answered it. */
export interface ExampleTrial {
  /** Model name (as in results.json). */
  readonly model: string;
  readonly seed: number;
  readonly taskId: string;
  /** Time step in ms. */
  readonly dt: number;
  /** Real steps of the trial. */
  readonly steps: number;
  /** Index of the fixation output. */
  readonly fixationOutput: number;
  /** First output of the response ring and its size. */
  readonly responseOutputs: { readonly start: number; readonly size: number };
  /** Targets [t][output]. */
  readonly targets: number[][];
  /** Model outputs ŷ [t][output]. */
  readonly outputs: number[][];
  /** Target direction in radians at each step while a response is required, −1 while fixating. */
  readonly targetAngle: number[];
  /** Periods of the trial: name, first step, end step (exclusive). */
  readonly epochs: { readonly name: string; readonly start: number; readonly end: number }[];
}

/**
 * Trial `trial` of `batch` with the model's outputs.
 * @param outputs ŷ [T, B, nOut] of the whole batch.
 */
export function exampleTrial(
  identity: { readonly model: string; readonly seed: number },
  batch: Batch,
  outputs: Float32Array,
  trial = 0,
): ExampleTrial {
  const { batchSize, outputSize } = batch;
  if (!(Number.isInteger(trial) && trial >= 0 && trial < batchSize)) {
    throw new InvalidValueError(`trial ${trial} is not in the batch (0..${batchSize - 1})`);
  }
  const fixation = batch.layout.outputs.find((group) => group.role === 'fixation');
  const response = batch.layout.outputs.find((group) => group.role === 'response');
  if (!fixation || !response) {
    throw new MolapError('incompatible', `task '${batch.taskId}' has no fixation and response outputs`, {
      hint: 'example trials are drawn for tasks with a fixation output and a response output',
    });
  }
  const steps = batch.trialSteps[trial];
  const rows = (values: Float32Array) =>
    Array.from({ length: steps }, (_, t) =>
      Array.from(values.subarray((t * batchSize + trial) * outputSize, (t * batchSize + trial + 1) * outputSize)),
    );
  const epochs = Object.entries(batch.epochs)
    .map(([name, span]) => ({ name, start: span.start[trial], end: span.end[trial] }))
    .filter((span) => span.start >= 0 && span.end > span.start)
    .sort((a, b) => a.start - b.start);
  return {
    model: identity.model,
    seed: identity.seed,
    taskId: batch.taskId,
    dt: batch.dt,
    steps,
    fixationOutput: fixation.start,
    responseOutputs: { start: response.start, size: response.size },
    targets: rows(batch.targets),
    outputs: rows(outputs),
    targetAngle: Array.from({ length: steps }, (_, t) => batch.targetAngle[t * batchSize + trial]),
    epochs,
  };
}
