import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNativeEngine,
  type Engine,
  type JsonValue,
  loadModel,
  PARAMETER_NAMES,
  type RnnParameters,
} from '@molap/backend';
import { BASELINE_STRATEGIES, compare, createYang19Registry, type SequentialModel, sequential } from '@molap/baselines';
import {
  createStrategyRegistry,
  evaluationBatch,
  type LearningBudget,
  readStrategyDocument,
  type StrategyContext,
} from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L2_ID, L2_OPTIONS, L2Method, l2, strategies } from '../src/strategies.js';

const TINY_BUDGET: LearningBudget = { steps: 8, batchSize: 8, evalEvery: 4, evalTrials: 32, criterion: 0.9 };

let context: StrategyContext & { readonly engine: Engine };
beforeAll(async () => {
  context = { engine: await createNativeEngine({ threads: 1 }), tasks: createYang19Registry() };
});
afterAll(async () => {
  await context.engine.dispose();
});

async function withTemporaryDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-strategy-l2-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the plugin', () => {
  it('exports the strategies discovery reads, and a registry takes them next to the built-ins', () => {
    expect(strategies.map((s) => s.id)).toEqual([L2_ID]);
    const registry = createStrategyRegistry([...BASELINE_STRATEGIES, ...strategies]);
    expect(registry.get('lab/l2')).toBe(l2);
    expect(() => registry.get('lab/l3')).toThrow(/Did you mean 'lab\/l2'\?/);
  });

  it('rejects bad options before any work, naming the option', async () => {
    await expect(l2.create(context, { lambda: -1 })).rejects.toThrow(
      /lab\/l2 option lambda must be a finite number >= 0, got -1/,
    );
    expect(() => l2.checkOptions?.({ hiddenSize: 0 })).toThrow(/lab\/l2 option hiddenSize/);
  });
});

describe('the L2 method', () => {
  it('anchors at the parameters the last task ended at, and adds λ·(θ − θ*) from then on', async () => {
    await withTemporaryDir(async (dir) => {
      const model = (await l2.create(context, { hiddenSize: 8, lambda: 0.5 })) as SequentialModel;
      await model.learn(['fdgo'], TINY_BUDGET, { seed: 1 });
      await model.save(dir);
      await model.dispose();
      const method = new L2Method(L2_OPTIONS.resolve({ lambda: 0.5 }));
      const learned = (await loadModel(join(dir, 'network'))).parameters;
      expect(method.penaltyGradients(learned)).toBeUndefined();
      const document = await readStrategyDocument(dir, L2_ID);
      await method.load(join(dir, 'method'), (document.state as { method: { [key: string]: JsonValue } }).method);
      expect(method.anchor).toEqual(learned);
      const moved = Object.fromEntries(
        PARAMETER_NAMES.map((name) => [name, learned[name].map((value) => value + 0.25)]),
      ) as RnnParameters;
      const gradients = method.penaltyGradients(moved)!;
      for (const name of PARAMETER_NAMES) {
        expect(gradients[name]!.length, name).toBe(learned[name].length);
        for (const value of gradients[name]!) expect(value).toBeCloseTo(0.125, 5);
      }
    });
  });

  it('with λ = 0 is plain sequential fine-tuning, to the bit', async () => {
    const a = (await l2.create(context, { hiddenSize: 12, lambda: 0 })) as SequentialModel;
    const b = (await sequential.create(context, { hiddenSize: 12 })) as SequentialModel;
    expect(await a.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 3 })).toEqual(
      await b.learn(['fdgo', 'dm1'], TINY_BUDGET, { seed: 3 }),
    );
    await a.dispose();
    await b.dispose();
  });

  it('resumes a sequence exactly from its checkpoints, anchor included', async () => {
    await withTemporaryDir(async (dir) => {
      const tasks = ['fdgo', 'dm1', 'fdanti'];
      const options = { hiddenSize: 12, lambda: 1 };
      const straight = (await l2.create(context, options)) as SequentialModel;
      const expected = await straight.learn(tasks, TINY_BUDGET, { seed: 2 });
      const controller = new AbortController();
      const first = await l2.create(context, options);
      const partial = await first.learn(tasks, TINY_BUDGET, {
        seed: 2,
        checkpointDir: dir,
        signal: controller.signal,
        onProgress: (taskId) => {
          if (taskId === 'fdanti') controller.abort();
        },
      });
      expect(partial.map((record) => record.taskId)).toEqual(['fdgo', 'dm1']);
      await first.dispose();
      const second = await l2.load(join(dir, '001-dm1', 'done'), context);
      expect(second.learnedTasks()).toEqual(['fdgo', 'dm1']);
      await second.dispose();
      const resumed = (await l2.create(context, options)) as SequentialModel;
      expect(await resumed.learn(tasks, TINY_BUDGET, { seed: 2, checkpointDir: dir })).toEqual(expected);
      const batch = evaluationBatch(context.tasks.get('fdgo'), { trials: 8, seed: 3 });
      expect((await resumed.evaluate('fdgo', batch, { noiseSeed: 1 })).outputs).toEqual(
        (await straight.evaluate('fdgo', batch, { noiseSeed: 1 })).outputs,
      );
      await straight.dispose();
      await resumed.dispose();
    });
  });
});

