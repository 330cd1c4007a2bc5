import { errorKind } from '@molap/core';
import { describe, expect, it } from 'vitest';
import { mean, meanCurve, meanOrNull, normalisedAuc } from '../src/curves.js';

describe('normalisedAuc', () => {
  it('is the trapezoid area divided by the magnitude range', () => {
    // (0.5·(1 + 0.5)·1 + 0.5·(0.5 + 0)·1) / 2 = (0.75 + 0.25) / 2
    expect(normalisedAuc([0, 1, 2], [1, 0.5, 0])).toBe(0.5);
    // uneven grid: (0.1·(1 + 1)/2 + 0.3·(1 + 0)/2) / 0.4 = (0.1 + 0.15) / 0.4
    expect(normalisedAuc([0, 0.1, 0.4], [1, 1, 0])).toBeCloseTo(0.625, 12);
    expect(normalisedAuc([0, 3, 7], [0.8, 0.8, 0.8])).toBeCloseTo(0.8, 12);
    expect(normalisedAuc([0], [0.7])).toBe(0.7);
  });

  it('rejects grids that are not strictly increasing or do not match the values', () => {
    expect(() => normalisedAuc([0, 0], [1, 1])).toThrow(/strictly increasing/);
    expect(() => normalisedAuc([0, 1], [1])).toThrow(/as many values as magnitudes/);
    expect(() => normalisedAuc([], [])).toThrow(/at least one/);
  });

  it('says a bad grid is bad input (exit code 2 of the CLI)', () => {
    let error: unknown;
    try {
      normalisedAuc([0, 0], [1, 1]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'invalid-option' });
    expect(errorKind(error)).toBe('bad-input');
  });
});

describe('means', () => {
  it('averages, skips nulls and averages curves element-wise', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    expect(meanOrNull([null, 2, 4])).toBe(3);
    expect(meanOrNull([null, null])).toBeNull();
    expect(
      meanCurve([
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([2, 3]);
    expect(() => meanCurve([[1], [1, 2]])).toThrow(/different lengths/);
  });
});
