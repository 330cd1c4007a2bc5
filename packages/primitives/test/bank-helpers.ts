/**
 * Small real corpora for module-bank tests: Yang tasks with 8-unit rings (37 inputs, 9 outputs) so modules
 * of a few units train in milliseconds per step.
 */
import { createNativeEngine, type Engine } from '@molap/backend';
import { YANG19_TASKS } from '@molap/tasks';
import { extractLatents, type LatentPrimitives, sampleCorpus } from '../src/index.js';

export const SMALL_TASK_OPTIONS = { ringSize: 8 } as const;
export const SMALL_CORPUS = [YANG19_TASKS.fdgo, YANG19_TASKS.delaygo, YANG19_TASKS.dm1];

/** CCA primitives of the small corpus (k latents). */
export function smallPrimitives(k = 2, seed = 3): LatentPrimitives {
  const sample = sampleCorpus({ tasks: SMALL_CORPUS, seed, trialsPerTask: 32, taskOptions: SMALL_TASK_OPTIONS });
  return extractLatents(sample, { k });
}

/** Pre-training options of a few milliseconds per module. */
export const TINY_TRAINING = {
  moduleSize: 4,
  steps: 6,
  batchSize: 4,
  evaluationTrials: 4,
  logEvery: 3,
} as const;

export function singleThreadEngine(): Promise<Engine> {
  return createNativeEngine({ threads: 1 });
}
