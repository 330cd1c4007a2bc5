/**
 * Options of module pre-training: defaults, presets and validation at the boundary. The resolved options are
 * plain JSON, so they travel to worker threads and into the bank file unchanged.
 */
import type { Activation, JsonValue, RecurrentInit } from '@molap/backend';
import { DEFAULT_MODULE_ACTIVATION, DEFAULT_MODULE_RECURRENT_NOISE, DEFAULT_MODULE_SIZE } from './bank.js';
import type { CorpusTaskOptions } from './corpus.js';
import { DEFAULT_LATENT_MASK_WEIGHTING, type LatentMaskWeighting } from './module-batches.js';
import { OPTION_CHECKS, type OptionCheck, resolveOptionValues } from './option-checks.js';

/** Training options of each module; every field has a default (`DEFAULT_PRETRAINING`). */
export interface ModuleTrainingOptions {
  /** Units per module, m. Default 32. */
  readonly moduleSize: number;
  /** Optimiser steps per module. */
  readonly steps: number;
  /** Trials per step (one corpus task per step, drawn uniformly). */
  readonly batchSize: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Element-wise gradient clipping to [−clipValue, clipValue]; 0 turns it off. Default 1 (Yang et al.). */
  readonly clipValue: number;
  /** Recurrent nonlinearity φ. Default softplus. */
  readonly activation: Activation;
  /** σ_rec of the modules. Default 0.05. */
  readonly recurrentNoise: number;
  /** W_rec initialisation: 'diag' (scale·I, default) or 'randortho'. */
  readonly recurrentInit: RecurrentInit;
  /** Scale of the W_rec initialisation. Default 0.5. */
  readonly recurrentScale: number;
  /** Loss weight of each time step (see `LatentMaskWeighting`). Default 'time'. */
  readonly maskWeighting: LatentMaskWeighting;
  /** Held-out trials per corpus task for the fit R² of each module. Default 64. */
  readonly evaluationTrials: number;
  /** Steps per point of the loss curve in the log. Default 100. */
  readonly logEvery: number;
  /** Completed steps between checkpoints when a checkpoint folder is given. Default 500. */
  readonly checkpointEvery: number;
  /**
   * Teacher latents only: batches (of `batchSize` trials) per corpus task in the fixed latent pool the
   * modules train on (`buildLatentPool`). Default 16 (512 trials per task).
   */
  readonly poolBatchesPerTask: number;
}

/** The defaults of `ModuleTrainingOptions`. */
export const DEFAULT_PRETRAINING: Readonly<ModuleTrainingOptions> = Object.freeze({
  moduleSize: DEFAULT_MODULE_SIZE,
  steps: 3000,
  batchSize: 32,
  learningRate: 1e-3,
  clipValue: 1,
  activation: DEFAULT_MODULE_ACTIVATION,
  recurrentNoise: DEFAULT_MODULE_RECURRENT_NOISE,
  recurrentInit: 'diag',
  recurrentScale: 0.5,
  maskWeighting: DEFAULT_LATENT_MASK_WEIGHTING,
  evaluationTrials: 64,
  logEvery: 100,
  checkpointEvery: 500,
  poolBatchesPerTask: 16,
});

/** Names of the pre-training presets. */
export type PretrainPresetName = 'quick' | 'standard';

/**
 * Pre-training presets (per module; the k modules train in parallel across cores):
 * - `quick`: a smoke run of seconds; modules fit their latents only roughly.
 * - `standard`: the setting of the reported MoLaP results (`DEFAULT_PRETRAINING`).
 */
export const PRETRAIN_PRESETS: Readonly<Record<PretrainPresetName, Partial<ModuleTrainingOptions>>> = Object.freeze({
  quick: Object.freeze({ steps: 300, batchSize: 16, evaluationTrials: 32, logEvery: 50 }),
  standard: Object.freeze({}),
});

const { positiveInteger, nonNegativeInteger, positiveNumber, nonNegativeNumber, oneOf } = OPTION_CHECKS;

const CHECKS: Readonly<Record<keyof ModuleTrainingOptions, OptionCheck>> = {
  moduleSize: positiveInteger,
  steps: nonNegativeInteger,
  batchSize: positiveInteger,
  learningRate: positiveNumber,
  clipValue: nonNegativeNumber,
  activation: oneOf(['softplus', 'relu', 'tanh']),
  recurrentNoise: nonNegativeNumber,
  recurrentInit: oneOf(['diag', 'randortho']),
  recurrentScale: nonNegativeNumber,
  maskWeighting: oneOf(['time', 'cost']),
  evaluationTrials: positiveInteger,
  logEvery: positiveInteger,
  checkpointEvery: positiveInteger,
  poolBatchesPerTask: positiveInteger,
};

/**
 * Merges `given` over a preset and the defaults, checking each value. Unknown keys are rejected with the
 * list of known ones.
 */
export function resolveModuleTraining(
  given: Partial<ModuleTrainingOptions> = {},
  preset: PretrainPresetName = 'standard',
): ModuleTrainingOptions {
  const presetValues = PRETRAIN_PRESETS[preset];
  if (!presetValues) {
    throw new RangeError(
      `unknown pre-training preset '${preset}'; the presets are ${Object.keys(PRETRAIN_PRESETS).join(', ')}`,
    );
  }
  return resolveOptionValues('pre-training option', { ...DEFAULT_PRETRAINING, ...presetValues }, given, CHECKS);
}

/** Task options as JSON (they are plain values; functions and undefined are dropped). */
export function taskOptionsJson(taskOptions: CorpusTaskOptions | undefined): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(taskOptions ?? {}));
}
