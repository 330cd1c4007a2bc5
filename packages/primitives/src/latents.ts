/**
 * Corpus statistics → latent primitives (MoLaP's functional bias): regularised canonical correlation
 * analysis between inputs X and targets Y, or PCA of Y as the ablation.
 */

import { InvalidValueError } from '@molap/core';
import { sampleMoments, trace } from './covariance.js';
import {
  inverse,
  inverseSquareRoot,
  multiply,
  quadraticForm,
  type SymmetricEigen,
  singularDecomposition,
  symmetricEigen,
  transpose,
} from './linalg.js';
import { assertPositiveInteger, assertSample, type CorpusProvenance, type LatentSample } from './sample.js';

/** `'cca'`: canonical correlation between X and Y (the method). `'pca'`: principal axes of Y (ablation). */
export type LatentMethod = 'cca' | 'pca';

/** Default number of latents (modules). */
export const DEFAULT_LATENT_COUNT = 8;
/** Default relative ridge: ε = 1e-3 × trace(C)/dim is added to the diagonal of Cxx and of Cyy. */
export const DEFAULT_REGULARIZATION = 1e-3;
/**
 * Default relative tolerance of the numerical rank of Y: a direction counts when its singular value
 * exceeds 1e-5 × the largest (its covariance eigenvalue exceeds 1e-10 × the largest).
 */
export const DEFAULT_RANK_TOLERANCE = 1e-5;
/** Version of the `LatentPrimitives` layout. */
export const LATENT_PRIMITIVES_VERSION = 1;

/** Options of `extractLatents`. */
export interface ExtractLatentsOptions {
  /** Default `'cca'`. */
  readonly method?: LatentMethod;
  /** Number of latents k. Default 8. At most the numerical rank of Y, and for CCA at most min(xDim, yDim). */
  readonly k?: number;
  /**
   * CCA only: relative ridge r ≥ 0. Cxx + εx·I and Cyy + εy·I with εx = r·trace(Cxx)/xDim and
   * εy = r·trace(Cyy)/yDim. Default 1e-3. With 0, Cxx and Cyy must be non-singular.
   */
  readonly regularization?: number;
  /** Relative singular-value tolerance of the numerical rank of Y, in (0, 1). Default 1e-5. */
  readonly rankTolerance?: number;
}

/**
 * Latent primitives: k directions in target space whose projections are the modules' training targets.
 * Plain data (typed arrays and numbers), so it can be saved next to the modules.
 *
 * Latent i of a target vector y is `v_i = scales[i] · b_iᵀ (y − yMean)`, with `b_i` row i of `yDirections`.
 * Over the sample every v_i has mean 0 and variance 1, and (CCA and PCA alike) the v_i are uncorrelated.
 */
export interface LatentPrimitives {
  /** Layout version (`LATENT_PRIMITIVES_VERSION`). */
  readonly version: number;
  readonly method: LatentMethod;
  /** Number of latents. */
  readonly k: number;
  readonly xDim: number;
  readonly yDim: number;
  /** Observations the primitives were estimated from. */
  readonly sampleSize: number;
  /**
   * [k], descending. CCA: the regularised canonical correlations ρ_i (singular values of
   * Cxx^{-1/2} Cxy Cyy^{-1/2}). PCA: the fraction of the variance of Y along each axis.
   */
  readonly rho: Float64Array;
  /** [k, yDim] unit-norm Y-side directions b_i (B). Sign: the largest-magnitude entry is positive. */
  readonly yDirections: Float64Array;
  /** [k, xDim] unit-norm X-side canonical directions a_i (A), signed so that corr(a_iᵀx, b_iᵀy) ≥ 0; null for PCA. */
  readonly xDirections: Float64Array | null;
  /** [yDim] sample mean of Y (μ_y). */
  readonly yMean: Float64Array;
  /** [xDim] sample mean of X (μ_x); null for PCA. */
  readonly xMean: Float64Array | null;
  /** [k] 1 / standard deviation of b_iᵀ(y − μ_y) over the sample. */
  readonly scales: Float64Array;
  /**
   * [yDim, k] the least-squares map from latents to centred targets on the sample, Cov(y, v)·Cov(v)⁻¹
   * (`reconstruction: 'least-squares'`). Equals P⁺ for PCA; for CCA it recovers more of Y than P⁺.
   */
  readonly leastSquaresReconstruction: Float64Array;
  /** Numerical rank of the centred Y at `rankTolerance`. */
  readonly yRank: number;
  /** Relative ridge r and the absolute εx, εy added to Cxx and Cyy (all 0 for PCA). */
  readonly regularization: { readonly relative: number; readonly epsilonX: number; readonly epsilonY: number };
  readonly rankTolerance: number;
  /** The corpus the sample came from, when the sample carried it (`sampleCorpus` sets it). */
  readonly corpus: CorpusProvenance | null;
}

