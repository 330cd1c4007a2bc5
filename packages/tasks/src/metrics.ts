/**
 * Yang et al.'s performance criterion and loss on plain arrays. `outputs` is the network read-out ŷ,
 * [T, B, nOut] time-major like the batch (after the sigmoid for Yang's networks).
 */
import { InvalidOptionError } from './errors.js';
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
  /** Fraction of correct trials. */
  readonly mean: number;
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

/**
 * Yang's `get_perf`: each trial is judged at its last real step (trialSteps − 1). If the target angle there
 * is −1 (must fixate), the trial is correct when the fixation output is > 0.5; otherwise when the fixation
 * output is <= 0.5 and the population vector of the ring outputs is within 0.2π of the target angle.
 * @param outputs ŷ, [T, B, nOut].
 * @param batch the batch the outputs answer (its layout names the fixation and response channels).
 */
export function performance(outputs: Float32Array | Float64Array, batch: Batch): Performance {
  checkOutputs(outputs, batch);
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
  let count = 0;
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
    count += correct[b];
  }
  return { correct, mean: count / B };
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
