import { errorKind } from '@molap/core';
import { describe, expect, it } from 'vitest';
import { explainedVariance, extractLatents, latentTargets, reconstructTargets } from '../src/index.js';
import { columnCorrelation, matmul, normalStream, plantedCca } from './synthetic.js';

const PLANTED_RHO = [0.9, 0.7, 0.5, 0.3];
const DIM = 10;
const N = 100_000;

/** Largest |corr| between distinct columns of a [n, k] matrix. */
function largestCrossCorrelation(V: ArrayLike<number>, k: number): number {
  let largest = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) largest = Math.max(largest, Math.abs(columnCorrelation(V, k, i, V, k, j)));
  }
  return largest;
}

/** |cos| of the angle between row `i` of two [rows, d] matrices. */
function rowCosine(a: Float64Array, b: Float64Array, i: number, d: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let c = 0; c < d; c++) {
    ab += a[i * d + c] * b[i * d + c];
    aa += a[i * d + c] ** 2;
    bb += b[i * d + c] ** 2;
  }
  return Math.abs(ab) / Math.sqrt(aa * bb);
}

describe('extractLatents: CCA on planted canonical pairs', () => {
  const planted = plantedCca(PLANTED_RHO, DIM, N, 7);
  const latents = extractLatents(planted.sample, { k: PLANTED_RHO.length });

  it('recovers the planted canonical correlations, in descending order (|Δρ| < 0.01)', () => {
    const errors = PLANTED_RHO.map((rho, i) => Math.abs(latents.rho[i] - rho));
    console.log(`planted CCA (n = ${N}, dim = ${DIM}, default ridge): |Δρ| = ${errors.map((e) => e.toFixed(4))}`);
    for (const error of errors) expect(error).toBeLessThan(0.01);
    expect([...latents.rho]).toEqual([...latents.rho].sort((a, b) => b - a));
  });

  it('recovers the planted directions on both sides (up to sign) and their variates', () => {
    const k = PLANTED_RHO.length;
    const V = latentTargets(latents, planted.sample.Y);
    for (let i = 0; i < k; i++) {
      expect(rowCosine(latents.yDirections, planted.yDirections, i, DIM)).toBeGreaterThan(0.99);
      expect(rowCosine(latents.xDirections as Float64Array, planted.xDirections, i, DIM)).toBeGreaterThan(0.99);
      expect(Math.abs(columnCorrelation(V, k, i, planted.v, DIM, i))).toBeGreaterThan(0.99);
    }
  });

  it('pairs each X direction with its Y direction at correlation ρ_i (positive sign)', () => {
    const { X, Y } = planted.sample;
    const k = latents.k;
    const xa = matmul(X, transpose(latents.xDirections as Float64Array, k, DIM), N, DIM, k);
    const yb = matmul(Y, transpose(latents.yDirections, k, DIM), N, DIM, k);
    for (let i = 0; i < k; i++) expect(columnCorrelation(xa, k, i, yb, k, i)).toBeCloseTo(latents.rho[i], 2);
  });

  it('gives latent targets with mean 0, variance 1, mutually uncorrelated up to the ridge', () => {
    const k = latents.k;
    const V = latentTargets(latents, planted.sample.Y);
    for (let i = 0; i < k; i++) {
      let sum = 0;
      let squares = 0;
      for (let t = 0; t < N; t++) {
        sum += V[t * k + i];
        squares += V[t * k + i] ** 2;
      }
      expect(Math.abs(sum / N)).toBeLessThan(1e-6);
      expect(squares / N).toBeCloseTo(1, 5);
    }
    expect(largestCrossCorrelation(V, k)).toBeLessThan(0.01);
  });

  it('without the ridge, the variates are uncorrelated to rounding and ρ is unbiased however ill-conditioned X is', () => {
    const illConditioned = plantedCca(PLANTED_RHO, DIM, N, 8, 10);
    const exact = extractLatents(illConditioned.sample, { k: 4, regularization: 0 });
    const ridged = extractLatents(illConditioned.sample, { k: 4 });
    PLANTED_RHO.forEach((rho, i) => {
      expect(Math.abs(exact.rho[i] - rho)).toBeLessThan(0.01);
      expect(ridged.rho[i]).toBeLessThan(exact.rho[i]);
    });
    expect(largestCrossCorrelation(latentTargets(exact, illConditioned.sample.Y), 4)).toBeLessThan(1e-5);
    expect(exact.regularization).toEqual({ relative: 0, epsilonX: 0, epsilonY: 0 });
    expect(ridged.regularization.epsilonX).toBeGreaterThan(0);
  });

  it('is deterministic: the same sample gives bit-identical primitives', () => {
    expect(extractLatents(planted.sample, { k: 4 })).toEqual(latents);
  });
});

