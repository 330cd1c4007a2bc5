/**
 * The readout in closed form: ridge regression of the pre-sigmoid outputs on the hidden states.
 *
 * The network's output is ŷ = sigmoid(W_out·h + b_out). With the states h fixed (frozen modules and inputs),
 * fitting the readout to targets y through the sigmoid is a logistic-type problem; its closed-form
 * surrogate regresses the logits z = log(y / (1 − y)) of the targets, clipped to [c, 1 − c], on [h; 1]:
 *
 *   minimise Σ_r w_r ‖z_r − W_out h_r − b_out‖² + λ' ‖W_out‖²,   λ' = λ · trace(Σ_r w_r h_r h_rᵀ) / (N · Σ_r w_r)
 *
 * over the rows r = (t, b) of the collected trials, with row weight w_r = mean over outputs of mask_{r,c}²
 * (the task's cost mask, squared because it multiplies the error before squaring; 0 on excluded and padded
 * steps). The bias is not penalised. The normal equations are solved by Cholesky decomposition in float64.
 */

import { InvalidValueError, MolapError } from '@molap/core';
import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';

/** Options of the closed-form readout. */
export interface RidgeReadoutOptions {
  /** Ridge λ relative to the mean weighted state power (see the module comment). Default 1e-3. */
  readonly lambda: number;
  /** Targets are clipped to [logitClip, 1 − logitClip] before the logit. Default 1e-3. */
  readonly logitClip: number;
}

/** The defaults of `RidgeReadoutOptions`. */
export const DEFAULT_RIDGE_READOUT: Readonly<RidgeReadoutOptions> = Object.freeze({ lambda: 1e-3, logitClip: 1e-3 });

/** A batch's targets and loss mask, as the regression reads them. */
export interface RegressionBatch {
  readonly steps: number;
  readonly batchSize: number;
  readonly outputSize: number;
  /** [T, B, nOut]. */
  readonly targets: Float32Array;
  /** [T, B, nOut]. */
  readonly mask: Float32Array;
}

/** Weighted sufficient statistics of the readout regression, accumulated batch by batch. */
export class ReadoutRegression {
  readonly hiddenSize: number;
  readonly outputSize: number;
  /** [(N+1), (N+1)] Σ w x xᵀ with x = [h; 1] (upper triangle filled during accumulation). */
  private readonly gram: Float64Array;
  /** [(N+1), nOut] Σ w x zᵀ. */
  private readonly cross: Float64Array;
  private weight = 0;
  private readonly x: Float64Array;

  constructor(hiddenSize: number, outputSize: number) {
    this.hiddenSize = hiddenSize;
    this.outputSize = outputSize;
    const d = hiddenSize + 1;
    this.gram = new Float64Array(d * d);
    this.cross = new Float64Array(d * outputSize);
    this.x = new Float64Array(d);
  }

  /**
   * Adds the rows of one batch.
   * @param states h [T, B, N] of the batch.
   */
  add(states: Float32Array, batch: RegressionBatch, logitClip: number): void {
    const n = this.hiddenSize;
    const nOut = this.outputSize;
    const d = n + 1;
    const { steps, batchSize } = batch;
    if (batch.outputSize !== nOut || states.length !== steps * batchSize * n) {
      throw new MolapError(
        'incompatible',
        `the regression expects states [T, B, ${n}] and ${nOut} outputs, got ${states.length} state values and ${batch.outputSize} outputs`,
      );
    }
    const x = this.x;
    const z = new Float64Array(nOut);
    for (let row = 0; row < steps * batchSize; row++) {
      let w = 0;
      for (let c = 0; c < nOut; c++) w += batch.mask[row * nOut + c] ** 2;
      w /= nOut;
      if (w === 0) continue;
      for (let i = 0; i < n; i++) x[i] = states[row * n + i];
      x[n] = 1;
      for (let c = 0; c < nOut; c++) {
        const y = Math.min(1 - logitClip, Math.max(logitClip, batch.targets[row * nOut + c]));
        z[c] = Math.log(y / (1 - y));
      }
      this.weight += w;
      for (let i = 0; i < d; i++) {
        const wx = w * x[i];
        if (wx === 0) continue;
        const base = i * d;
        for (let j = i; j < d; j++) this.gram[base + j] += wx * x[j];
        const crossBase = i * nOut;
        for (let c = 0; c < nOut; c++) this.cross[crossBase + c] += wx * z[c];
      }
    }
  }

  /** Solves the ridge problem: W_out [nOut, N] and b_out [nOut] as float32. */
  solve(lambda: number): { outputWeights: Float32Array; outputBias: Float32Array } {
    const n = this.hiddenSize;
    const nOut = this.outputSize;
    const d = n + 1;
    if (this.weight === 0) {
      throw new InvalidValueError('the readout regression saw no row with a non-zero mask', {
        hint: 'collect trials of the task first',
      });
    }
    const a = new Matrix(d, d);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += this.gram[i * d + i];
    const penalty = (lambda * trace) / n;
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const value = this.gram[i * d + j] + (i === j && i < n ? penalty : 0);
        a.set(i, j, value);
        a.set(j, i, value);
      }
    }
    const b = Matrix.from1DArray(d, nOut, this.cross);
    const cholesky = new CholeskyDecomposition(a);
    const solution = cholesky.isPositiveDefinite() ? cholesky.solve(b) : solve(a, b, true);
    const outputWeights = new Float32Array(nOut * n);
    const outputBias = new Float32Array(nOut);
    for (let c = 0; c < nOut; c++) {
      for (let i = 0; i < n; i++) outputWeights[c * n + i] = solution.get(i, c);
      outputBias[c] = solution.get(n, c);
    }
    return { outputWeights, outputBias };
  }
}
