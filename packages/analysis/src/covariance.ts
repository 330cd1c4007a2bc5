/**
 * Covariance of hidden states and its eigenvalues: a streaming accumulator over state samples (one sample =
 * the N unit activities of one trial at one real time step) and a Jacobi eigenvalue solver for the
 * symmetric N × N covariance.
 */

/**
 * Accumulates the mean and covariance of N-dimensional samples in float64 (sums of x and of x xᵀ, upper
 * triangle), so states never need to be kept.
 */
export class CovarianceAccumulator {
  readonly dimension: number;
  private readonly sum: Float64Array;
  /** Upper triangle of Σ x xᵀ, row-major in a full N × N array. */
  private readonly products: Float64Array;
  private count = 0;

  constructor(dimension: number) {
    if (!(Number.isSafeInteger(dimension) && dimension >= 1)) {
      throw new RangeError(`the sample dimension must be an integer >= 1, got ${String(dimension)}`);
    }
    this.dimension = dimension;
    this.sum = new Float64Array(dimension);
    this.products = new Float64Array(dimension * dimension);
  }

  /** Number of samples added. */
  get samples(): number {
    return this.count;
  }

  /** Adds the sample `values[offset .. offset + N)`. */
  add(values: ArrayLike<number>, offset = 0): void {
    const n = this.dimension;
    const products = this.products;
    for (let i = 0; i < n; i++) {
      const xi = values[offset + i];
      this.sum[i] += xi;
      if (xi === 0) continue;
      const row = i * n;
      for (let j = i; j < n; j++) products[row + j] += xi * values[offset + j];
    }
    this.count++;
  }

  /**
   * Adds the states of the real (unpadded) steps of every trial.
   * @param states h [T, B, N] time-major.
   * @param trialSteps [B] real steps of each trial.
   */
  addStates(states: Float32Array, steps: number, batchSize: number, trialSteps: ArrayLike<number>): void {
    const n = this.dimension;
    if (states.length !== steps * batchSize * n) {
      throw new RangeError(
        `states have ${states.length} values, expected T·B·N = ${steps}·${batchSize}·${n}: pass the states of a model with ${n} units`,
      );
    }
    for (let b = 0; b < batchSize; b++) {
      const real = Math.min(steps, trialSteps[b]);
      for (let t = 0; t < real; t++) this.add(states, (t * batchSize + b) * n);
    }
  }

  /** Adds everything another accumulator of the same dimension collected. */
  merge(other: CovarianceAccumulator): void {
    if (other.dimension !== this.dimension) {
      throw new RangeError(
        `cannot merge a ${other.dimension}-dimensional accumulator into a ${this.dimension}-dimensional one`,
      );
    }
    for (let i = 0; i < this.sum.length; i++) this.sum[i] += other.sum[i];
    for (let i = 0; i < this.products.length; i++) this.products[i] += other.products[i];
    this.count += other.count;
  }

  /** The population covariance (divided by the sample count), full symmetric N × N, row-major. */
  covariance(): Float64Array {
    if (this.count === 0) throw new RangeError('no samples were added: the covariance of nothing is undefined');
    const n = this.dimension;
    const c = new Float64Array(n * n);
    const m = this.count;
    for (let i = 0; i < n; i++) {
      const mi = this.sum[i] / m;
      for (let j = i; j < n; j++) {
        const value = this.products[i * n + j] / m - mi * (this.sum[j] / m);
        c[i * n + j] = value;
        c[j * n + i] = value;
      }
    }
    return c;
  }
}

const MAX_SWEEPS = 100;

/**
 * Eigenvalues of a real symmetric matrix by the cyclic Jacobi method, in decreasing order.
 * @param matrix n × n, row-major, symmetric (only this is assumed; the input is not modified).
 */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number): Float64Array {
  if (matrix.length !== n * n)
    throw new RangeError(`expected an ${n} × ${n} matrix (${n * n} values), got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * a[i];
  const tolerance = 1e-24 * total;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return values.sort().reverse();
}
