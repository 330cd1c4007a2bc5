import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMolap } from '@molap/composer';
import { bankLayout, createRandomModuleBank } from '@molap/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSavedModel } from '../src/load.js';
import { multitask } from '../src/multitask.js';
import { createStrategyRegistry } from '../src/registry.js';
import type { StrategyContext } from '../src/strategy.js';
import { createTestContext, TINY_BUDGET, TINY_NETWORK, withTemporaryDir } from './helpers.js';

let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

describe('loadSavedModel', () => {
  it('loads a saved strategy with the strategy its strategy.json names', async () => {
    await withTemporaryDir(async (dir) => {
      const model = await multitask.create(context, TINY_NETWORK);
      await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      await model.save(dir);
      const loaded = await loadSavedModel(dir, context);
      expect(loaded.strategy).toBe('multitask');
      expect(loaded.learnedTasks()).toEqual(['fdgo']);
      expect(loaded.parameterCount()).toEqual(model.parameterCount());
      await Promise.all([model.dispose(), loaded.dispose()]);
      await expect(loadSavedModel(dir, context, { registry: createStrategyRegistry() })).rejects.toThrow(
        /unknown strategy 'multitask'/,
      );
    });
  });

  it('loads a saved MoLaP system (here on random modules) with loadMolap', async () => {
    await withTemporaryDir(async (dir) => {
      const bank = createRandomModuleBank({
        layout: bankLayout(context.tasks.get('fdgo')),
        k: 2,
        moduleSize: 4,
        seed: 1,
      });
      const model = createMolap(bank, context);
      await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      await model.save(dir);
      const loaded = await loadSavedModel(dir, context);
      expect(loaded.strategy).toBe('random-modules');
      expect(loaded.modules).toEqual([4, 4]);
      expect(loaded.learnedTasks()).toEqual(['fdgo']);
      await Promise.all([model.dispose(), loaded.dispose()]);
    });
  });

  it('says what is wrong with a folder that holds no model', async () => {
    await withTemporaryDir(async (dir) => {
      await expect(loadSavedModel(dir, context)).rejects.toThrow(
        /holds no saved model \(neither molap\.json nor strategy\.json\)/,
      );
      await writeFile(join(dir, 'strategy.json'), '{ nope');
      await expect(loadSavedModel(dir, context)).rejects.toThrow(/strategy\.json is not valid JSON/);
    });
  });
});
