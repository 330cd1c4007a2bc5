/**
 * From targets to latents and back: the modules' training targets v = P (y − μ_y), with P = diag(scales)·B,
 * and the reconstruction ŷ = μ_y + R v (R = P⁺ by default, or the least-squares map).
 */

import { InvalidValueError } from '@molap/core';
import type { LatentPrimitives } from './latents.js';
import { pseudoInverse } from './linalg.js';
import { assertMatrix, type NumericArray } from './sample.js';

/**
 * How targets are rebuilt from latents. `'pseudo-inverse'` (default, MoLaP §2.3): ŷ = μ_y + P⁺ v, the
 * orthogonal projection of y − μ_y on the span of the b_i. `'least-squares'`: ŷ = μ_y + Cov(y, v)·Cov(v)⁻¹ v,
 * the best linear reconstruction from v on the extraction sample (the same as P⁺ for PCA).
 */
export type ReconstructionMethod = 'pseudo-inverse' | 'least-squares';

/** Options of `reconstructTargets` and `explainedVariance`. */
export interface ReconstructionOptions {
  /** Default `'pseudo-inverse'`. */
  readonly reconstruction?: ReconstructionMethod;
}

/** The linear maps of a set of primitives. */
interface LatentMaps {
  /** [k, yDim] P = diag(scales)·B: y − μ_y → v. */
  readonly projection: Float64Array;
  /** [yDim, k] R: v → ŷ − μ_y. */
  readonly reconstruction: Float64Array;
}

function latentMaps(primitives: LatentPrimitives, options: ReconstructionOptions = {}): LatentMaps {
  const method = options.reconstruction ?? 'pseudo-inverse';
  if (method !== 'pseudo-inverse' && method !== 'least-squares') {
    throw new InvalidValueError(`Unknown reconstruction '${String(method)}'`, {
      hint: "use 'pseudo-inverse' (default) or 'least-squares'",
    });
  }
  const { k, yDim, yDirections, scales } = primitives;
  if (yDirections.length !== k * yDim || scales.length !== k || primitives.yMean.length !== yDim) {
    throw new InvalidValueError(
      `The primitives are inconsistent: yDirections needs k·yDim = ${k * yDim} values (has ${yDirections.length}), ` +
        `scales ${k} (has ${scales.length}), yMean ${yDim} (has ${primitives.yMean.length}).`,
    );
  }
  const projection = new Float64Array(k * yDim);
  for (let i = 0; i < k; i++) {
    for (let c = 0; c < yDim; c++) projection[i * yDim + c] = scales[i] * yDirections[i * yDim + c];
  }
  if (method === 'pseudo-inverse') return { projection, reconstruction: pseudoInverse(projection, k, yDim) };
  if (primitives.leastSquaresReconstruction?.length !== yDim * k) {
    throw new InvalidValueError(`The primitives carry no [yDim, k] = [${yDim}, ${k}] leastSquaresReconstruction`, {
      hint: 'extract them again with extractLatents',
    });
  }
  return { projection, reconstruction: primitives.leastSquaresReconstruction };
}

/** v = P (y − μ) for the row of `Y` starting at `yBase`, written into `v` [k]. */
function project(maps: LatentMaps, yMean: Float64Array, Y: NumericArray, yBase: number, v: Float64Array): void {
  const yDim = yMean.length;
  for (let i = 0; i < v.length; i++) {
    const base = i * yDim;
    let sum = 0;
    for (let c = 0; c < yDim; c++) sum += maps.projection[base + c] * (Y[yBase + c] - yMean[c]);
    v[i] = sum;
  }
}

/** ŷ_c = μ_c + (P⁺ v)_c for channel `c`. */
function reconstructChannel(maps: LatentMaps, yMean: Float64Array, v: ArrayLike<number>, vBase: number, c: number) {
  const k = maps.projection.length / yMean.length;
  let sum = yMean[c];
  for (let i = 0; i < k; i++) sum += maps.reconstruction[c * k + i] * v[vBase + i];
  return sum;
}

/**
 * The latent targets of the modules: `V[t, i] = scales[i] · b_iᵀ (Y[t] − μ_y)`.
 * @param Y [n, yDim] targets, row-major (a `[T, B, yDim]` batch works as n = T·B).
 * @returns V [n, k], row-major.
 */
export function latentTargets(primitives: LatentPrimitives, Y: NumericArray): Float32Array {
  const n = assertMatrix(Y, primitives.yDim, 'Y');
  const maps = latentMaps(primitives);
  const { k, yDim } = primitives;
  const out = new Float32Array(n * k);
  const v = new Float64Array(k);
  for (let row = 0; row < n; row++) {
    project(maps, primitives.yMean, Y, row * yDim, v);
    out.set(v, row * k);
  }
  return out;
}

/**
 * Targets reconstructed from latents: `Ŷ[t] = μ_y + R V[t]`, with R = P⁺ (P = diag(scales)·B; default) or
 * the least-squares map (`options.reconstruction`). With P⁺, `reconstructTargets(p, latentTargets(p, Y))` is
 * the orthogonal projection of Y − μ_y on the span of the b_i.
 * @param V [n, k] latents, row-major.
 * @returns Ŷ [n, yDim], row-major.
 */
export function reconstructTargets(
  primitives: LatentPrimitives,
  V: NumericArray,
  options: ReconstructionOptions = {},
): Float32Array {
  const n = assertMatrix(V, primitives.k, 'V');
  const maps = latentMaps(primitives, options);
  const { k, yDim, yMean } = primitives;
  const out = new Float32Array(n * yDim);
  for (let row = 0; row < n; row++) {
    for (let c = 0; c < yDim; c++) out[row * yDim + c] = reconstructChannel(maps, yMean, V, row * k, c);
  }
  return out;
}

/**
 * Fraction of the variance of Y explained by the k latents: `1 − Σ‖y − ŷ‖² / Σ‖y − ȳ‖²`, with ŷ the
 * reconstruction through the latents (`options.reconstruction`) and ȳ the mean of the Y given (on the
 * extraction sample, ȳ = μ_y and the value lies in [0, 1]; it is 1 when k equals the rank of Y). Sums in float64.
 * @param Y [n, yDim] targets, row-major.
 */
export function explainedVariance(
  primitives: LatentPrimitives,
  Y: NumericArray,
  options: ReconstructionOptions = {},
): number {
  const n = assertMatrix(Y, primitives.yDim, 'Y');
  const maps = latentMaps(primitives, options);
  const { k, yDim, yMean } = primitives;
  const mean = new Float64Array(yDim);
  for (let row = 0; row < n; row++) for (let c = 0; c < yDim; c++) mean[c] += Y[row * yDim + c];
  for (let c = 0; c < yDim; c++) mean[c] /= n;
  const v = new Float64Array(k);
  let residual = 0;
  let total = 0;
  for (let row = 0; row < n; row++) {
    const base = row * yDim;
    project(maps, yMean, Y, base, v);
    for (let c = 0; c < yDim; c++) {
      const error = Y[base + c] - reconstructChannel(maps, yMean, v, 0, c);
      const deviation = Y[base + c] - mean[c];
      residual += error * error;
      total += deviation * deviation;
    }
  }
  if (total === 0) {
    throw new InvalidValueError('Y is constant: its variance is 0, so no fraction of it can be explained.');
  }
  return 1 - residual / total;
}
