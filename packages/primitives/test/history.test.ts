import { describe, expect, it } from 'vitest';
import { historyFeatures } from '../src/index.js';

describe('historyFeatures', () => {
  it('integrates each trial and channel with z(t) = (1 − α) z(t − 1) + α x(t), z(−1) = 0', () => {
    // T = 3, B = 2, C = 2; trial 0 sees a step on channel 0, trial 1 a constant 2 on channel 1.
    const data = Float32Array.from([1, 0, 0, 2, 1, 0, 0, 2, 0, 0, 0, 2]);
    const traces = historyFeatures({ data, steps: 3, batchSize: 2, channels: 2 }, { timeConstants: [20, 100], dt: 20 });
    expect(traces.length).toBe(3 * 2 * 4);
    const at = (t: number, b: number, channel: number) => traces[(t * 2 + b) * 4 + channel];
    // τ = dt: the trace is the input itself.
    expect([at(0, 0, 0), at(1, 0, 0), at(2, 0, 0)]).toEqual([1, 1, 0]);
    // τ = 100 ms, α = 0.2: 0.2, 0.2·0.8 + 0.2 = 0.36, 0.36·0.8 = 0.288.
    expect(at(0, 0, 2)).toBeCloseTo(0.2, 6);
    expect(at(1, 0, 2)).toBeCloseTo(0.36, 6);
    expect(at(2, 0, 2)).toBeCloseTo(0.288, 6);
    // Constant 2 on trial 1, channel 1: 2·(1 − 0.8^(t+1)).
    for (let t = 0; t < 3; t++) expect(at(t, 1, 3)).toBeCloseTo(2 * (1 - 0.8 ** (t + 1)), 6);
    expect(at(2, 1, 2)).toBe(0);
  });

  it('is causal: changing a later input leaves earlier traces unchanged', () => {
    const data = Float32Array.from({ length: 10 * 3 }, (_, i) => Math.sin(i));
    const options = { timeConstants: [60, 400], dt: 20 };
    const before = historyFeatures({ data, steps: 10, batchSize: 1, channels: 3 }, options);
    const changed = data.slice();
    changed[7 * 3 + 1] += 5;
    const after = historyFeatures({ data: changed, steps: 10, batchSize: 1, channels: 3 }, options);
    expect(after.subarray(0, 7 * 6)).toEqual(before.subarray(0, 7 * 6));
    expect(after[7 * 6 + 1]).not.toBe(before[7 * 6 + 1]);
  });

  it('rejects time constants below dt, an empty list and a wrong shape', () => {
    const sequence = { data: new Float32Array(6), steps: 3, batchSize: 1, channels: 2 };
    expect(() => historyFeatures(sequence, { timeConstants: [10], dt: 20 })).toThrow(/≥ dt = 20, got 10/);
    expect(() => historyFeatures(sequence, { timeConstants: [], dt: 20 })).toThrow(/non-empty array/);
    expect(() => historyFeatures({ ...sequence, steps: 4 }, { timeConstants: [100], dt: 20 })).toThrow(
      /\[4, 2\] needs 8/,
    );
  });
});
