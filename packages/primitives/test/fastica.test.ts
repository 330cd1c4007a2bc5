import { createRng } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { fastIca, IcaConvergenceError } from '../src/index.js';
import { symmetricEigen } from '../src/linalg.js';

/** n rows of k known non-Gaussian sources (uniform, Laplace, square wave …), each mean 0 and variance 1. */
function plantedSources(n: number, seed: number): { sources: Float64Array; k: number } {
  const rng = createRng(seed);
  const k = 3;
  const sources = new Float64Array(n * k);
  for (let row = 0; row < n; row++) {
    sources[row * k] = (rng.uniform() - 0.5) * Math.sqrt(12); // uniform (sub-Gaussian)
    const u = rng.uniform() - 0.5;
    sources[row * k + 1] = (-Math.sign(u) * Math.log(1 - 2 * Math.abs(u))) / Math.SQRT2; // Laplace (super-Gaussian)
    sources[row * k + 2] = Math.sign(Math.sin(row / 7.3)) * 1; // square wave
  }
  return { sources, k };
}

/** Centres and whitens [n, d] data by PCA; returns the whitened rows. */
function whiten(data: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let row = 0; row < n; row++) for (let c = 0; c < d; c++) mean[c] += data[row * d + c] / n;
  const cov = new Float64Array(d * d);
  for (let row = 0; row < n; row++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) cov[a * d + b] += ((data[row * d + a] - mean[a]) * (data[row * d + b] - mean[b])) / n;
    }
  }
  const eigen = symmetricEigen(cov, d);
  const out = new Float64Array(n * d);
  for (let row = 0; row < n; row++) {
    for (let e = 0; e < d; e++) {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += eigen.vectors[e * d + c] * (data[row * d + c] - mean[c]);
      out[row * d + e] = sum / Math.sqrt(eigen.values[e]);
    }
  }
  return out;
}

function correlation(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number, k: number): number {
  let sa = 0;
  let sb = 0;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let row = 0; row < n; row++) {
    const x = a[row * k + ai];
    const y = b[row * k + bi];
    sa += x;
    sb += y;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  return cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
}

describe('fastIca', () => {
  it('recovers planted independent sources from a random mixture (up to order and sign)', () => {
    const n = 20_000;
    const { sources, k } = plantedSources(n, 1);
    const rng = createRng(2);
    const mixing = Float64Array.from({ length: k * k }, () => rng.normal());
    const mixed = new Float64Array(n * k);
    for (let row = 0; row < n; row++) {
      for (let i = 0; i < k; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += mixing[i * k + j] * sources[row * k + j];
        mixed[row * k + i] = sum;
      }
    }
    const z = whiten(mixed, n, k);
    const { rotation, iterations } = fastIca(z, n, k, { seed: 3 });
    expect(iterations).toBeGreaterThan(1);
    const recovered = new Float64Array(n * k);
    for (let row = 0; row < n; row++) {
      for (let i = 0; i < k; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += rotation[i * k + j] * z[row * k + j];
        recovered[row * k + i] = sum;
      }
    }
    // Each source is matched by exactly one component, with |correlation| > 0.99.
    const matched = new Set<number>();
    for (let s = 0; s < k; s++) {
      const best = Array.from({ length: k }, (_, c) => Math.abs(correlation(sources, s, recovered, c, n, k)));
      const c = best.indexOf(Math.max(...best));
      expect(best[c]).toBeGreaterThan(0.99);
      matched.add(c);
    }
    expect(matched.size).toBe(k);
    // The rotation is orthogonal.
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let c = 0; c < k; c++) dot += rotation[i * k + c] * rotation[j * k + c];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
  });

  it('is deterministic in its seed', () => {
    const n = 4000;
    const { sources, k } = plantedSources(n, 5);
    const z = whiten(sources, n, k);
    expect(fastIca(z, n, k, { seed: 1 }).rotation).toEqual(fastIca(z, n, k, { seed: 1 }).rotation);
  });

  it('reports the iteration count and the fix when it does not converge', () => {
    const n = 4000;
    const { sources, k } = plantedSources(n, 6);
    const z = whiten(sources, n, k);
    const attempt = () => fastIca(z, n, k, { seed: 1, maxIterations: 2 });
    expect(attempt).toThrow(IcaConvergenceError);
    expect(attempt).toThrow(/did not converge in 2 iterations .*raise ica\.maxIterations.*rotation: 'none'/);
  });
});
