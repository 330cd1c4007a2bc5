/**
 * Options of module pre-training: defaults, presets and validation at the boundary. The resolved options are
 * plain JSON, so they travel to worker threads and into the bank file unchanged.
 */
import type { Activation, JsonValue, RecurrentInit } from '@molap/backend';
import { defineOptions, MolapError, OPTION_KINDS, type OptionsOf, option } from '@molap/core';
import { DEFAULT_MODULE_ACTIVATION, DEFAULT_MODULE_RECURRENT_NOISE, DEFAULT_MODULE_SIZE } from './bank.js';
import type { CorpusTaskOptions } from './corpus.js';
import { DEFAULT_LATENT_MASK_WEIGHTING, type LatentMaskWeighting } from './module-batches.js';

const { positiveInteger, nonNegativeInteger, positiveNumber, nonNegativeNumber, oneOf } = OPTION_KINDS;

/** The training options of each module, declared once (`defineOptions` of @molap/core). */
export const MODULE_TRAINING_OPTIONS = defineOptions('pre-training option', {
  moduleSize: option(positiveInteger, DEFAULT_MODULE_SIZE, 'units per module, m'),
  steps: option(nonNegativeInteger, 3000, 'optimiser steps per module'),
  batchSize: option(positiveInteger, 32, 'trials per step (one corpus task per step, drawn uniformly)'),
  learningRate: option(positiveNumber, 1e-3, 'Adam learning rate'),
  clipValue: option(nonNegativeNumber, 1, 'element-wise gradient clipping to [−clipValue, clipValue]; 0: none'),
  activation: option(
    oneOf(['softplus', 'relu', 'tanh']),
    DEFAULT_MODULE_ACTIVATION as Activation,
    'recurrent nonlinearity φ of the modules (tanh: softplus modules diverged on CCA latents, see the README)',
  ),
  recurrentNoise: option(nonNegativeNumber, DEFAULT_MODULE_RECURRENT_NOISE, 'σ_rec of the modules'),
  recurrentInit: option(
    oneOf(['diag', 'randortho']),
    'diag' as RecurrentInit,
    'W_rec initialisation: scale·I (diag) or randortho',
  ),
  recurrentScale: option(nonNegativeNumber, 0.5, 'scale of the W_rec initialisation'),
  maskWeighting: option(
    oneOf(['time', 'cost']),
    DEFAULT_LATENT_MASK_WEIGHTING as LatentMaskWeighting,
    "loss weight of each time step: the task's time mask (time) or its cost mask (cost)",
  ),
  evaluationTrials: option(positiveInteger, 64, 'held-out trials per corpus task for the fit R² of each module'),
  logEvery: option(positiveInteger, 100, 'steps per point of the loss curve in the log'),
  checkpointEvery: option(
    positiveInteger,
    500,
    'completed steps between checkpoints when a checkpoint folder is given',
  ),
  poolBatchesPerTask: option(
    positiveInteger,
    16,
    'teacher latents only: batches per corpus task in the fixed latent pool the modules train on',
  ),
});

/** Training options of each module; every field has a default (`DEFAULT_PRETRAINING`). */
export type ModuleTrainingOptions = OptionsOf<typeof MODULE_TRAINING_OPTIONS>;

/** The defaults of `ModuleTrainingOptions`. */
export const DEFAULT_PRETRAINING: Readonly<ModuleTrainingOptions> = MODULE_TRAINING_OPTIONS.defaults;

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
    throw new MolapError('unknown-id', `unknown pre-training preset '${preset}'`, {
      hint: `the presets are ${Object.keys(PRETRAIN_PRESETS).join(', ')}`,
    });
  }
  return MODULE_TRAINING_OPTIONS.resolve(given, presetValues);
}

/** Task options as JSON (they are plain values; functions and undefined are dropped). */
export function taskOptionsJson(taskOptions: CorpusTaskOptions | undefined): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(taskOptions ?? {}));
}
