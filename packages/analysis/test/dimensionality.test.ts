import { describe, expect, it } from 'vitest';
import { CovarianceAccumulator, symmetricEigenvalues } from '../src/covariance.js';
import {
  componentsFor,
  cumulativeVarianceExplained,
  dimensionalityOfSamples,
  participationRatio,
} from '../src/dimensionality.js';

/** ±e_i along each of d axes in a space of n ≥ d dimensions: covariance (1/d)·diag(1, …, 1, 0, …, 0). */
function axisSamples(d: number, n: number, scales: readonly number[] = Array(d).fill(1)): Float64Array {
  const samples = new Float64Array(2 * d * n);
  for (let i = 0; i < d; i++) {
    samples[2 * i * n + i] = scales[i];
    samples[(2 * i + 1) * n + i] = -scales[i];
  }
  return samples;
}

describe('participation ratio', () => {
  it('is d for isotropic d-dimensional data, in any embedding dimension', () => {
    for (const [d, n] of [
      [1, 1],
      [3, 3],
      [4, 10],
      [7, 12],
    ]) {
      const result = dimensionalityOfSamples(axisSamples(d, n), n);
      expect(result.participationRatio).toBeCloseTo(d, 10);
      expect(result.samples).toBe(2 * d);
    }
  });

  it('matches hand-computed values', () => {
    // λ = (2, 1, 1): (4)² / (4 + 1 + 1) = 16/6
    expect(participationRatio([2, 1, 1])).toBeCloseTo(16 / 6, 12);
    expect(participationRatio([5, 0, 0])).toBe(1);
    expect(participationRatio([0, 0])).toBe(0);
    expect(participationRatio([1, 1, -1e-17])).toBe(2);
    // Axis data with standard deviations 2 and 1 (variances 4 and 1, each ÷ d = 2): (5/2)²/((16 + 1)/4) = 25/17
    const result = dimensionalityOfSamples(axisSamples(2, 3, [2, 1]), 3);
    expect(result.participationRatio).toBeCloseTo(25 / 17, 10);
    expect(result.varianceExplained[0]).toBeCloseTo(0.8, 10);
    expect(result.pcs90).toBe(2);
  });

  it('is invariant to rotations of the data', () => {
    const angle = 0.7;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    const base = axisSamples(2, 2, [3, 1]);
    const rotated = new Float64Array(base.length);
    for (let m = 0; m < base.length / 2; m++) {
      const [x, y] = [base[2 * m], base[2 * m + 1]];
      rotated[2 * m] = c * x - s * y;
      rotated[2 * m + 1] = s * x + c * y;
    }
    expect(dimensionalityOfSamples(rotated, 2).participationRatio).toBeCloseTo(
      dimensionalityOfSamples(base, 2).participationRatio,
      10,
    );
  });
});

describe('variance explained', () => {
  it('is cumulative and gives the components for 90 %', () => {
    const curve = cumulativeVarianceExplained([6, 3, 1]);
    expect(curve).toEqual([0.6, 0.9, 1]);
    expect(componentsFor(curve)).toBe(2);
    expect(componentsFor(cumulativeVarianceExplained([8, 1, 1]))).toBe(2);
    expect(componentsFor(cumulativeVarianceExplained([95, 5]))).toBe(1);
    expect(componentsFor(cumulativeVarianceExplained([0, 0]))).toBe(0);
  });
});

describe('symmetricEigenvalues', () => {
  it('finds the eigenvalues of known matrices in decreasing order', () => {
    expect(Array.from(symmetricEigenvalues([2, 1, 1, 2], 2))).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)]);
    // Tridiagonal (2, −1) of size 3: 2 − 2cos(kπ/4), k = 1..3
    const values = symmetricEigenvalues([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);
    const expected = [3, 2, 1].map((k) => 2 - 2 * Math.cos((k * Math.PI) / 4));
    values.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i], 12);
    });
    expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(/2 × 2/);
  });

  it('keeps the trace and the Frobenius norm of a random symmetric matrix', () => {
    const n = 12;
    const matrix = new Float64Array(n * n);
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) matrix[i * n + j] = matrix[j * n + i] = next();
    const values = symmetricEigenvalues(matrix, n);
    let trace = 0;
    let frobenius = 0;
    for (let i = 0; i < n; i++) trace += matrix[i * n + i];
    for (const value of matrix) frobenius += value * value;
    expect(values.reduce((sum, value) => sum + value, 0)).toBeCloseTo(trace, 10);
    expect(values.reduce((sum, value) => sum + value * value, 0)).toBeCloseTo(frobenius, 10);
  });
});

