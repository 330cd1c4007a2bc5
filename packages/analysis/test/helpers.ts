/**
 * Shared settings of the analysis tests: a one-thread native engine, the Yang tasks, tiny networks and
 * budgets, and a real tiny analysis run (three baselines, two corpus tasks and a held-out one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeEngine } from '@molap/backend';
import { createYang19Registry } from '@molap/baselines';
import type { LearningBudget, MultiTaskModel, StrategyContext } from '@molap/core';

/** A few steps of 8 trials; evaluation on 32 trials. */
export const TINY_BUDGET: LearningBudget = { steps: 8, batchSize: 8, evalEvery: 4, evalTrials: 32, criterion: 0.9 };

/** A 16-unit network. */
export const TINY_NETWORK = { hiddenSize: 16 } as const;

export async function createTestContext(): Promise<StrategyContext> {
  return { engine: await createNativeEngine({ threads: 1 }), tasks: createYang19Registry() };
}

export async function withTemporaryDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-analysis-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether two float arrays hold the same values bit for bit (much faster than a deep equality on big arrays). */
export function sameFloats(a: Float32Array, b: Float32Array | undefined): boolean {
  return (
    b !== undefined &&
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

/**
 * A tiny multitask network and a tiny MoLaP model (3 random modules of 4 units) that learned dm1 and fdgo for a
 * few steps (seed 2): a dense and a modular model for tests that compare two ways of analysing the same one.
 */
export async function tinyDenseAndModular(context: StrategyContext): Promise<MultiTaskModel[]> {
  const { multitask } = await import('@molap/baselines');
  const { createMolap } = await import('@molap/composer');
  const { bankLayout, createRandomModuleBank } = await import('@molap/primitives');
  const models = [
    await multitask.create(context, TINY_NETWORK),
    await createMolap(
      createRandomModuleBank({ layout: bankLayout(context.tasks.get('fdgo')), k: 3, moduleSize: 4, seed: 5 }),
      context,
    ),
  ];
  for (const model of models) await model.learn(['dm1', 'fdgo'], TINY_BUDGET, { seed: 2 });
  return models;
}

/** `model`, with the batch size of every `evaluate` call recorded in `passes`. */
export function countingPasses(model: MultiTaskModel, passes: number[]): MultiTaskModel {
  return new Proxy(model, {
    get: (target, key) =>
      key === 'evaluate'
        ? (...args: Parameters<MultiTaskModel['evaluate']>) => {
            passes.push(args[1].batchSize);
            return target.evaluate(...args);
          }
        : Reflect.get(target, key),
  });
}
