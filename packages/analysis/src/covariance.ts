/**
 * Covariance of hidden states and its eigenvalues: a streaming accumulator over state samples (one sample =
 * the N unit activities of one trial at one real time step) and an eigenvalue solver for the symmetric
 * N × N covariance (Householder tridiagonalisation, then implicit QL).
 */

import { InvalidValueError, MolapError } from '@molap/core';

/**
 * Accumulates the mean and covariance of N-dimensional samples in float64 (sums of x and of x xᵀ, upper
 * triangle), so states never need to be kept. States come in groups of four samples (`addStates`); the last
 * group of one call, when not full, waits (copied) for the samples of the next call, so a batch added in parts
 * of trials sums exactly as the whole batch added at once.
 */
export class CovarianceAccumulator {
  readonly dimension: number;
  private readonly sum: Float64Array;
  /** Upper triangle of Σ x xᵀ, row-major in a full N × N array. */
  private readonly products: Float64Array;
  private count = 0;
  /** [4, N]: up to three samples of the last `addStates` call that did not fill a group of four. */
  private readonly open: Float32Array;
  private openSamples = 0;

  constructor(dimension: number) {
    if (!(Number.isSafeInteger(dimension) && dimension >= 1)) {
      throw new InvalidValueError(`the sample dimension must be an integer >= 1, got ${String(dimension)}`);
    }
    this.dimension = dimension;
    this.sum = new Float64Array(dimension);
    this.products = new Float64Array(dimension * dimension);
    this.open = new Float32Array(4 * dimension);
  }

  /** Number of samples added. */
  get samples(): number {
    return this.count + this.openSamples;
  }

  /** Adds the sample `values[offset .. offset + N)`. */
  add(values: ArrayLike<number>, offset = 0): void {
    this.closeGroup();
    this.addOne(values, offset);
  }

