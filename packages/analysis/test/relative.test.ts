/** Relative robustness (p(m) / p(0)) on hand-made curves: what it measures and which tasks it leaves out. */
import { describe, expect, it } from 'vitest';
import { robustnessFromCurves } from '../src/assemble.js';
import { normalisedAuc, relativeAuc, relativeCurve } from '../src/curves.js';

const MAGNITUDES = [0, 0.1, 0.2, 0.4];

describe('relative curves and AUC', () => {
  it('a task learned to 0.8 that keeps 0.8 at every magnitude has relative AUC 1', () => {
    const flat = [0.8, 0.8, 0.8, 0.8];
    expect(relativeCurve(flat, 0.5)).toEqual([1, 1, 1, 1]);
    expect(relativeAuc(MAGNITUDES, flat, 0.5)).toBe(1);
    expect(normalisedAuc(MAGNITUDES, flat)).toBeCloseTo(0.8, 12);
  });

  it('a task at 1.0 that falls to 0.8 has less, though its absolute AUC is higher', () => {
    const falling = [1, 0.9, 0.85, 0.8];
    // trapezoids: 0.1·(1 + 0.9)/2 + 0.1·(0.9 + 0.85)/2 + 0.2·(0.85 + 0.8)/2 = 0.3475, ÷ 0.4
    expect(relativeAuc(MAGNITUDES, falling, 0.5)).toBeCloseTo(0.86875, 12);
    expect(relativeAuc(MAGNITUDES, falling, 0.5)!).toBeLessThan(1);
    expect(normalisedAuc(MAGNITUDES, falling)).toBeGreaterThan(normalisedAuc(MAGNITUDES, [0.8, 0.8, 0.8, 0.8]));
  });

  it('is null below the floor, keeps ratios above 1, and refuses a floor of 0', () => {
    expect(relativeCurve([0.3, 0.3, 0.1, 0], 0.5)).toBeNull();
    expect(relativeAuc(MAGNITUDES, [0.3, 0.3, 0.1, 0], 0.5)).toBeNull();
    expect(relativeCurve([0.5, 0.6], 0.5)).toEqual([1, 1.2]);
    expect(() => relativeCurve([0, 0], 0)).toThrow(/floor/);
  });
});

describe('robustnessFromCurves', () => {
  it('leaves tasks below the floor out of the relative figures and lists them with their seeds', () => {
    const entry = robustnessFromCurves(
      MAGNITUDES,
      {
        flat: [
          [0.8, 0.8, 0.8, 0.8],
          [0.8, 0.8, 0.8, 0.8],
        ],
        falling: [
          [1, 0.9, 0.85, 0.8],
          [0.4, 0.4, 0.4, 0.4],
        ],
        unlearned: [
          [0.2, 0.1, 0.1, 0],
          [0.3, 0.2, 0.1, 0],
        ],
      },
      [1, 2],
      0.75,
    );
    expect(entry.belowFloor).toEqual({ falling: [2], unlearned: [1, 2] });
    expect(entry.perTask.flat.relativeAuc).toBe(1);
    expect(entry.perTask.falling.perSeedRelativeAuc[0]).toBeCloseTo(0.86875, 12);
    expect(entry.perTask.falling.perSeedRelativeAuc[1]).toBeNull();
    expect(entry.perTask.falling.relativeAuc).toBeCloseTo(0.86875, 12);
    expect(entry.perTask.unlearned.relative).toBeNull();
    expect(entry.perTask.unlearned.relativeAuc).toBeNull();
    // the relative curve averages the two learned tasks only; the absolute one every task
    expect(entry.relativePerformance[3]).toBeCloseTo((1 + 0.8) / 2, 12);
    expect(entry.relativeAuc).toBeCloseTo((1 + 0.86875) / 2, 12);
    expect(entry.performance[0]).toBeCloseTo((0.8 + 0.7 + 0.25) / 3, 12);
    expect(entry.auc).toBeCloseTo(normalisedAuc(MAGNITUDES, entry.performance), 12);
  });

  it('has no relative figure when no task reaches the floor', () => {
    const entry = robustnessFromCurves(MAGNITUDES, { a: [[0.1, 0.1, 0.1, 0.1]] }, [1], 0.9);
    expect(entry.relativeAuc).toBeNull();
    expect(entry.relativePerformance).toEqual([]);
    expect(entry.belowFloor).toEqual({ a: [1] });
  });

  it("holds a task with its own score to that score's criterion, the others to the budget's", () => {
    // both tasks reach 0.8 unperturbed: below the budget's 0.9, above the timing score's own 0.75
    const curves = { fdgo: [[0.8, 0.8, 0.4, 0.4]], 'lab/timing': [[0.8, 0.8, 0.4, 0.4]] };
    const yangOnly = robustnessFromCurves(MAGNITUDES, curves, [1], 0.9);
    expect(yangOnly.belowFloor).toEqual({ fdgo: [1], 'lab/timing': [1] });
    const own = robustnessFromCurves(MAGNITUDES, curves, [1], 0.9, { 'lab/timing': 0.75 });
    expect(own.belowFloor).toEqual({ fdgo: [1] });
    expect(own.perTask.fdgo!.relative).toBeNull();
    expect(own.perTask['lab/timing']!.relative).toEqual([1, 1, 0.5, 0.5]);
    expect(own.relativePerformance).toEqual([1, 1, 0.5, 0.5]);
    // a floor given for a task equal to the budget's changes nothing (the study lists every task)
    expect(robustnessFromCurves(MAGNITUDES, curves, [1], 0.9, { fdgo: 0.9, 'lab/timing': 0.9 })).toEqual(yangOnly);
  });
});
