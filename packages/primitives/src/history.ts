/**
 * Causal input-history features: leaky traces of the inputs, which let the X side of the corpus statistics
 * see what happened earlier in the trial (a stimulus during a delay, for example).
 */

import { InvalidValueError } from '@molap/core';
import { assertMatrix, assertPositiveInteger } from './sample.js';

/** A time-major sequence `[T, B, C]`: element (t, b, c) at `(t·B + b)·C + c`. */
export interface TimeMajorSequence {
  /** [T, B, C] values. */
  readonly data: Float32Array | Float64Array;
  /** T. */
  readonly steps: number;
  /** B. */
  readonly batchSize: number;
  /** C. */
  readonly channels: number;
}

/** Options of `historyFeatures`. */
export interface HistoryOptions {
  /** Time constants τ_j of the traces in ms, each ≥ dt. */
  readonly timeConstants: readonly number[];
  /** Time step in ms. */
  readonly dt: number;
}

/**
 * Leaky traces of every channel, one per time constant, with zero initial state:
 * `z_j(−1) = 0`, `z_j(t) = (1 − α_j)·z_j(t−1) + α_j·x(t)`, `α_j = dt/τ_j`. Each trial is integrated on its
 * own; z_j(t) depends on x(0..t) only (causal) and follows a constant input to that input's value.
 * @returns [T, B, C·J] Float32Array: channel `j·C + c` is the trace of channel c at τ_j.
 */
export function historyFeatures(sequence: TimeMajorSequence, options: HistoryOptions): Float32Array {
  const { data, steps, batchSize, channels } = sequence;
  assertPositiveInteger(steps, 'steps (T)');
  assertPositiveInteger(batchSize, 'batchSize (B)');
  assertMatrix(data, channels, 'the history input sequence', steps * batchSize);
  const alphas = traceRates(options);
  const width = channels * alphas.length;
  const out = new Float32Array(steps * batchSize * width);
  const state = new Float64Array(batchSize * width);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batchSize; b++) {
      const inBase = (t * batchSize + b) * channels;
      const outBase = (t * batchSize + b) * width;
      const stateBase = b * width;
      for (let j = 0; j < alphas.length; j++) {
        const alpha = alphas[j];
        for (let c = 0; c < channels; c++) {
          const index = stateBase + j * channels + c;
          state[index] += alpha * (data[inBase + c] - state[index]);
          out[outBase + j * channels + c] = state[index];
        }
      }
    }
  }
  return out;
}

/** α_j = dt/τ_j, validated: dt > 0 and τ_j ≥ dt finite. */
export function traceRates(options: HistoryOptions): Float64Array {
  const { dt, timeConstants } = options;
  if (!(Number.isFinite(dt) && dt > 0)) throw new InvalidValueError(`dt must be a positive number of ms, got ${dt}.`);
  if (!Array.isArray(timeConstants) || timeConstants.length === 0) {
    throw new InvalidValueError('timeConstants must be a non-empty array of time constants in ms (e.g. [100, 500]).');
  }
  return Float64Array.from(timeConstants, (tau) => {
    if (!(Number.isFinite(tau) && tau >= dt)) {
      throw new InvalidValueError(`Every time constant must be a finite number of ms ≥ dt = ${dt}, got ${tau}.`);
    }
    return dt / tau;
  });
}
