import { describe, expect, it } from 'vitest';
import {
  createRng,
  mixBatches,
  performance,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  YANG19_TASKS,
} from '../src/index.js';
import { angleAt, input, maskAt, target } from './batch-helpers.js';

const generate = (task: Task, seed: number, options: Partial<TaskOptions> = {}) =>
  task.generate(createRng(seed), resolveTaskOptions(task, { batchSize: 3, noise: false, ...options }));

describe('mixBatches', () => {
  const short = generate(YANG19_TASKS.dm1, 1); // 50–124 steps
  const long = generate(YANG19_TASKS.delaydm2, 2, { mode: 'test' }); // 150 steps, 100 trials
  const mixed = mixBatches([short, long]);

  it('aligns trials at step 0, pads with zeros, mask 0 and target angle −1', () => {
    expect(mixed.steps).toBe(Math.max(short.steps, long.steps));
    expect(mixed.batchSize).toBe(103);
    expect(Array.from(mixed.trialSteps.subarray(0, 3))).toEqual(Array.from(short.trialSteps));
    expect(mixed.trialTasks?.slice(0, 4)).toEqual(['dm1', 'dm1', 'dm1', 'delaydm2']);
    expect(mixed.taskId).toBe('dm1+delaydm2');
    let copied = 0;
    let padded = 0;
    for (let t = 0; t < mixed.steps; t++) {
      for (let b = 0; b < 3; b++) {
        if (t < short.steps) {
          const same =
            input(mixed, t, b, 0) === input(short, t, b, 0) &&
            input(mixed, t, b, 71) === input(short, t, b, 71) &&
            input(mixed, t, b, 10) === input(short, t, b, 10) &&
            target(mixed, t, b, 5) === target(short, t, b, 5) &&
            maskAt(mixed, t, b, 0) === maskAt(short, t, b, 0) &&
            angleAt(mixed, t, b) === angleAt(short, t, b);
          if (same) copied++;
        } else if (
          input(mixed, t, b, 71) === 0 &&
          target(mixed, t, b, 0) === 0 &&
          maskAt(mixed, t, b, 3) === 0 &&
          angleAt(mixed, t, b) === -1
        ) {
          padded++;
        }
      }
      if (input(mixed, t, 3 + 57, 0) !== input(long, t, 57, 0)) copied = -1e9;
    }
    expect(copied).toBe(3 * short.steps);
    expect(padded).toBe(3 * (mixed.steps - short.steps));
    expect(mixed.epochs.stim2.start[0]).toBe(-1);
    expect(mixed.epochs.stim2.start[3]).toBe(long.epochs.stim2.start[0]);
    expect(mixed.epochs.stim1.end[1]).toBe(short.epochs.stim1.end[1]);
  });

  it('judges each trial at its own last step', () => {
    const perfect = performance(mixed.targets, mixed);
    expect(perfect.mean).toBe(1);
  });

  it('rejects batches with different layouts', () => {
    const small = generate(YANG19_TASKS.dm1, 1, { ringSize: 16 });
    expect(() => mixBatches([short, small])).toThrow(/batches\[1\].inputSize: 53. Every batch must have inputSize 85/);
    expect(() => mixBatches([])).toThrow(/non-empty/);
  });
});
