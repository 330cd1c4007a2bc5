import { createRng, createTaskRegistry, resolveTaskOptions, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { conditionGridBatch, normaliseTaskVariance, unitVarianceAcrossConditions } from '../src/task-variance.js';

describe('unitVarianceAcrossConditions', () => {
  it('averages the across-trial variance over the steps after the fixation period', () => {
    const registry = createTaskRegistry({ tasks: yang19 });
    const task = registry.get('fdgo');
    const batch = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'random', batchSize: 4, noise: false }));
    const { steps, batchSize } = batch;
    const n = 2;
    const states = new Float32Array(steps * batchSize * n);
    // Unit 0: trial b has value b at every step (variance across trials 1.25 at every step).
    // Unit 1: the same in all trials, so no variance; but a large value during fixation that must not count.
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batchSize; b++) {
        states[(t * batchSize + b) * n] = b;
        states[(t * batchSize + b) * n + 1] = t < batch.epochs.fix1.end[b] ? b * 100 : 3;
      }
    }
    const variance = unitVarianceAcrossConditions(states, batch, n);
    expect(variance[0]).toBeCloseTo(1.25, 6);
    expect(variance[1]).toBeCloseTo(0, 6);
    expect(() => unitVarianceAcrossConditions(states, batch, 3)).toThrow(/expected T·B·N/);
  });

  it('uses the deterministic test grid with input noise off', () => {
    const task = createTaskRegistry({ tasks: yang19 }).get('dm1');
    const a = conditionGridBatch(task);
    const b = conditionGridBatch(task);
    expect(a.inputs.every((value, i) => value === b.inputs[i])).toBe(true);
    expect(a.batchSize).toBe(100);
  });
});

describe('normaliseTaskVariance', () => {
  it('divides each active unit by its largest task variance and drops inactive units', () => {
    const { activeUnits, normalised } = normaliseTaskVariance([
      [2, 1, 0],
      [0.0001, 0.0002, 0],
      [0, 0, 4],
    ]);
    expect(activeUnits).toEqual([0, 2]);
    expect(normalised).toEqual([
      [1, 0.5, 0],
      [0, 0, 1],
    ]);
  });
});