function transpose(matrix: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c];
  return out;
}

describe('extractLatents: PCA (the ablation)', () => {
  // Four points on the axes of an ellipse with semi-axes 2 and 1, rotated by 30° and shifted to (1, −3):
  // covariance (÷n) has eigenvalues 2 and 0.5 along (cos 30°, sin 30°) and (−sin 30°, cos 30°).
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const points = [
    [2, 0],
    [-2, 0],
    [0, 1],
    [0, -1],
  ].map(([p, q]) => [1 + c * p - s * q, -3 + s * p + c * q]);
  const Y = Float64Array.from(points.flat());
  const sample = { X: new Float64Array(4), Y, n: 4, xDim: 1, yDim: 2 };

  it('matches the hand-computed axes, variance ratios, mean and scales', () => {
    const pca = extractLatents(sample, { method: 'pca', k: 2 });
    expect(pca.method).toBe('pca');
    expect([...pca.rho].map((r) => +r.toFixed(12))).toEqual([0.8, 0.2]);
    const expected = [c, s, -s, c];
    for (const [i, value] of pca.yDirections.entries()) expect(value).toBeCloseTo(expected[i], 12);
    for (const [i, value] of pca.yMean.entries()) expect(value).toBeCloseTo([1, -3][i], 12);
    expect(pca.scales[0]).toBeCloseTo(1 / Math.sqrt(2), 12);
    expect(pca.scales[1]).toBeCloseTo(1 / Math.sqrt(0.5), 12);
    expect(pca.xDirections).toBeNull();
    expect(pca.xMean).toBeNull();
    const V = latentTargets(pca, Y);
    expect([...V].map((v) => +v.toFixed(5))).toEqual(
      [Math.SQRT2, 0, -Math.SQRT2, 0, 0, Math.SQRT2, 0, -Math.SQRT2].map((v) => +v.toFixed(5)),
    );
  });

  it('explains the sum of its variance ratios', () => {
    const { Y: data } = plantedCca(PLANTED_RHO, DIM, 5_000, 3).sample;
    const pca = extractLatents(
      { X: new Float64Array(5_000), Y: data, n: 5_000, xDim: 1, yDim: DIM },
      { method: 'pca', k: 3 },
    );
    expect(explainedVariance(pca, data)).toBeCloseTo(pca.rho[0] + pca.rho[1] + pca.rho[2], 6);
  });
});

