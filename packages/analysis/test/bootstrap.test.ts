/** The two-way bootstrap over seeds × tasks: determinism and intervals on constructed grids. */
import { describe, expect, it } from 'vitest';
import { bootstrapMean, excludesZero, quantile } from '../src/bootstrap.js';

/** 3 seeds × 4 tasks of differences around `centre` with a spread of ±`spread`. */
const grid = (centre: number, spread: number) =>
  [0, 1, 2].map((s) => [0, 1, 2, 3].map((t) => centre + spread * (((s * 4 + t) % 5) - 2) * 0.5));

describe('bootstrapMean', () => {
  it('is deterministic: the same values, seed and key give the same interval; another key another one', () => {
    const values = grid(0.05, 0.04);
    const a = bootstrapMean(values, { key: 'robustness/multitask' });
    expect(bootstrapMean(values, { key: 'robustness/multitask' })).toEqual(a);
    expect(bootstrapMean(structuredClone(values), { key: 'robustness/multitask' })).toEqual(a);
    const other = bootstrapMean(values, { key: 'robustness/psp' });
    expect(other?.mean).toBe(a?.mean);
    expect([other?.low, other?.high]).not.toEqual([a?.low, a?.high]);
    expect(bootstrapMean(values, { key: 'robustness/multitask', seed: 7 })).not.toEqual(a);
  });

  it('gives the mean of the present values and counts seeds, tasks and cells', () => {
    const interval = bootstrapMean([
      [1, null, 3],
      [null, null, null],
      [2, null, 6],
    ]);
    expect(interval).toMatchObject({ mean: 3, seeds: 2, tasks: 2, cells: 4, level: 0.95, resamples: 2000 });
    expect(interval!.low).toBeGreaterThanOrEqual(1);
    expect(interval!.high).toBeLessThanOrEqual(6);
    expect(bootstrapMean([[null], [null]])).toBeNull();
    expect(bootstrapMean([])).toBeNull();
  });

  it('excludes 0 for a consistent difference and includes it for one that changes sign', () => {
    const positive = bootstrapMean(grid(0.05, 0.02));
    expect(positive!.low).toBeGreaterThan(0);
    expect(excludesZero(positive, 'above')).toBe(true);
    expect(excludesZero(positive, 'below')).toBe(false);
    const negative = bootstrapMean(grid(-0.05, 0.02));
    expect(excludesZero(negative, 'below')).toBe(true);
    const noisy = bootstrapMean(grid(0.01, 0.08));
    expect(noisy!.low).toBeLessThan(0);
    expect(noisy!.high).toBeGreaterThan(0);
    expect(excludesZero(noisy, 'above')).toBe(false);
    expect(excludesZero(noisy, 'below')).toBe(false);
  });

  it('with one seed resamples tasks only; a single pair decides nothing', () => {
    const oneSeed = bootstrapMean([[0.1, 0.2, 0.3, 0.4]]);
    expect(oneSeed).toMatchObject({ seeds: 1, tasks: 4 });
    expect(oneSeed!.high - oneSeed!.low).toBeGreaterThan(0);
    const single = bootstrapMean([[0.3]]);
    expect(single).toMatchObject({ mean: 0.3, low: 0.3, high: 0.3, seeds: 1, tasks: 1 });
    expect(excludesZero(single, 'above')).toBe(false);
    expect(excludesZero(null, 'above')).toBe(false);
  });

  it('checks its options and values', () => {
    expect(() => bootstrapMean([[1]], { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapMean([[1]], { level: 1 })).toThrow(/level/);
    expect(() => bootstrapMean([[Number.NaN]])).toThrow(/finite/);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([4], 0.9)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
