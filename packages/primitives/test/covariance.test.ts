import { describe, expect, it } from 'vitest';
import { sampleMoments } from '../src/covariance.js';
import { normalStream } from './synthetic.js';

/** Direct definition: mean, then (1/n) Σ (a − ā)(b − b̄). */
function naiveCovariance(A: Float64Array, da: number, i: number, B: Float64Array, db: number, j: number, n: number) {
  let ma = 0;
  let mb = 0;
  for (let t = 0; t < n; t++) {
    ma += A[t * da + i];
    mb += B[t * db + j];
  }
  ma /= n;
  mb /= n;
  let sum = 0;
  for (let t = 0; t < n; t++) sum += (A[t * da + i] - ma) * (B[t * db + j] - mb);
  return sum / n;
}

describe('sampleMoments', () => {
  // Odd total width (3 + 2) and n not a multiple of the 64-row block exercise the padding paths.
  for (const n of [1, 63, 150]) {
    it(`matches the definition for n = ${n}, xDim = 3, yDim = 2`, () => {
      const normal = normalStream(n);
      const X = Float64Array.from({ length: n * 3 }, () => 5 + normal());
      const Y = Float64Array.from({ length: n * 2 }, () => -2 + 3 * normal());
      const moments = sampleMoments({ X, Y, n, xDim: 3, yDim: 2 });
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++)
          expect(moments.cxx[i * 3 + j]).toBeCloseTo(naiveCovariance(X, 3, i, X, 3, j, n), 12);
        for (let j = 0; j < 2; j++)
          expect(moments.cxy[i * 2 + j]).toBeCloseTo(naiveCovariance(X, 3, i, Y, 2, j, n), 12);
      }
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++)
          expect(moments.cyy[i * 2 + j]).toBeCloseTo(naiveCovariance(Y, 2, i, Y, 2, j, n), 12);
      }
      expect(moments.yMean[1]).toBeCloseTo(Y.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0) / n, 12);
    });
  }

  it('computes only the Y blocks when asked', () => {
    const moments = sampleMoments(
      { X: new Float64Array([1, 2]), Y: new Float64Array([1, 3]), n: 2, xDim: 1, yDim: 1 },
      false,
    );
    expect(moments.cxx.length).toBe(0);
    expect(moments.cxy.length).toBe(0);
    expect([...moments.cyy]).toEqual([1]);
  });
});