describe('explained variance and reconstruction at k = rank(Y)', () => {
  // Y = Z M: rank 3 in 6 dimensions (float32); X = a noisy mix of Z, 5 dimensions.
  const n = 4_000;
  const normal = normalStream(11);
  const Z = Float64Array.from({ length: n * 3 }, normal);
  const Y = Float32Array.from(matmul(Z, Float64Array.from({ length: 18 }, normal), n, 3, 6));
  const X = Float32Array.from(matmul(Z, Float64Array.from({ length: 15 }, normal), n, 3, 5), (x) => x + 0.5 * normal());
  const sample = { X, Y, n, xDim: 5, yDim: 6 };

  for (const method of ['cca', 'pca'] as const) {
    it(`${method}: explains all the variance and reconstructs Y`, () => {
      const latents = extractLatents(sample, { method, k: 3 });
      expect(latents.yRank).toBe(3);
      expect(explainedVariance(latents, Y)).toBeCloseTo(1, 6);
      const reconstructed = reconstructTargets(latents, latentTargets(latents, Y));
      let worst = 0;
      for (let i = 0; i < Y.length; i++) worst = Math.max(worst, Math.abs(reconstructed[i] - Y[i]));
      expect(worst).toBeLessThan(1e-4);
      expect(explainedVariance(latents, Y, { reconstruction: 'least-squares' })).toBeCloseTo(1, 6);
      const fewer = extractLatents(sample, { method, k: 2 });
      const projected = explainedVariance(fewer, Y);
      const leastSquares = explainedVariance(fewer, Y, { reconstruction: 'least-squares' });
      expect(projected).toBeLessThan(0.999);
      expect(projected).toBeGreaterThan(0);
      // The least-squares map is the best linear reconstruction from v; for PCA it is P⁺ itself.
      if (method === 'pca') expect(leastSquares).toBeCloseTo(projected, 9);
      else expect(leastSquares).toBeGreaterThanOrEqual(projected - 1e-12);
    });

    it(`${method}: refuses k above the numerical rank of Y`, () => {
      expect(() => extractLatents(sample, { method, k: 4 })).toThrow(/numerical rank of Y \(3/);
    });
  }
});

describe('bad input', () => {
  const good = {
    X: new Float64Array([0, 1, 2, 3, 4, 6]),
    Y: new Float64Array([1, 0, 3, 2, 5, 5]),
    n: 3,
    xDim: 2,
    yDim: 2,
  };

  it('names the problem and the fix', () => {
    expect(() => extractLatents({ ...good, X: new Float64Array(0), Y: new Float64Array(0), n: 0 })).toThrow(/empty/);
    expect(() => extractLatents({ ...good, X: new Float64Array(5) })).toThrow(/X has 5 values but \[3, 2\] needs 6/);
    expect(() => extractLatents({ ...good, yDim: 3 })).toThrow(/Y has 6 values but \[3, 3\] needs 9/);
    expect(() => extractLatents({ ...good, Y: new Float64Array([1, 0, Number.NaN, 2, 5, 5]) }, { k: 1 })).toThrow(
      /Y holds NaN at row 1, column 0/,
    );
    expect(() => extractLatents({ ...good, X: [0, 1, 2, 3, 4, 6] as unknown as Float64Array })).toThrow(
      /Float32Array or Float64Array/,
    );
    expect(() => extractLatents(good, { k: 3 })).toThrow(/min\(xDim, yDim\) = 2/);
    expect(() => extractLatents(good, { k: 0 })).toThrow(/k \(the number of latents\) must be a positive integer/);
    expect(() => extractLatents(good, { k: 1, method: 'ica' as 'cca' })).toThrow(/Unknown method 'ica'/);
    expect(() => extractLatents(good, { k: 1, regularization: -1 })).toThrow(/regularization must be/);
    expect(() => extractLatents({ ...good, Y: new Float64Array(6).fill(2) }, { k: 1 })).toThrow(/Y is constant/);
  });

  it('asks for a ridge when X is singular and there is none', () => {
    const collinear = { ...good, X: new Float64Array([0, 0, 1, 1, 2, 2]) };
    expect(() => extractLatents(collinear, { k: 1, regularization: 0 })).toThrow(
      /singular[\s\S]*hint: use regularization > 0/,
    );
    expect(extractLatents(collinear, { k: 1 }).k).toBe(1);
  });

  it('refuses k above what the data supports as bad input, with the k it supports', () => {
    const error = (() => {
      try {
        extractLatents(good, { k: 3 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(errorKind(error)).toBe('bad-input');
    expect(error).toMatchObject({ code: 'invalid-option', hint: 'lower k to at most 2' });
    expect(() => extractLatents({ ...good, X: new Float32Array(6).fill(Number.NaN) }, { k: 1 })).toThrow(
      expect.objectContaining({ code: 'invalid-option', kind: 'bad-input' }),
    );
  });

  it('checks the width of Y and V against the primitives', () => {
    const latents = extractLatents(good, { k: 1 });
    expect(() => latentTargets(latents, new Float64Array(5))).toThrow(/not a multiple of its 2 columns/);
    expect(() => reconstructTargets(latents, new Float32Array([Number.POSITIVE_INFINITY]))).toThrow(/V holds Infinity/);
    expect(() =>
      reconstructTargets(latents, new Float32Array(1), { reconstruction: 'mean' as 'least-squares' }),
    ).toThrow(/Unknown reconstruction 'mean'/);
  });
});
