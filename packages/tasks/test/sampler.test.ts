import { describe, expect, it } from 'vitest';
import { createTaskSampler, InvalidOptionError, YANG19_RULE_WEIGHTS, YANG19_TASKS, yang19 } from '../src/index.js';
import { sameBits } from './batch-helpers.js';

describe('createTaskSampler', () => {
  it('uses the Yang rule weights: contextdm1/2 at 5/28, the others at 1/28', () => {
    const sampler = createTaskSampler({ tasks: yang19, weights: YANG19_RULE_WEIGHTS, seed: 1 });
    expect(sampler.probabilities[8]).toBeCloseTo(5 / 28, 15);
    expect(sampler.probabilities[9]).toBeCloseTo(5 / 28, 15);
    expect(sampler.probabilities[0]).toBeCloseTo(1 / 28, 15);
    expect(sampler.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 14);
    const counts = new Array(20).fill(0);
    const steps = 5600;
    for (let s = 0; s < steps; s++) counts[sampler.taskIndexAt(s)]++;
    const chi2 = counts.reduce(
      (acc, c, i) => acc + (c - steps * sampler.probabilities[i]) ** 2 / (steps * sampler.probabilities[i]),
      0,
    );
    expect(chi2).toBeLessThan(43.8); // χ²(19), p = 0.001
  });

  it('makes the batch of a step a pure function of (seed, step)', () => {
    const options = { batchSize: 8 };
    const a = createTaskSampler({ tasks: yang19, seed: 42, options });
    const b = createTaskSampler({ tasks: yang19, seed: 42, options });
    const later = a.batch(7);
    const first = a.batch(3);
    expect(sameBits(b.batch(3).inputs, first.inputs)).toBe(true);
    expect(sameBits(b.batch(7).inputs, later.inputs)).toBe(true);
    expect(sameBits(a.batch(3).inputs, first.inputs)).toBe(true);
    expect(first.taskId).toBe(yang19[a.taskIndexAt(3)].id);
    expect(first.batchSize).toBe(8);
    const other = createTaskSampler({ tasks: yang19, seed: 43, options });
    const differs = [0, 1, 2, 3].some((s) => !sameBits(other.batch(s).inputs, a.batch(s).inputs));
    expect(differs).toBe(true);
  });

  it('never picks a task of weight 0 and accepts weights by id', () => {
    const tasks = [YANG19_TASKS.fdgo, YANG19_TASKS.dm1, YANG19_TASKS.dmsgo];
    const sampler = createTaskSampler({ tasks, weights: [1, 0, 3], seed: 0 });
    const picked = new Set(Array.from({ length: 400 }, (_, s) => sampler.taskIndexAt(s)));
    expect(picked).toEqual(new Set([0, 2]));
    const byId = createTaskSampler({ tasks, weights: { dmsgo: 2 }, seed: 0 });
    expect(byId.probabilities).toEqual([0.25, 0.25, 0.5]);
  });

  it('rejects bad arguments with the fix', () => {
    const tasks = [YANG19_TASKS.fdgo, YANG19_TASKS.dm1];
    const make = (extra: Record<string, unknown>) => () => createTaskSampler({ tasks, seed: 1, ...extra });
    expect(make({ tasks: [] })).toThrow(/non-empty array of tasks/);
    expect(make({ tasks: [YANG19_TASKS.fdgo, YANG19_TASKS.fdgo] })).toThrow(/listed twice/);
    expect(make({ weights: [1] })).toThrow(/one weight per task \(2\)/);
    expect(make({ weights: [1, -1] })).toThrow(/weights\[1\]: -1/);
    expect(make({ weights: [0, 0] })).toThrow(/weight > 0/);
    expect(make({ weights: { contextdm1: 5 } })).toThrow(/weights.contextdm1: 5. No task 'contextdm1' in tasks/);
    expect(make({ options: { dt: -1 } })).toThrow(InvalidOptionError);
    expect(make({ seed: 0.5 })).toThrow(/seed/);
    expect(() => createTaskSampler({ tasks, seed: 1 }).batch(-1)).toThrow(/step: -1/);
  });
});
