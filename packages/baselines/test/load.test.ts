import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStrategyRegistry, loadSavedModel, type StrategyContext } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaselineRegistry } from '../src/builtins.js';
import { multitask } from '../src/multitask.js';
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

  it('says what is wrong with a folder that holds no model', async () => {
    await withTemporaryDir(async (dir) => {
      await expect(loadSavedModel(dir, context, createBaselineRegistry())).rejects.toThrow(
        /strategy\.json cannot be read \(no such file\): it should hold a saved model/,
      );
      await writeFile(join(dir, 'strategy.json'), '{ nope');
      await expect(loadSavedModel(dir, context, createBaselineRegistry())).rejects.toThrow(
        /strategy\.json is not valid JSON at line 1, column 3/,
      );
    });
  });
});
