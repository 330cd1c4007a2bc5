import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStrategyRegistry, loadSavedModel, readStrategyDocument, type StrategyContext } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaselineRegistry } from '../src/builtins.js';
import { sequential } from '../src/ewc.js';
import { multitask } from '../src/multitask.js';
import { type ContinualMethod, SequentialModel } from '../src/sequential.js';
import { createTestContext, TINY_BUDGET, TINY_NETWORK, withTemporaryDir } from './helpers.js';

let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

describe('loadSavedModel on a baseline', () => {
  it('loads a saved strategy with the strategy its strategy.json names', async () => {
    await withTemporaryDir(async (dir) => {
      const model = await multitask.create(context, TINY_NETWORK);
      await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      await model.save(dir);
      const loaded = await loadSavedModel(dir, context, createBaselineRegistry());
      expect(loaded.strategy).toBe('multitask');
      expect(loaded.learnedTasks()).toEqual(['fdgo']);
      expect(loaded.parameterCount()).toEqual(model.parameterCount());
      await Promise.all([model.dispose(), loaded.dispose()]);
      await expect(loadSavedModel(dir, context, createStrategyRegistry())).rejects.toThrow(
        /unknown strategy 'multitask'/,
      );
    });
  });

  it("records the saving strategy's version (semver) and reads format-2 files, whose integer n is n.0.0", async () => {
    await withTemporaryDir(async (dir) => {
      const model = await multitask.create(context, TINY_NETWORK);
      await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      await model.save(dir);
      const path = join(dir, 'strategy.json');
      const saved = JSON.parse(await readFile(path, 'utf8'));
      expect(saved).toMatchObject({ formatVersion: 3, strategy: 'multitask', strategyVersion: multitask.version });
      await writeFile(path, JSON.stringify({ ...saved, formatVersion: 2, strategyVersion: 1 }));
      const loaded = await loadSavedModel(dir, context, createBaselineRegistry());
      expect(loaded.learnedTasks()).toEqual(['fdgo']);
      expect((await readStrategyDocument(dir)).strategyVersion).toBe('1.0.0');
      await Promise.all([model.dispose(), loaded.dispose()]);
    });
    // A strategy of one's own on SequentialModel: its models record its version, not a constant.
    const plain: ContinualMethod = {
      beginTask: () => {},
      toTask: (record) => ({ ...record }),
      fromTask: (record) => ({ ...record }),
      penaltyGradients: () => undefined,
      endTask: async () => {},
      save: async () => ({}),
      load: async () => {},
    };
    await withTemporaryDir(async (dir) => {
      const options = { ...sequential.defaults, ...TINY_NETWORK };
      const model = new SequentialModel({ id: 'lab/plain', version: '2.1.0' }, context, options, plain);
      await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      await model.save(dir);
      expect(await readStrategyDocument(dir, 'lab/plain')).toMatchObject({ strategyVersion: '2.1.0' });
      await model.dispose();
    });
  });

  it('says what is wrong with a folder that holds no model', async () => {
    await withTemporaryDir(async (dir) => {
      await expect(loadSavedModel(dir, context, createBaselineRegistry())).rejects.toThrow(
        /strategy\.json: cannot be read \(no such file\): it should hold a saved model/,
      );
      await writeFile(join(dir, 'strategy.json'), '{ nope');
      await expect(loadSavedModel(dir, context, createBaselineRegistry())).rejects.toThrow(
        /strategy\.json: is not valid JSON at line 1, column 3/,
      );
    });
  });
});
