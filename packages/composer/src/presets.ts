/**
 * Named presets of a whole MoLaP run: how the bank is built (corpus sample, latents, module pre-training)
 * and the per-task learning budget. The budgets equal `@molap/baselines`' presets of the same name, so MoLaP,
 * random modules and the baselines learn each task with the same trials.
 */

import type { LearningBudget } from '@molap/core';
import type { BuildModuleBankOptions, ModuleTrainingOptions, PretrainPresetName } from '@molap/primitives';
import type { MolapOptions } from './molap-options.js';

/** A MoLaP preset. */
export interface MolapPreset {
  /** Pre-training preset the module options start from. */
  readonly pretrainPreset: PretrainPresetName;
  /** Module training options over that preset. */
  readonly pretraining: Partial<ModuleTrainingOptions>;
  /** Corpus sampling of the latents. */
  readonly corpus: NonNullable<BuildModuleBankOptions['corpus']>;
  /** Latent extraction. */
  readonly latents: NonNullable<BuildModuleBankOptions['latents']>;
  /** MoLaP options of the task learning. */
  readonly molap: Partial<MolapOptions>;
  /** Per-task learning budget. */
  readonly budget: LearningBudget;
}

/** Names of the MoLaP presets. */
export type MolapPresetName = 'quick' | 'standard';

/**
 * - `quick`: under a minute on two cores for the nine-task corpus and eleven tasks; a smoke run.
 * - `standard`: the reported MoLaP results (defaults of every package; the baselines' standard budget:
 *   900 steps of 64 trials per task).
 */
export const MOLAP_PRESETS: Readonly<Record<MolapPresetName, MolapPreset>> = Object.freeze({
  quick: Object.freeze({
    pretrainPreset: 'quick' as const,
    pretraining: Object.freeze({}),
    corpus: Object.freeze({ trialsPerTask: 64 }),
    latents: Object.freeze({ k: 8 }),
    molap: Object.freeze({}),
    budget: Object.freeze({ steps: 20, batchSize: 16, evalEvery: 10, evalTrials: 64, criterion: 0.9 }),
  }),
  standard: Object.freeze({
    pretrainPreset: 'standard' as const,
    pretraining: Object.freeze({}),
    corpus: Object.freeze({}),
    latents: Object.freeze({ k: 8 }),
    molap: Object.freeze({}),
    budget: Object.freeze({ steps: 900, batchSize: 64, evalEvery: 100, evalTrials: 256, criterion: 0.9 }),
  }),
});
