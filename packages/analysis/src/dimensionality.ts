/**
 * Dimensionality of hidden-state activity (MoLaP §6): the participation ratio (Σλ)²/Σλ² of the covariance
 * eigenvalues λ, the PCA variance-explained curve, and the number of components that explain 90 % of the
 * variance. Pure functions of eigenvalues or of a covariance; collecting states is in `analyse-model.ts`.
 */

import { InvalidValueError } from '@molap/core';
import { CovarianceAccumulator, symmetricEigenvalues } from './covariance.js';

/** Fraction of variance the `pcs90` count reaches. */
export const VARIANCE_THRESHOLD = 0.9;

/** Dimensionality of one set of states. */
export interface Dimensionality {
  /** (Σλ)²/Σλ²: between 1 (one direction) and N (isotropic). 0 when there is no variance at all. */
  readonly participationRatio: number;
  /** Smallest number of principal components whose variance is at least 90 % of the total (0 without variance). */
  readonly pcs90: number;
  /** Cumulative fraction of variance explained by the first k components, k = 1..N. */
  readonly varianceExplained: number[];
  /** Number of state samples (trial × real time step) the covariance was computed from. */
  readonly samples: number;
}

/** (Σλ)²/Σλ² of eigenvalues (negative round-off values count as 0); 0 when all are 0. */
export function participationRatio(eigenvalues: ArrayLike<number>): number {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const value = Math.max(0, eigenvalues[i]);
    sum += value;
    squares += value * value;
  }
  return squares === 0 ? 0 : (sum * sum) / squares;
}

/** Cumulative explained-variance fractions of eigenvalues sorted in decreasing order (all 0 without variance). */
export function cumulativeVarianceExplained(eigenvalues: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < eigenvalues.length; i++) total += Math.max(0, eigenvalues[i]);
  const curve: number[] = [];
  let running = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    running += Math.max(0, eigenvalues[i]);
    curve.push(total === 0 ? 0 : Math.min(1, running / total));
  }
  return curve;
}

/** Components needed to reach `threshold` of the variance (from a cumulative curve); 0 without variance. */
export function componentsFor(cumulative: readonly number[], threshold = VARIANCE_THRESHOLD): number {
  if (cumulative.length === 0 || cumulative[cumulative.length - 1] === 0) return 0;
  // Tolerance for round-off in the running sum.
  const index = cumulative.findIndex((fraction) => fraction >= threshold - 1e-12);
  return index < 0 ? cumulative.length : index + 1;
}

/** Dimensionality from eigenvalues sorted in decreasing order. */
export function dimensionalityOfEigenvalues(eigenvalues: ArrayLike<number>, samples: number): Dimensionality {
  const varianceExplained = cumulativeVarianceExplained(eigenvalues);
  return {
    participationRatio: participationRatio(eigenvalues),
    pcs90: componentsFor(varianceExplained),
    varianceExplained,
    samples,
  };
}

/** Dimensionality of the samples an accumulator collected. */
export function dimensionalityOf(accumulator: CovarianceAccumulator): Dimensionality {
  const eigenvalues = symmetricEigenvalues(accumulator.covariance(), accumulator.dimension);
  return dimensionalityOfEigenvalues(eigenvalues, accumulator.samples);
}

/**
 * Dimensionality of sample rows.
 * @param samples M × N, row-major (M samples of N dimensions).
 */
export function dimensionalityOfSamples(samples: ArrayLike<number>, dimension: number): Dimensionality {
  if (samples.length % dimension !== 0) {
    throw new InvalidValueError(`${samples.length} values do not make rows of ${dimension}`, {
      hint: 'pass M × N values',
    });
  }
  const accumulator = new CovarianceAccumulator(dimension);
  for (let offset = 0; offset < samples.length; offset += dimension) accumulator.add(samples, offset);
  return dimensionalityOf(accumulator);
}