describe('what it is for', () => {
  // Pro- then anti-saccade: the second task needs the opposite response. Seed 1 (24 units, 150 steps of 16
  // trials per task, 64 evaluation trials): sequential fdgo 0.97 → 0.08 (fdanti 0.59); l2 λ = 0.01: 0.97 →
  // 0.27 (fdanti 0.41); λ = 0.1: 0.97 → 0.78 (fdanti 0.00); λ = 1: 0.97 → 0.94 (fdanti 0.00). The penalty
  // trades the new task for the old one, as EWC and SI do on this pair.
  it('forgets the first task less than plain sequential fine-tuning', async () => {
    const budget = { steps: 150, batchSize: 16, evalEvery: 0, evalTrials: 64, criterion: 0.9 };
    const forgettingOf = async (model: SequentialModel) => {
      await model.learn(['fdgo', 'fdanti'], budget, { seed: 1 });
      const result = model.forgetting();
      await model.dispose();
      return result;
    };
    const plain = await forgettingOf((await sequential.create(context, { hiddenSize: 24 })) as SequentialModel);
    const anchored = await forgettingOf((await l2.create(context, { hiddenSize: 24, lambda: 1 })) as SequentialModel);
    expect(anchored[0].performanceAfterLearning).toBe(plain[0].performanceAfterLearning);
    expect(plain[0].forgetting).toBeGreaterThan(0.6);
    expect(anchored[0].forgetting).toBeLessThan(plain[0].forgetting - 0.3);
  });
});

describe('in a comparison', () => {
  it('is compared with the built-in baselines by the same harness', async () => {
    const table = await compare({
      strategies: [
        { strategy: 'sequential', options: { hiddenSize: 16 } },
        { strategy: L2_ID, options: { lambda: 1, hiddenSize: 16 } },
      ],
      registry: createStrategyRegistry([...BASELINE_STRATEGIES, l2]),
      tasks: ['fdgo', 'fdanti'],
      budget: TINY_BUDGET,
      seeds: [1],
      context: { engine: { engine: 'native', threads: 1 } },
      parallelism: 1,
    });
    expect(table.strategies.map((strategy) => strategy.name)).toEqual(['sequential', L2_ID]);
    expect(table.rows.map((row) => [row.strategy, row.taskId])).toEqual([
      ['sequential', 'fdgo'],
      ['sequential', 'fdanti'],
      [L2_ID, 'fdgo'],
      [L2_ID, 'fdanti'],
    ]);
  });
});
