/**
 * The paired sample latent extraction works on: `n` observations of an input vector `x` (xDim) and a target
 * vector `y` (yDim), as row-major matrices. A `[T, B, C]` time-major array is a valid `[T·B, C]` matrix.
 */

import { InvalidValueError } from '@molap/core';

/** A row-major numeric matrix. */
export type NumericArray = Float32Array | Float64Array;

/** Where a sample came from; carried into the primitives so they can be reproduced. */
export interface CorpusProvenance {
  /** Ids of the corpus tasks, in sampling order. */
  readonly taskIds: readonly string[];
  /** Seed the trials were drawn with. */
  readonly seed: number;
  /** Trials drawn per task. */
  readonly trialsPerTask: number;
  /** Time constants (ms) of the input-history traces appended to `X`; empty when none. */
  readonly historyTimeConstants: readonly number[];
}

/** `n` paired observations: `X` [n, xDim] and `Y` [n, yDim], row-major. */
export interface LatentSample {
  /** [n, xDim] inputs (e.g. sensory channels), row-major. */
  readonly X: NumericArray;
  /** [n, yDim] targets, row-major. */
  readonly Y: NumericArray;
  /** Number of observations (rows). */
  readonly n: number;
  readonly xDim: number;
  readonly yDim: number;
  /** Optional: the corpus the sample was drawn from (set by `sampleCorpus`). */
  readonly provenance?: CorpusProvenance;
}

/** Throws when `value` is not a positive integer; `what` names it in the message. */
export function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidValueError(`${what} must be a positive integer, got ${value}.`);
  }
}

/**
 * Throws unless `data` is a row-major [rows, columns] matrix of finite numbers; returns `rows` (inferred
 * from the length when `rows` is undefined).
 */
export function assertMatrix(data: NumericArray, columns: number, what: string, rows?: number): number {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new InvalidValueError(`${what} must be a Float32Array or Float64Array (row-major), got ${describe(data)}.`);
  }
  assertPositiveInteger(columns, `${what}: the number of columns`);
  const inferredRows = rows ?? data.length / columns;
  if (!Number.isInteger(inferredRows) || data.length !== inferredRows * columns) {
    throw rows === undefined
      ? new InvalidValueError(`${what} has ${data.length} values, not a multiple of its ${columns} columns`, {
          hint: `pass a row-major [n, ${columns}] array`,
        })
      : new InvalidValueError(`${what} has ${data.length} values but [${rows}, ${columns}] needs ${rows * columns}`, {
          hint: 'check n and the dimensions',
        });
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / columns);
      throw new InvalidValueError(`${what} holds ${data[i]} at row ${row}, column ${i - row * columns}`, {
        hint: 'remove or impute non-finite values',
      });
    }
  }
  return inferredRows;
}

/** Checks a sample at the boundary: non-empty, consistent dimensions, finite values. */
export function assertSample(sample: LatentSample): void {
  if (sample === null || typeof sample !== 'object') {
    throw new InvalidValueError('The sample must be an object {X, Y, n, xDim, yDim}.');
  }
  if (sample.n === 0) {
    throw new InvalidValueError('The sample is empty (n = 0): draw at least two observations.');
  }
  assertPositiveInteger(sample.n, 'n (the number of observations)');
  if (sample.n < 2) {
    throw new InvalidValueError('The sample has a single observation: covariances need at least two.');
  }
  assertPositiveInteger(sample.xDim, 'xDim');
  assertPositiveInteger(sample.yDim, 'yDim');
  assertMatrix(sample.X, sample.xDim, 'X', sample.n);
  assertMatrix(sample.Y, sample.yDim, 'Y', sample.n);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