describe('symmetricEigenvalues on planted spectra', () => {
  /** A random orthogonal n × n matrix (Gram–Schmidt on a seeded random matrix), row-major. */
  function randomOrthogonal(n: number, seed: number): Float64Array {
    let state = seed;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31 - 0.5;
    };
    const q = Float64Array.from({ length: n * n }, next);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += q[i * n + k] * q[j * n + k];
        for (let k = 0; k < n; k++) q[i * n + k] -= dot * q[j * n + k];
      }
      let norm = 0;
      for (let k = 0; k < n; k++) norm += q[i * n + k] ** 2;
      for (let k = 0; k < n; k++) q[i * n + k] /= Math.sqrt(norm);
    }
    return q;
  }

  /** Qᵀ·diag(λ)·Q. */
  function withSpectrum(eigenvalues: readonly number[], seed: number): Float64Array {
    const n = eigenvalues.length;
    const q = randomOrthogonal(n, seed);
    const matrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += q[k * n + i] * eigenvalues[k] * q[k * n + j];
        matrix[i * n + j] = matrix[j * n + i] = sum;
      }
    }
    return matrix;
  }

  it.each([
    ['decaying, as a covariance of hidden states', Array.from({ length: 96 }, (_, k) => 10 * 0.9 ** k)],
    ['repeated and zero eigenvalues', [...Array(20).fill(3), ...Array(20).fill(1), ...Array(24).fill(0)]],
    ['negative and positive', Array.from({ length: 40 }, (_, k) => k - 20.5)],
  ])('finds a planted spectrum: %s', (_name, planted) => {
    const values = symmetricEigenvalues(withSpectrum(planted, 11), planted.length);
    const expected = [...planted].sort((a, b) => b - a);
    const largest = Math.max(...planted.map(Math.abs));
    values.forEach((value, i) => {
      expect(Math.abs(value - expected[i])).toBeLessThan(1e-12 * largest * planted.length);
    });
  });

  it('reads only the lower triangle, leaves the input alone and refuses values that are not finite', () => {
    const matrix = [4, 99, 1, 1, 3, 99, 0, 2, 5];
    const lower = [4, 1, 0, 1, 3, 2, 0, 2, 5];
    expect(Array.from(symmetricEigenvalues(matrix, 3))).toEqual(Array.from(symmetricEigenvalues(lower, 3)));
    expect(matrix).toEqual([4, 99, 1, 1, 3, 99, 0, 2, 5]);
    expect(Array.from(symmetricEigenvalues([7], 1))).toEqual([7]);
    expect(() => symmetricEigenvalues([1, Number.NaN, Number.NaN, 1], 2)).toThrow(
      /not finite \(NaN at row 0, column 1\)/,
    );
  });
});

describe('CovarianceAccumulator', () => {
  it('computes the population covariance of the real steps of a [T, B, N] state array', () => {
    // T = 3, B = 2, N = 2; trial 1 has only 2 real steps (its third step is padding and must be ignored).
    const states = Float32Array.from([1, 0, 2, 2, /* t1 */ 3, 0, 4, 4, /* t2 */ 5, 0, 99, 99]);
    const accumulator = new CovarianceAccumulator(2);
    accumulator.addStates(states, 3, 2, [3, 2]);
    expect(accumulator.samples).toBe(5);
    // samples: (1,0) (3,0) (5,0) (2,2) (4,4): means (3, 1.2)
    const c = accumulator.covariance();
    expect(c[0]).toBeCloseTo((4 + 0 + 4 + 1 + 1) / 5, 6);
    expect(c[3]).toBeCloseTo((1.44 * 3 + 0.64 + 7.84) / 5, 6);
    expect(c[1]).toBe(c[2]);
    expect(() => accumulator.addStates(states, 2, 2, [2, 2])).toThrow(/expected T·B·N/);
    expect(() => new CovarianceAccumulator(2).covariance()).toThrow(/no samples/);
  });

  it('adds a batch four samples at a time with the sums of adding them one by one (to round-off)', () => {
    const [steps, batchSize, n] = [7, 5, 9];
    const trialSteps = [7, 3, 6, 1, 5];
    const states = Float32Array.from({ length: steps * batchSize * n }, (_, i) => (i % 3 === 0 ? 0 : Math.sin(i)));
    const batched = new CovarianceAccumulator(n);
    batched.addStates(states, steps, batchSize, trialSteps);
    const single = new CovarianceAccumulator(n);
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < trialSteps[b]; t++) single.add(states, (t * batchSize + b) * n);
    }
    expect(batched.samples).toBe(22);
    const [x, y] = [batched.covariance(), single.covariance()];
    x.forEach((value, i) => {
      expect(Math.abs(value - y[i])).toBeLessThan(1e-12);
    });
  });

  it('sums a batch added in parts of trials exactly as the whole batch at once, wherever the parts end', () => {
    const [steps, batchSize, n] = [7, 5, 9];
    const trialSteps = [7, 3, 6, 1, 5]; // 22 samples: the groups of four end inside trials 1, 2 and 4
    const states = Float32Array.from({ length: steps * batchSize * n }, (_, i) => (i % 3 === 0 ? 0 : Math.sin(i)));
    const whole = new CovarianceAccumulator(n);
    whole.addStates(states, steps, batchSize, trialSteps);
    const trials = (first: number, end: number) => {
      const part = new Float32Array(steps * (end - first) * n);
      for (let t = 0; t < steps; t++) {
        part.set(states.subarray((t * batchSize + first) * n, (t * batchSize + end) * n), t * (end - first) * n);
      }
      return part;
    };
    for (const cuts of [
      [0, 1, 5],
      [0, 2, 3, 5],
      [0, 1, 2, 3, 4, 5],
    ]) {
      const parts = new CovarianceAccumulator(n);
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [first, end] = [cuts[i], cuts[i + 1]];
        parts.addStates(trials(first, end), steps, end - first, trialSteps.slice(first, end));
      }
      expect(parts.samples).toBe(22);
      expect(parts.covariance()).toEqual(whole.covariance());
    }
    // a group left open is added before a single sample, so `add` after `addStates` keeps the order of the samples
    const then = new CovarianceAccumulator(n);
    then.addStates(trials(0, 1), steps, 1, [7]); // 7 samples: one group of four, three left open
    then.add(states, 0);
    expect(then.samples).toBe(8);
    const ordered = new CovarianceAccumulator(n);
    ordered.addStates(trials(0, 1), steps, 1, [7]);
    const merged = new CovarianceAccumulator(n);
    merged.merge(ordered);
    merged.add(states, 0);
    expect(then.covariance()).toEqual(merged.covariance());
  });
});