/**
 * Extracts k latent primitives from a paired sample.
 *
 * CCA: centre; C̃xx = Cxx + εx·I, C̃yy = Cyy + εy·I; SVD of M = C̃xx^{-1/2} Cxy C̃yy^{-1/2} = U diag(ρ) Vᵀ;
 * a_i ∝ C̃xx^{-1/2} u_i, b_i ∝ C̃yy^{-1/2} v_i for the k largest ρ_i. PCA: b_i = the top-k eigenvectors of
 * Cyy, ρ_i = λ_i / trace(Cyy). Covariances divide by n. Deterministic (no randomness is involved).
 * @param sample X [n, xDim] and Y [n, yDim], row-major, finite; n ≥ 2. PCA reads only Y.
 */
export function extractLatents(sample: LatentSample, options: ExtractLatentsOptions = {}): LatentPrimitives {
  const resolved = resolveOptions(options);
  const method = resolved.method;
  assertSample(sample);
  const { xDim, yDim, n } = sample;
  const { k, rankTolerance } = resolved;
  if (method === 'cca' && k > Math.min(xDim, yDim)) {
    throw new InvalidValueError(
      `k = ${k} exceeds min(xDim, yDim) = ${Math.min(xDim, yDim)}: CCA has at most that many canonical pairs`,
      { hint: `lower k to at most ${Math.min(xDim, yDim)}` },
    );
  }
  const moments = sampleMoments(sample, method === 'cca');
  const yEigen = symmetricEigen(moments.cyy, yDim);
  const yRank = numericalRank(yEigen.values, rankTolerance);
  if (yRank === 0) {
    throw new InvalidValueError('Y is constant over the sample (zero variance): there is nothing to extract.');
  }
  if (k > yRank) {
    throw new InvalidValueError(
      `k = ${k} exceeds the numerical rank of Y (${yRank} at relative tolerance ${rankTolerance}): ` +
        `only ${yRank} directions of Y vary`,
      { hint: `lower k to at most ${yRank}` },
    );
  }
  const base = {
    version: LATENT_PRIMITIVES_VERSION,
    method,
    k,
    xDim,
    yDim,
    sampleSize: n,
    yMean: moments.yMean,
    yRank,
    rankTolerance,
    corpus: sample.provenance ?? null,
  };
  if (method === 'pca') {
    const axes = principalAxes(yEigen, k, yDim);
    return { ...base, ...axes, leastSquaresReconstruction: leastSquaresMap(moments.cyy, axes, k, yDim) };
  }

  const relative = resolved.regularization;
  const epsilonX = (relative * trace(moments.cxx, xDim)) / xDim;
  const epsilonY = (relative * trace(moments.cyy, yDim)) / yDim;
  const xWhitener = inverseSquareRoot(shifted(symmetricEigen(moments.cxx, xDim), epsilonX, 'X'), xDim);
  const yWhitener = inverseSquareRoot(shifted(yEigen, epsilonY, 'Y'), yDim);
  const whitenedCross = multiply(multiply(xWhitener, moments.cxy, xDim, xDim, yDim), yWhitener, xDim, yDim, yDim);
  const svd = singularDecomposition(whitenedCross, xDim, yDim);
  const xDirections = multiply(svd.left.subarray(0, k * xDim), xWhitener, k, xDim, xDim);
  const yDirections = multiply(svd.right.subarray(0, k * yDim), yWhitener, k, yDim, yDim);
  const scales = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    scaleToUnitNorm(xDirections, i, xDim);
    scaleToUnitNorm(yDirections, i, yDim);
    if (makeLargestEntryPositive(yDirections, i, yDim)) {
      for (let c = 0; c < xDim; c++) xDirections[i * xDim + c] *= -1;
    }
    const variance = quadraticForm(moments.cyy, yDirections, yDim, i * yDim);
    if (!(variance > rankTolerance * rankTolerance * yEigen.values[0])) {
      throw new InvalidValueError(
        `Canonical pair ${i} has no variance on the Y side: X and Y share fewer than k = ${k} directions ` +
          `(ρ_${i} = ${svd.values[i].toFixed(4)})`,
        { hint: `lower k to at most ${i}` },
      );
    }
    scales[i] = 1 / Math.sqrt(variance);
  }
  return {
    ...base,
    rho: svd.values.slice(0, k),
    yDirections,
    xDirections,
    xMean: moments.xMean,
    scales,
    leastSquaresReconstruction: leastSquaresMap(moments.cyy, { yDirections, scales }, k, yDim),
    regularization: { relative, epsilonX, epsilonY },
  };
}

/**
 * The least-squares map from latents back to targets on the sample: Cov(y, v)·Cov(v)⁻¹ = Cyy Pᵀ (P Cyy Pᵀ)⁻¹
 * with P = diag(scales)·B, as [yDim, k].
 */
