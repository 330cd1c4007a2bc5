import type { LatentSample } from './sample.js';

/** Means and covariance blocks of a paired sample, in float64. Covariances divide by n (population). */
export interface SampleMoments {
  /** [xDim] mean of X. */
  readonly xMean: Float64Array;
  /** [yDim] mean of Y. */
  readonly yMean: Float64Array;
  /** [xDim, xDim] covariance of X. */
  readonly cxx: Float64Array;
  /** [yDim, yDim] covariance of Y. */
  readonly cyy: Float64Array;
  /** [xDim, yDim] cross-covariance. */
  readonly cxy: Float64Array;
}

/**
 * Two passes over the sample: the means, then the covariance of the centred joint vector z = [x; y] with
 * one symmetric rank-one update per row (upper triangle only). Centring first keeps the float64 sums exact
 * enough to read small eigenvalues. Costs n·d(d+1)/2 multiply-adds, d = xDim + yDim.
 * @param withX when false only the Y moments are computed (the X blocks are empty).
 */
export function sampleMoments(sample: LatentSample, withX = true): SampleMoments {
  const { X, Y, n, yDim } = sample;
  const xDim = withX ? sample.xDim : 0;
  const d = xDim + yDim;
  const mean = new Float64Array(d);
  for (let row = 0; row < n; row++) {
    const xBase = row * sample.xDim;
    const yBase = row * yDim;
    for (let c = 0; c < xDim; c++) mean[c] += X[xBase + c];
    for (let c = 0; c < yDim; c++) mean[xDim + c] += Y[yBase + c];
  }
  for (let c = 0; c < d; c++) mean[c] /= n;

  const joint = new Float64Array(d * d);
  const z = new Float64Array(d);
  for (let row = 0; row < n; row++) {
    const xBase = row * sample.xDim;
    const yBase = row * yDim;
    for (let c = 0; c < xDim; c++) z[c] = X[xBase + c] - mean[c];
    for (let c = 0; c < yDim; c++) z[xDim + c] = Y[yBase + c] - mean[xDim + c];
    for (let i = 0; i < d; i++) {
      const zi = z[i];
      if (zi === 0) continue;
      const base = i * d;
      for (let j = i; j < d; j++) joint[base + j] += zi * z[j];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const value = joint[i * d + j] / n;
      joint[i * d + j] = value;
      joint[j * d + i] = value;
    }
  }

  const cxx = new Float64Array(xDim * xDim);
  const cyy = new Float64Array(yDim * yDim);
  const cxy = new Float64Array(xDim * yDim);
  for (let i = 0; i < xDim; i++) {
    for (let j = 0; j < xDim; j++) cxx[i * xDim + j] = joint[i * d + j];
    for (let j = 0; j < yDim; j++) cxy[i * yDim + j] = joint[i * d + xDim + j];
  }
  for (let i = 0; i < yDim; i++) {
    for (let j = 0; j < yDim; j++) cyy[i * yDim + j] = joint[(xDim + i) * d + xDim + j];
  }
  return { xMean: mean.slice(0, xDim), yMean: mean.slice(xDim), cxx, cyy, cxy };
}

/** Trace of a [d, d] row-major matrix. */
export function trace(matrix: Float64Array, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) sum += matrix[i * d + i];
  return sum;
}
