/** Multitask networks learning new tasks through their rule inputs only (`newTaskWeights: 'rule-inputs'`). */
import { join } from 'node:path';
import { createNativeEngine, loadModel } from '@molap/backend';
import { evaluationBatch, type StrategyContext } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMultitask, multitask } from '../src/multitask.js';
import { ruleColumnsOnly, ruleInputColumns } from '../src/rule-inputs.js';
import { createTestContext, TINY_BUDGET, TINY_NETWORK, withTemporaryDir } from './helpers.js';

let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

describe('multitask newTaskWeights', () => {
  it("'rule-inputs' changes only the new task's rule column and leaves noise-free trials of learned tasks bit-identical", async () => {
    await withTemporaryDir(async (dir) => {
      const pretrained = await multitask.create(context, TINY_NETWORK);
      await pretrained.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 3 });
      await pretrained.save(join(dir, 'pretrained'));
      await pretrained.dispose();

      const model = await loadMultitask(join(dir, 'pretrained'), context, { newTaskWeights: 'rule-inputs' });
      const before = await model.evaluate(
        'fdgo',
        evaluationBatch(context.tasks.get('fdgo'), { trials: 8, seed: 4, taskOptions: { noise: false } }),
        {
          noiseSeed: 1,
        },
      );
      const records = await model.learn(['reactgo'], TINY_BUDGET, { seed: 3 });
      const hidden = TINY_NETWORK.hiddenSize;
      expect(records[0].trainableParameters).toBe(hidden);
      expect(records[0].parameterUpdates).toBe(hidden * TINY_BUDGET.steps);
      expect(model.parameterCount().trainablePerTask).toEqual({
        fdgo: expect.any(Number),
        dm1: expect.any(Number),
        reactgo: hidden,
      });
      const after = await model.evaluate(
        'fdgo',
        evaluationBatch(context.tasks.get('fdgo'), { trials: 8, seed: 4, taskOptions: { noise: false } }),
        {
          noiseSeed: 1,
        },
      );
      expect(after.outputs).toEqual(before.outputs);

      await model.save(join(dir, 'after'));
      const old = (await loadModel(join(dir, 'pretrained', 'network'))).parameters;
      const now = (await loadModel(join(dir, 'after', 'network'))).parameters;
      const [column] = ruleInputColumns([context.tasks.get('reactgo')]);
      const inputs = 85;
      for (const name of ['recurrentWeights', 'recurrentBias', 'outputWeights', 'outputBias'] as const) {
        expect(now[name]).toEqual(old[name]);
      }
      let changed = 0;
      for (let i = 0; i < old.inputWeights.length; i++) {
        if (i % inputs === column) changed += old.inputWeights[i] === now.inputWeights[i] ? 0 : 1;
        else expect(now.inputWeights[i]).toBe(old.inputWeights[i]);
      }
      expect(changed).toBeGreaterThan(0);

      const kept = await multitask.load(join(dir, 'after'), context);
      expect(kept.parameterCount().trainablePerTask.reactgo).toBe(hidden);
      await kept.dispose();
      const reloaded = await loadMultitask(join(dir, 'after'), context, { newTaskWeights: 'all' });
      await expect(reloaded.learn(['reactgo'], TINY_BUDGET, { seed: 1 })).resolves.toHaveLength(1);
      expect(reloaded.parameterCount().trainablePerTask.reactgo).toBeGreaterThan(hidden);
      await reloaded.dispose();
      await expect(model.learn(['fdgo'], TINY_BUDGET, { seed: 1 })).rejects.toThrow(/new tasks only.*fdgo/);
      await model.dispose();
    });
  });

  it("the first learn trains every weight, and loadMultitask refuses to change the network's options", async () => {
    await withTemporaryDir(async (dir) => {
      const model = await multitask.create(context, { ...TINY_NETWORK, newTaskWeights: 'rule-inputs' });
      const [record] = await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      expect(record.trainableParameters).toBe(model.parameterCount().total);
      await model.save(dir);
      await model.dispose();
      await expect(loadMultitask(dir, context, { hiddenSize: 8 } as never)).rejects.toThrow(/cannot change on load/);
      await expect(multitask.create(context, { newTaskWeights: 'rules' as never })).rejects.toThrow(/newTaskWeights/);
    });
  });

  it('ruleInputColumns names the rule unit of each task, and ruleColumnsOnly needs trainable input weights', async () => {
    expect(ruleInputColumns([context.tasks.get('fdgo'), context.tasks.get('reactgo')])).toEqual([65, 66]);
    const engine = await createNativeEngine({ threads: 1 });
    const config = {
      inputSize: 3,
      hiddenSize: 2,
      outputSize: 1,
      activation: 'softplus',
      outputActivation: 'sigmoid',
      alpha: 0.2,
      recurrentNoise: 0,
    } as const;
    const parameters = {
      inputWeights: new Float32Array(6),
      recurrentWeights: new Float32Array(4),
      recurrentBias: new Float32Array(2),
      outputWeights: new Float32Array(2),
      outputBias: new Float32Array(1),
    };
    const frozen = engine.createModel({ config, parameters, trainable: { inputWeights: false } });
    expect(() => ruleColumnsOnly(frozen, [0])).toThrow(/input weights train/);
    const model = engine.createModel({ config, parameters });
    expect(() => ruleColumnsOnly(model, [3])).toThrow(/out of range/);
    const view = ruleColumnsOnly(model, [2]);
    view.setParameters({ inputWeights: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    expect(model.getParameters().inputWeights).toEqual(Float32Array.from([0, 0, 3, 0, 0, 6]));
    frozen.dispose();
    model.dispose();
    await engine.dispose();
  });
});
