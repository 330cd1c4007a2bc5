/**
 * Shared settings of the analysis tests: a one-thread native engine, the Yang tasks, tiny networks and
 * budgets, and a real tiny analysis run (three baselines, two corpus tasks and a held-out one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeEngine } from '@molap/backend';
import { createYang19Registry, ewc, independent, multitask } from '@molap/baselines';
import { molap, PRETRAINED_BANK_INPUT, RANDOM_BANK_INPUT, randomModules } from '@molap/composer';
import type { LearningBudget, ModelCreation, StrategyContext } from '@molap/core';
import { bankLayout, buildModuleBank, createRandomModuleBank } from '@molap/primitives';
import { type AnalyseOptions, type AnalysisOutput, analyseModels } from '../src/analyse.js';
import { strategyModel } from '../src/models.js';
import { inputNoise, moduleLesion, recurrentWeightNoise, stateNoise, unitSilencing } from '../src/perturbations.js';

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

/** Tiny module banks: 4 modules of 4 units (16 units, as the baselines), a few pre-training steps. */
const TINY_BANK = { k: 4, moduleSize: 4 } as const;

/**
 * The options of the tiny run: MoLaP (bank pre-trained on the corpus only), random-modules, multitask (with
 * its rule-inputs variant), independent and ewc.
 */
export function tinyRunOptions(context: StrategyContext, workDir?: string): AnalyseOptions {
  const banks = new Map<number, ReturnType<typeof buildModuleBank>>();
  const bank = ({ seed, corpus }: ModelCreation) => {
    if (!banks.has(seed)) {
      banks.set(
        seed,
        buildModuleBank({
          tasks: corpus.map((id) => context.tasks.get(id)),
          seed,
          engine: context.engine,
          moduleSize: TINY_BANK.moduleSize,
          steps: 8,
          batchSize: 8,
          evaluationTrials: 8,
          corpus: { trialsPerTask: 32 },
          latents: { k: TINY_BANK.k },
        }),
      );
    }
    return banks.get(seed)!.then((value) => ({ [PRETRAINED_BANK_INPUT]: value }));
  };
  return {
    models: [
      strategyModel(molap, context, { inputs: bank }),
      strategyModel(randomModules, context, {
        inputs: async ({ seed, corpus }) => ({
          [RANDOM_BANK_INPUT]: createRandomModuleBank({
            layout: bankLayout(context.tasks.get(corpus[0])),
            seed,
            ...TINY_BANK,
          }),
        }),
      }),
      strategyModel(multitask, context, { options: TINY_NETWORK }),
      strategyModel(independent, context, { options: TINY_NETWORK }),
      strategyModel(ewc, context, { options: { ...TINY_NETWORK, fisherBatches: 4 } }),
    ],
    registry: context.tasks,
    tasks: ['fdgo', 'dm1', 'reactgo'],
    heldOut: ['reactgo'],
    seeds: [1, 2],
    budget: TINY_BUDGET,
    preset: 'test-tiny',
    analysisTrials: 16,
    perturbations: [
      { spec: recurrentWeightNoise, magnitudes: [0, 0.5, 1], draws: 2 },
      { spec: unitSilencing, magnitudes: [0, 0.25, 0.5], draws: 2 },
      { spec: inputNoise, magnitudes: [0, 3] },
      { spec: stateNoise, magnitudes: [0, 3] },
      { spec: moduleLesion },
    ],
    ...(workDir ? { workDir } : {}),
  };
}

/** Runs the tiny analysis in a fresh context, with some options changed. */
export async function runTinyAnalysis(changes: Partial<AnalyseOptions> = {}): Promise<AnalysisOutput> {
  const context = await createTestContext();
  try {
    return await analyseModels({ ...tinyRunOptions(context), ...changes });
  } finally {
    await context.engine.dispose();
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