  private addOne(values: ArrayLike<number>, offset: number): void {
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
   * Adds the states of the real (unpadded) steps of every trial, trial after trial, four samples at a time. The
   * states of a batch may come in parts of trials, in order (one call per part): the sums are those of one call.
   * @param states h [T, B, N] time-major.
   * @param trialSteps [B] real steps of each trial.
   */
  addStates(states: Float32Array, steps: number, batchSize: number, trialSteps: ArrayLike<number>): void {
    const n = this.dimension;
    if (states.length !== steps * batchSize * n) {
      throw new MolapError(
        'incompatible',
        `states have ${states.length} values, expected T·B·N = ${steps}·${batchSize}·${n}`,
        { hint: `pass the states of a model with ${n} units` },
      );
    }
    const offsets: number[] = [];
    for (let b = 0; b < batchSize; b++) {
      const real = Math.min(steps, trialSteps[b]);
      for (let t = 0; t < real; t++) offsets.push((t * batchSize + b) * n);
    }
    let next = 0;
    // First the group the last call left open, then whole groups; what is left opens the next group.
    for (; this.openSamples > 0 && next < offsets.length; next++) this.keepOpen(states, offsets[next]);
    for (; next + 4 <= offsets.length; next += 4) {
      this.addFour(states, offsets[next], offsets[next + 1], offsets[next + 2], offsets[next + 3]);
    }
    for (; next < offsets.length; next++) this.keepOpen(states, offsets[next]);
  }

  /** Copies a sample into the open group; a full group is added. */
  private keepOpen(states: Float32Array, offset: number): void {
    const n = this.dimension;
    this.open.set(states.subarray(offset, offset + n), this.openSamples * n);
    if (++this.openSamples < 4) return;
    this.openSamples = 0;
    this.addFour(this.open, 0, n, 2 * n, 3 * n);
  }

  /** Adds the samples of an open group one by one (as a call's last samples were before groups could stay open). */
  private closeGroup(): void {
    const open = this.openSamples;
    this.openSamples = 0;
    for (let i = 0; i < open; i++) this.addOne(this.open, i * this.dimension);
  }

  /**
   * Adds four samples in one pass over Σ x xᵀ (a rank-4 update: a quarter of the memory traffic of four `add`
   * calls; the sums are the same up to the order of the additions).
   */
  private addFour(values: ArrayLike<number>, a: number, b: number, c: number, d: number): void {
    const n = this.dimension;
    const products = this.products;
    const sum = this.sum;
    for (let i = 0; i < n; i++) {
      const ai = values[a + i];
      const bi = values[b + i];
      const ci = values[c + i];
      const di = values[d + i];
      sum[i] += ai + bi + ci + di;
      if (ai === 0 && bi === 0 && ci === 0 && di === 0) continue;
      const row = i * n;
      for (let j = i; j < n; j++) {
        products[row + j] += ai * values[a + j] + bi * values[b + j] + ci * values[c + j] + di * values[d + j];
      }
    }
    this.count += 4;
  }

  /** Adds everything another accumulator of the same dimension collected. */
  merge(other: CovarianceAccumulator): void {
    if (other.dimension !== this.dimension) {
      throw new MolapError(
        'incompatible',
        `cannot merge a ${other.dimension}-dimensional accumulator into a ${this.dimension}-dimensional one`,
      );
    }
    this.closeGroup();
    other.closeGroup();
    for (let i = 0; i < this.sum.length; i++) this.sum[i] += other.sum[i];
    for (let i = 0; i < this.products.length; i++) this.products[i] += other.products[i];
    this.count += other.count;
  }

  /** The population covariance (divided by the sample count), full symmetric N × N, row-major. */
  covariance(): Float64Array {
    this.closeGroup();
    if (this.count === 0) throw new InvalidValueError('no samples were added: the covariance of nothing is undefined');
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

/** QL iterations allowed per eigenvalue (two or three suffice for finite input). */
const MAX_QL_ITERATIONS = 60;

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, eigenvalues only: `a` (n × n, row-major,
 * overwritten; only its lower triangle is read) becomes similar to the tridiagonal matrix with diagonal `d` and
 * sub-diagonal `e` (`e[i]` couples i − 1 and i; `e[0]` = 0). About (4/3)·n³ flops.
 */
function tridiagonalise(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    const rowI = i * n;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[rowI + k]);
      if (scale === 0) {
        e[i] = a[rowI + l];
      } else {
        // The Householder vector u = x − |x|·e_l of the scaled row x = a[i][0..l], kept in a[i][0..l].
        for (let k = 0; k <= l; k++) {
          a[rowI + k] /= scale;
          h += a[rowI + k] * a[rowI + k];
        }
        const f = a[rowI + l];
        const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[rowI + l] = f - g;
        // p = A·u / h (in e[0..l]), then K = uᵀp / 2h, q = p − K·u, and A ← A − q·uᵀ − u·qᵀ (lower triangle).
        let uTp = 0;
        for (let j = 0; j <= l; j++) {
          const rowJ = j * n;
          let sum = 0;
          for (let k = 0; k <= j; k++) sum += a[rowJ + k] * a[rowI + k];
          for (let k = j + 1; k <= l; k++) sum += a[k * n + j] * a[rowI + k];
          e[j] = sum / h;
          uTp += e[j] * a[rowI + j];
        }
        const half = uTp / (h + h);
        for (let j = 0; j <= l; j++) {
          const uj = a[rowI + j];
          const qj = e[j] - half * uj;
          e[j] = qj;
          const rowJ = j * n;
          for (let k = 0; k <= j; k++) a[rowJ + k] -= uj * e[k] + qj * a[rowI + k];
        }
      }
    } else {
      e[i] = a[rowI + l];
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  e[0] = 0;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal `d`, sub-diagonal `e` as `tridiagonalise` leaves
 * them) by the QL method with implicit Wilkinson shifts; `d` ends holding them, unsorted. O(n²).
 */
function tridiagonalEigenvalues(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      // The first m ≥ l whose coupling to the next is negligible: d[l..m] is an unreduced block.
      let m = l;
      for (; m < n - 1; m++) {
        const size = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * size) break;
      }
      if (m === l) break;
      if (iteration === MAX_QL_ITERATIONS) {
        throw new MolapError(
          'eigenvalues-not-converged',
          `the eigenvalues of a ${n} × ${n} matrix did not converge in ${MAX_QL_ITERATIONS} QL iterations`,
          { hint: 'its values are finite, so this is a bug: please report it with the matrix' },
        );
      }
      // Wilkinson shift from the leading 2 × 2 block, then one implicit QL sweep from m up to l.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the block splits here; undo the shift so far and start again.
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Eigenvalues of a real symmetric matrix, in decreasing order: Householder reduction to tridiagonal form,
 * then QL with implicit shifts (O(n³) once, instead of the cyclic Jacobi method's O(n³) per sweep: 0.12 s
 * instead of 10 s for the 512 units of a 16-module MoLaP; `npm run bench -- eigenvalues`). Agrees with
 * Jacobi to round-off (relative 1e-12), not to the bit.
 * @param matrix n × n, row-major, symmetric (only its lower triangle is read; the input is not modified).
 * @throws InvalidValueError when the matrix is not n × n, or has values that are not finite.
 */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number): Float64Array {
  if (matrix.length !== n * n)
    throw new InvalidValueError(`expected an ${n} × ${n} matrix (${n * n} values), got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new InvalidValueError(
        `the matrix has a value that is not finite (${a[i]} at row ${Math.floor(i / n)}, column ${i % n}): its eigenvalues are undefined`,
      );
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 1) {
    d[0] = a[0];
    return d;
  }
  tridiagonalise(a, n, d, e);
  tridiagonalEigenvalues(d, e, n);
  return d.sort().reverse();
}