function leastSquaresMap(
  cyy: Float64Array,
  latents: { yDirections: Float64Array; scales: Float64Array },
  k: number,
  yDim: number,
): Float64Array {
  const transposedProjection = new Float64Array(yDim * k);
  for (let i = 0; i < k; i++) {
    for (let c = 0; c < yDim; c++)
      transposedProjection[c * k + i] = latents.scales[i] * latents.yDirections[i * yDim + c];
  }
  const crossCovariance = multiply(cyy, transposedProjection, yDim, yDim, k);
  const latentCovariance = multiply(transpose(transposedProjection, yDim, k), crossCovariance, k, yDim, k);
  return multiply(crossCovariance, inverse(latentCovariance, k), yDim, k, k);
}

/** Number of eigenvalues of a covariance above tolerance² × the largest (singular values above tolerance ×). */
export function numericalRank(descendingEigenvalues: Float64Array, tolerance: number): number {
  const largest = descendingEigenvalues[0];
  if (!(largest > 0)) return 0;
  const threshold = tolerance * tolerance * largest;
  let rank = 0;
  while (rank < descendingEigenvalues.length && descendingEigenvalues[rank] > threshold) rank++;
  return rank;
}

function principalAxes(eigen: SymmetricEigen, k: number, yDim: number) {
  const total = eigen.values.reduce((sum, value) => sum + Math.max(value, 0), 0);
  const yDirections = eigen.vectors.slice(0, k * yDim);
  for (let i = 0; i < k; i++) makeLargestEntryPositive(yDirections, i, yDim);
  return {
    rho: Float64Array.from(eigen.values.subarray(0, k), (value) => value / total),
    yDirections,
    xDirections: null,
    xMean: null,
    scales: Float64Array.from(eigen.values.subarray(0, k), (value) => 1 / Math.sqrt(value)),
    regularization: { relative: 0, epsilonX: 0, epsilonY: 0 },
  };
}

/** The eigen-decomposition of C + εI; throws when it is not positive definite. */
function shifted(eigen: SymmetricEigen, epsilon: number, side: 'X' | 'Y'): SymmetricEigen {
  const values = eigen.values.map((value) => value + epsilon);
  const largest = values[0];
  const smallest = values[values.length - 1];
  if (!(smallest > largest * Number.EPSILON * values.length)) {
    throw new InvalidValueError(
      `C${side.toLowerCase()}${side.toLowerCase()} + εI is singular (smallest eigenvalue ${smallest}, largest ${largest}): ` +
        `${side} has constant or linearly dependent columns`,
      { hint: 'use regularization > 0 (default 1e-3)' },
    );
  }
  return { values, vectors: eigen.vectors };
}

/** Scales row `row` of a row-major [rows, d] matrix to unit Euclidean norm. */
function scaleToUnitNorm(matrix: Float64Array, row: number, d: number): void {
  const start = row * d;
  let norm = 0;
  for (let c = 0; c < d; c++) norm += matrix[start + c] * matrix[start + c];
  const factor = 1 / Math.sqrt(norm);
  for (let c = 0; c < d; c++) matrix[start + c] *= factor;
}

/** Flips row `row` of a [rows, d] matrix so that its largest-magnitude entry is positive; returns whether it flipped. */
function makeLargestEntryPositive(matrix: Float64Array, row: number, d: number): boolean {
  const start = row * d;
  let largest = 0;
  for (let c = 0; c < d; c++) {
    if (Math.abs(matrix[start + c]) > Math.abs(largest)) largest = matrix[start + c];
  }
  if (largest >= 0) return false;
  for (let c = 0; c < d; c++) matrix[start + c] *= -1;
  return true;
}

function resolveOptions(options: ExtractLatentsOptions) {
  const method = options.method ?? 'cca';
  if (method !== 'cca' && method !== 'pca') {
    throw new InvalidValueError(`Unknown method '${String(method)}'`, {
      hint: "use 'cca' (the method) or 'pca' (the ablation)",
    });
  }
  const k = options.k ?? DEFAULT_LATENT_COUNT;
  assertPositiveInteger(k, 'k (the number of latents)');
  const regularization = options.regularization ?? DEFAULT_REGULARIZATION;
  if (!(Number.isFinite(regularization) && regularization >= 0)) {
    throw new InvalidValueError(`regularization must be a finite number ≥ 0 (default 1e-3), got ${regularization}.`);
  }
  const rankTolerance = options.rankTolerance ?? DEFAULT_RANK_TOLERANCE;
  if (!(rankTolerance > 0 && rankTolerance < 1)) {
    throw new InvalidValueError(`rankTolerance must lie in (0, 1) (default 1e-5), got ${rankTolerance}.`);
  }
  return { method, k, regularization, rankTolerance };
}
