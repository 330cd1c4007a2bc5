/** Shared tiny settings for the baselines tests: a one-thread native engine, the Yang registry, small budgets. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeEngine, type Engine } from '@molap/backend';
import type { LearningBudget, StrategyContext } from '@molap/core';
import { createYang19Registry } from '../src/compare.js';

/** A few steps of 8 trials; evaluation on 32 trials. */
export const TINY_BUDGET: LearningBudget = { steps: 8, batchSize: 8, evalEvery: 4, evalTrials: 32, criterion: 0.9 };

/** A 16-unit network. */
export const TINY_NETWORK = { hiddenSize: 16 } as const;

export async function createTestContext(): Promise<StrategyContext & { readonly engine: Engine }> {
  return { engine: await createNativeEngine({ threads: 1 }), tasks: createYang19Registry() };
}

export async function withTemporaryDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-baselines-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
