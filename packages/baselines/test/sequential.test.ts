import { evaluationBatch, type StrategyContext } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ewc, sequential } from '../src/ewc.js';
import { binaryContext, type PspModel, psp, scaleColumns } from '../src/psp.js';
import type { SequentialModel } from '../src/sequential.js';
import { createTestContext, TINY_BUDGET, withTemporaryDir } from './helpers.js';

let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

describe('ewc', () => {
  // Pro- then anti-saccade: learning fdanti overwrites fdgo unless the weights fdgo relies on are held.
  // Figures for seed 1 (24 units, 150 steps of 16 trials per task, λ = 1e4, 64 evaluation trials):
  // sequential fdgo 0.97 → 0.08 (fdanti 0.59), ewc fdgo 0.97 → 0.64 (fdanti 0.03: at this λ the penalty
  // also blocks most of the conflicting task). Seeds 2 and 3: forgetting 0.88 vs 0.03, 0.98 vs 0.59.
  const budget = { steps: 150, batchSize: 16, evalEvery: 0, evalTrials: 64, criterion: 0.9 };

  it('forgets the first task less than plain sequential fine-tuning', async () => {
    const forgettingOf = async (model: SequentialModel) => {
      await model.learn(['fdgo', 'fdanti'], budget, { seed: 1 });
      const result = model.forgetting();
      await model.dispose();
      return result;
    };
    const plain = await forgettingOf((await sequential.create(context, { hiddenSize: 24 })) as SequentialModel);
    const consolidated = await forgettingOf((await ewc.create(context, { hiddenSize: 24 })) as SequentialModel);
    expect(plain[0].performanceAfterLearning).toBeGreaterThan(0.9);
    expect(consolidated[0].performanceAfterLearning).toBe(plain[0].performanceAfterLearning);
    expect(plain[1].performanceAfterLearning).toBeGreaterThan(0.5);
    expect(plain[0].forgetting).toBeGreaterThan(0.6);
    expect(consolidated[0].forgetting).toBeLessThan(plain[0].forgetting - 0.3);
    expect(plain[1].forgetting).toBe(0);
  }, 120_000);

  it('resumes a sequence exactly from its checkpoints, Fisher information included', async () => {
    await withTemporaryDir(async (dir) => {
      const tasks = ['fdgo', 'dm1', 'fdanti'];
      const options = { hiddenSize: 12, fisherBatches: 4 };
      const straight = (await ewc.create(context, options)) as SequentialModel;
      const expected = await straight.learn(tasks, TINY_BUDGET, { seed: 2 });
      const controller = new AbortController();
      const first = await ewc.create(context, options);
      const partial = await first.learn(tasks, TINY_BUDGET, {
        seed: 2,
        checkpointDir: dir,
        signal: controller.signal,
        onProgress: (taskId, point) => {
          if (taskId === 'fdanti' && point.step > 0) controller.abort();
        },
      });
      expect(partial.map((r) => r.taskId)).toEqual(['fdgo', 'dm1']);
      await first.dispose();
      const second = (await ewc.create(context, options)) as SequentialModel;
      expect(await second.learn(tasks, TINY_BUDGET, { seed: 2, checkpointDir: dir })).toEqual(expected);
      expect(second.retention()).toEqual(straight.retention());
      const batch = evaluationBatch(context.tasks.get('fdgo'), { trials: 8, seed: 3 });
      const a = await straight.evaluate('fdgo', batch, { noiseSeed: 1 });
      const b = await second.evaluate('fdgo', batch, { noiseSeed: 1 });
      expect(b.outputs).toEqual(a.outputs);
      await straight.dispose();
      await second.dispose();
    });
  });
});

describe('psp', () => {
  it('draws a ±1 context per task and maps weights through it and back exactly', () => {
    const context1 = binaryContext(1000, 1);
    expect(context1.every((v) => v === 1 || v === -1)).toBe(true);
    const plus = context1.filter((v) => v === 1).length;
    expect(plus).toBeGreaterThan(430);
    expect(plus).toBeLessThan(570);
    expect(binaryContext(1000, 1)).toEqual(context1);
    const matrix = Float32Array.from({ length: 6 }, (_, i) => i + 0.5);
    const context2 = Float32Array.from([1, -1, -1]);
    expect(Array.from(scaleColumns(matrix, context2))).toEqual([0.5, -1.5, -2.5, 3.5, -4.5, -5.5]);
    expect(scaleColumns(scaleColumns(matrix, context2), context2)).toEqual(matrix);
  });

  it('learns tasks in sequence through their contexts and reports forgetting', async () => {
    const model = (await psp.create(context, { hiddenSize: 16, superposed: ['recurrent', 'readout'] })) as PspModel;
    const records = await model.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 4 });
    const fdgo = model.contexts('fdgo');
    const dm1 = model.contexts('dm1');
    expect(Object.keys(fdgo).sort()).toEqual(['readout', 'recurrent']);
    expect(fdgo.recurrent).toHaveLength(16);
    expect(fdgo.recurrent).not.toEqual(dm1.recurrent);
    expect(fdgo.recurrent).not.toEqual(fdgo.readout);
    const forgetting = model.forgetting();
    expect(forgetting.map((f) => f.performanceAfterLearning)).toEqual(records.map((r) => r.performance));
    expect(forgetting[1].forgetting).toBe(0);
    expect(() => model.contexts('reactgo')).toThrow(/not been learned/);
    await model.dispose();
    const replicate = (await psp.create(context, { hiddenSize: 16 })) as PspModel;
    await replicate.learn(['fdgo'], { ...TINY_BUDGET, steps: 1 }, { seed: 5 });
    expect(replicate.contexts('fdgo').recurrent).not.toEqual(fdgo.recurrent);
    await replicate.dispose();
  });

  it('rejects unknown layers', async () => {
    await expect(psp.create(context, { superposed: ['hidden' as never] })).rejects.toThrow(/superposed must be/);
  });
});
