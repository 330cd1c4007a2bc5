import { describe, expect, it } from 'vitest';
import {
  createRng,
  createTaskSampler,
  maskedSquaredError,
  performance,
  resolveTaskOptions,
  YANG19_RULE_WEIGHTS,
  YANG19_TASKS,
  yang19,
} from '../src/index.js';

describe('the README "Use" example', () => {
  it('runs as written', () => {
    const task = YANG19_TASKS.delayanti;
    const batch = task.generate(createRng(42), resolveTaskOptions(task, { batchSize: 64 }));
    expect(batch.inputs.length).toBe(batch.steps * 64 * 85);
    expect(batch.targets.length).toBe(batch.steps * 64 * 33);
    const sampler = createTaskSampler({ tasks: yang19, weights: YANG19_RULE_WEIGHTS, seed: 1 });
    const step = sampler.batch(1234);
    const outputs = new Float32Array(step.targets.length);
    expect(performance(outputs, step).mean).toBeGreaterThanOrEqual(0);
    expect(maskedSquaredError(outputs, step)).toBeGreaterThan(0);
  });
});
