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

/** Rows per block of the covariance accumulation. */
const BLOCK_ROWS = 64;

/**
 * Two passes over the sample: the means, then the covariance of the centred joint vector z = [x; y].
 * Rows are taken 64 at a time into a column-major float64 block, and the upper triangle of Σ z zᵀ is
 * accumulated 2×2 entries at a time (n·d(d+1)/2 multiply-adds, d = xDim + yDim). Centring first keeps the
 * float64 sums exact enough to read small eigenvalues.
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
  // Column c of the block at [c·BLOCK_ROWS, (c + 1)·BLOCK_ROWS); one extra zero column when d is odd.
  const block = new Float64Array((d + 1) * BLOCK_ROWS);
  for (let first = 0; first < n; first += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - first);
    if (rows < BLOCK_ROWS) block.fill(0);
    for (let r = 0; r < rows; r++) {
      const xBase = (first + r) * sample.xDim;
      const yBase = (first + r) * yDim;
      for (let c = 0; c < xDim; c++) block[c * BLOCK_ROWS + r] = X[xBase + c] - mean[c];
      for (let c = 0; c < yDim; c++) block[(xDim + c) * BLOCK_ROWS + r] = Y[yBase + c] - mean[xDim + c];
    }
    accumulateUpperGram(block, d, joint);
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

/**
 * joint[i, j] += Σ_r block[i, r]·block[j, r] for j ≥ i (entries below the diagonal may also change and must
 * be ignored). `block` is column-major [d + 1 columns, BLOCK_ROWS], column d zero.
 */
function accumulateUpperGram(block: Float64Array, d: number, joint: Float64Array): void {
  for (let i = 0; i < d; i += 2) {
    const a0 = i * BLOCK_ROWS;
    const a1 = a0 + BLOCK_ROWS;
    for (let j = i; j < d; j += 2) {
      const b0 = j * BLOCK_ROWS;
      const b1 = b0 + BLOCK_ROWS;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let r = 0; r < BLOCK_ROWS; r++) {
        const x0 = block[a0 + r];
        const x1 = block[a1 + r];
        const y0 = block[b0 + r];
        const y1 = block[b1 + r];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      joint[i * d + j] += s00;
      if (j + 1 < d) joint[i * d + j + 1] += s01;
      if (i + 1 < d) {
        joint[(i + 1) * d + j] += s10;
        if (j + 1 < d) joint[(i + 1) * d + j + 1] += s11;
      }
    }
  }
}

/** Trace of a [d, d] row-major matrix. */
export function trace(matrix: Float64Array, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) sum += matrix[i * d + i];
  return sum;
}
