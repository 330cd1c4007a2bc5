import { evaluationBatch } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequential } from '../src/ewc.js';
import type { SequentialModel } from '../src/sequential.js';
import { si } from '../src/si.js';
import type { StrategyContext } from '../src/strategy.js';
import { createTestContext, TINY_BUDGET, withTemporaryDir } from './helpers.js';

let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

describe('si', () => {
  // Pro- then anti-saccade, as the EWC test. Seed 1 (24 units, 150 steps of 16 trials per task, 64 evaluation
  // trials): sequential fdgo 0.97 → 0.08 (fdanti 0.59); si c = 10: fdgo 0.97 → 0.94, fdanti 0.00 (the penalty
  // holds the weights the conflicting task needs, as EWC at λ = 1e4 does); c = 1: fdgo → 0.28, fdanti 0.34;
  // c = 100: fdgo → 0.91, fdanti 0.00.
  const budget = { steps: 150, batchSize: 16, evalEvery: 0, evalTrials: 64, criterion: 0.9 };

  it('forgets the first task less than plain sequential fine-tuning', async () => {
    const forgettingOf = async (model: SequentialModel) => {
      await model.learn(['fdgo', 'fdanti'], budget, { seed: 1 });
      const result = model.forgetting();
      await model.dispose();
      return result;
    };
    const plain = await forgettingOf((await sequential.create(context, { hiddenSize: 24 })) as SequentialModel);
    const consolidated = await forgettingOf((await si.create(context, { hiddenSize: 24, c: 10 })) as SequentialModel);
    expect(consolidated[0].performanceAfterLearning).toBe(plain[0].performanceAfterLearning);
    expect(plain[0].forgetting).toBeGreaterThan(0.6);
    expect(consolidated[0].forgetting).toBeLessThan(plain[0].forgetting - 0.3);
  }, 120_000);

  it('with c = 0 is plain sequential fine-tuning, to the bit', async () => {
    const a = (await si.create(context, { hiddenSize: 12, c: 0 })) as SequentialModel;
    const b = (await sequential.create(context, { hiddenSize: 12 })) as SequentialModel;
    expect(await a.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 3 })).toEqual(
      await b.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 3 }),
    );
    await a.dispose();
    await b.dispose();
  });

  it('resumes a sequence exactly from its checkpoints at task boundaries, importance included', async () => {
    await withTemporaryDir(async (dir) => {
      const tasks = ['fdgo', 'dm1', 'fdanti'];
      const options = { hiddenSize: 12 };
      const straight = (await si.create(context, options)) as SequentialModel;
      const expected = await straight.learn(tasks, TINY_BUDGET, { seed: 2 });
      const controller = new AbortController();
      const first = await si.create(context, options);
      const partial = await first.learn(tasks, TINY_BUDGET, {
        seed: 2,
        checkpointDir: dir,
        signal: controller.signal,
        onProgress: (taskId) => {
          if (taskId === 'fdanti') controller.abort();
        },
      });
      expect(partial.map((r) => r.taskId)).toEqual(['fdgo', 'dm1']);
      await first.dispose();
      const second = (await si.create(context, options)) as SequentialModel;
      expect(await second.learn(tasks, TINY_BUDGET, { seed: 2, checkpointDir: dir })).toEqual(expected);
      const batch = evaluationBatch(context.tasks.get('fdgo'), { trials: 8, seed: 3 });
      const a = await straight.evaluate('fdgo', batch, { noiseSeed: 1 });
      const b = await second.evaluate('fdgo', batch, { noiseSeed: 1 });
      expect(b.outputs).toEqual(a.outputs);
      await straight.dispose();
      await second.dispose();
    });
  });

  it('saves and loads its importance', async () => {
    await withTemporaryDir(async (dir) => {
      const model = (await si.create(context, { hiddenSize: 12 })) as SequentialModel;
      await model.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 4 });
      await model.save(dir);
      const loaded = (await si.load(dir, context)) as SequentialModel;
      const more = await loaded.learn(['fdanti'], TINY_BUDGET, { seed: 4 });
      expect(more).toEqual(await model.learn(['fdanti'], TINY_BUDGET, { seed: 4 }));
      const batch = evaluationBatch(context.tasks.get('fdgo'), { trials: 8, seed: 3 });
      expect((await loaded.evaluate('fdgo', batch, { noiseSeed: 1 })).outputs).toEqual(
        (await model.evaluate('fdgo', batch, { noiseSeed: 1 })).outputs,
      );
      await model.dispose();
      await loaded.dispose();
    });
  });

  it('rejects bad options', async () => {
    await expect(si.create(context, { c: -1 })).rejects.toThrow(/si option c must be a finite number >= 0, got -1/);
    await expect(si.create(context, { xi: 0 })).rejects.toThrow(/si option xi must be a finite number > 0, got 0/);
  });
});
