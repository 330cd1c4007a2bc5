import { createRng, createTaskRegistry, resolveTaskOptions, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import {
  batchTrials,
  conditionGridBatch,
  normaliseTaskVariance,
  taskVariance,
  unitVarianceAcrossConditions,
} from '../src/task-variance.js';
import { countingPasses, createTestContext, tinyDenseAndModular } from './helpers.js';

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

describe('taskVariance', () => {
  it('runs a grid 32 trials at a time, with the same variances as one pass over the whole grid', async () => {
    const context = await createTestContext();
    const tasks = ['dm1', 'fdgo'].map((id) => context.tasks.get(id)); // grids of 100 trials (3 × 32 + 4) and of 40 (32 + 8)
    const models = await tinyDenseAndModular(context);
    try {
      for (const model of models) {
        const passes: number[] = []; // trials of each evaluation pass
        const watched = countingPasses(model, passes);
        const result = await taskVariance(watched, { tasks });
        expect(passes).toEqual([32, 32, 32, 4, 32, 8]);
        const whole = [];
        for (const task of tasks) {
          const grid = conditionGridBatch(task);
          const { states } = await model.evaluate(task.id, grid, {
            noiseSeed: 0,
            perturbation: { kind: 'state-noise', scale: 0 },
            keepStates: true,
          });
          whole.push(unitVarianceAcrossConditions(states!, grid, model.hiddenSize));
        }
        expect(result.variance).toEqual(
          Array.from({ length: model.hiddenSize }, (_, unit) => whole.map((column) => column[unit])),
        );
        expect(result.variance.some((row) => row[0] > 0)).toBe(true);
      }
    } finally {
      for (const model of models) await model.dispose();
      await context.engine.dispose();
    }
  });

  it('cuts out a range of trials as a batch of its own', () => {
    const task = createTaskRegistry({ tasks: yang19 }).get('dm1');
    const grid = conditionGridBatch(task);
    const part = batchTrials(grid, 64, 100);
    expect(part.batchSize).toBe(36);
    expect(part.steps).toBe(grid.steps);
    const t = 30;
    const row = (batch: typeof grid, b: number) =>
      Array.from(
        batch.inputs.subarray(
          (t * batch.batchSize + b) * batch.inputSize,
          (t * batch.batchSize + b + 1) * batch.inputSize,
        ),
      );
    expect(row(part, 5)).toEqual(row(grid, 69));
    expect(part.trialSteps[5]).toBe(grid.trialSteps[69]);
    expect(part.epochs.fix1.end[5]).toBe(grid.epochs.fix1.end[69]);
    expect(part.targetAngle[t * 36 + 5]).toBe(grid.targetAngle[t * 100 + 69]);
  });
});
