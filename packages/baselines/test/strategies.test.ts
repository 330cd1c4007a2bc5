/** The MultiTaskModel contract, run on every built-in strategy. */
import {
  evaluationBatch,
  evaluationNoiseSeed,
  type MultiTaskModel,
  type Perturbation,
  type StrategyContext,
} from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE_STRATEGIES } from '../src/builtins.js';
import { createTestContext, TINY_BUDGET, TINY_NETWORK, withTemporaryDir } from './helpers.js';

const TASKS = ['fdgo', 'dm1'];
let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

const PERTURBATIONS: Perturbation[] = [
  { kind: 'recurrent-weight-noise', sigma: 0.5, seed: 1 },
  { kind: 'unit-silencing', fraction: 0.5, seed: 2 },
  { kind: 'input-noise', scale: 4 },
  { kind: 'state-noise', scale: 4 },
  { kind: 'readout-noise', sigma: 1, seed: 3 },
];

describe.each(BASELINE_STRATEGIES.map((strategy) => [strategy.id, strategy] as const))('%s', (name, strategy) => {
  let model: MultiTaskModel;
  const batch = () => evaluationBatch(context.tasks.get('dm1'), { trials: 16, seed: 99 });

  beforeAll(async () => {
    model = await strategy.create(context, TINY_NETWORK);
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('learns the tasks and returns one record per task, deterministically', async () => {
    expect(model.strategy).toBe(name);
    expect(model.learnedTasks()).toEqual([]);
    const records = await model.learn(TASKS, TINY_BUDGET, { seed: 1 });
    expect(records.map((r) => r.taskId)).toEqual(TASKS);
    expect(model.learnedTasks()).toEqual(TASKS);
    for (const record of records) {
      expect(record.curve.length).toBeGreaterThan(1);
      expect(record.parameterUpdates).toBe(record.trainableParameters * record.steps);
      expect(record.performance).toBe(record.curve[record.curve.length - 1].performance);
    }
    const steps = records.reduce((sum, r) => sum + r.steps, 0);
    expect(steps).toBe(strategy.meta.schedule === 'interleaved' ? TINY_BUDGET.steps : TINY_BUDGET.steps * TASKS.length);
    const twin = await strategy.create(context, TINY_NETWORK);
    expect(await twin.learn(TASKS, TINY_BUDGET, { seed: 1 })).toEqual(records);
    await twin.dispose();
  });

  it('evaluates without changing the model, perturbed or not', async () => {
    const options = { noiseSeed: 5 };
    const first = await model.evaluate('dm1', batch(), { ...options, keepStates: true });
    expect(first.states).toHaveLength((first.outputs.length / 33) * model.hiddenSize);
    for (const perturbation of PERTURBATIONS) {
      const perturbed = await model.evaluate('dm1', batch(), { ...options, perturbation });
      expect(perturbed.outputs).not.toEqual(first.outputs);
    }
    const again = await model.evaluate('dm1', batch(), options);
    expect(again.outputs).toEqual(first.outputs);
    expect(again.performance).toBe(first.performance);
    await expect(
      model.evaluate('dm1', batch(), { ...options, perturbation: { kind: 'module-lesion', modules: [0] } }),
    ).rejects.toThrow(/modular models only/);
    await expect(model.evaluate('reactgo', batch(), options)).rejects.toThrow(/has not been learned/);
  });

  it('matches the end of its learning curve when evaluated on the same trials', async () => {
    if (strategy.meta.schedule === 'sequential') return; // earlier tasks may have been forgotten since
    const task = context.tasks.get('fdgo');
    const fixed = evaluationBatch(task, { trials: TINY_BUDGET.evalTrials, seed: 1 });
    const twin = await strategy.create(context, TINY_NETWORK);
    const records = await twin.learn(TASKS, TINY_BUDGET, { seed: 1 });
    const result = await twin.evaluate('fdgo', fixed, { noiseSeed: evaluationNoiseSeed(1, 'fdgo') });
    expect(result.performance).toBe(records[0].performance);
    expect(result.loss).toBeCloseTo(records[0].loss, 6);
    await twin.dispose();
  });

  it('counts its parameters', () => {
    const count = model.parameterCount();
    expect(Object.keys(count.trainablePerTask)).toEqual(TASKS);
    expect(count.bytes).toBe(4 * count.total);
    const dense = 16 * 85 + 16 * 16 + 16 + 33 * 16 + 33;
    expect(count.total).toBe(name === 'independent' ? 2 * dense : dense);
    expect(count.trainablePerTask.fdgo).toBe(dense);
  });

  it('saves and loads to the same evaluations', async () => {
    await withTemporaryDir(async (dir) => {
      await model.save(dir);
      const loaded = await strategy.load(dir, context);
      expect(loaded.learnedTasks()).toEqual(TASKS);
      for (const id of TASKS) {
        const a = await model.evaluate(id, batch(), { noiseSeed: 8 });
        const b = await loaded.evaluate(id, batch(), { noiseSeed: 8 });
        expect(b.outputs).toEqual(a.outputs);
      }
      expect(loaded.parameterCount()).toEqual(model.parameterCount());
      await loaded.dispose();
      await expect(BASELINE_STRATEGIES.find((s) => s.id !== name)!.load(dir, context)).rejects.toThrow(
        new RegExp(`holds a '${name}' model`),
      );
    });
  });

  it('rejects unknown and bad options with the option name', async () => {
    await expect(strategy.create(context, { hiddenSiz: 3 } as never)).rejects.toThrow(
      new RegExp(`unknown ${name} option 'hiddenSiz'. Did you mean 'hiddenSize'\\?`),
    );
    await expect(strategy.create(context, { hiddenSize: 0 })).rejects.toThrow(/hiddenSize must be a positive integer/);
  });
});

describe('independent checkpoints', () => {
  it('resumes after an interruption without retraining finished tasks', async () => {
    const { independent } = await import('../src/independent.js');
    await withTemporaryDir(async (dir) => {
      const straight = await independent.create(context, TINY_NETWORK);
      const expected = await straight.learn(TASKS, TINY_BUDGET, { seed: 3 });
      const controller = new AbortController();
      const first = await independent.create(context, TINY_NETWORK);
      const partial = await first.learn(TASKS, TINY_BUDGET, {
        seed: 3,
        checkpointDir: dir,
        signal: controller.signal,
        onProgress: (taskId, point) => {
          if (taskId === 'dm1' && point.step > 0) controller.abort();
        },
      });
      expect(partial.map((r) => r.taskId)).toEqual(['fdgo']);
      await first.dispose();
      const second = await independent.create(context, TINY_NETWORK);
      expect(await second.learn(TASKS, TINY_BUDGET, { seed: 3, checkpointDir: dir })).toEqual(expected);
      const batch = evaluationBatch(context.tasks.get('dm1'), { trials: 8, seed: 1 });
      expect((await second.evaluate('dm1', batch, { noiseSeed: 2 })).outputs).toEqual(
        (await straight.evaluate('dm1', batch, { noiseSeed: 2 })).outputs,
      );
      await straight.dispose();
      await second.dispose();
    });
  });
});
