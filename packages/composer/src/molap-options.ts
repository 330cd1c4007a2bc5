/**
 * Options of a MoLaP model (MoLaP §4): which per-task weights learn and how, declared once
 * (`defineOptions` of @molap/core: type, defaults, validation and config fragment from one declaration).
 */
import { defineOptions, OPTION_KINDS, type OptionsOf, option } from '@molap/core';
import { MOLAP_TRAINABLE_MODES } from './molap-network.js';
import { DEFAULT_RIDGE_READOUT } from './ridge-readout.js';

const { positiveInteger, positiveNumber, nonNegativeNumber, oneOf, nullOr, between } = OPTION_KINDS;

/** The options of a MoLaP model. */
export const MOLAP_OPTIONS = defineOptions(
  'MoLaP option',
  {
    trainable: option(
      oneOf(MOLAP_TRAINABLE_MODES),
      'input+readout',
      "which per-task weights learn: 'input+readout', 'context+readout' or 'readout' (spec §4)",
    ),
    readoutSolver: option(
      oneOf(['gradient', 'ridge']),
      'gradient',
      "how the 'readout' mode learns: Adam on the task loss (gradient) or ridge regression of the target logits on the states (ridge, with trainable 'readout')",
    ),
    readoutInit: option(
      oneOf(['glorot', 'ridge']),
      'glorot',
      "initial readout of gradient learning: Glorot uniform from the task's seed (glorot) or the closed-form readout on the initial network (ridge)",
    ),
    learningRate: option(positiveNumber, 1e-3, 'Adam learning rate'),
    clipValue: option(nonNegativeNumber, 1, 'element-wise gradient clipping to [−clipValue, clipValue]; 0: none'),
    newTaskContext: option(
      oneOf(['mean-rule', 'none']),
      'mean-rule',
      'context of tasks outside the pre-training corpus (see taskContext)',
    ),
    ridgeLambda: option(
      nonNegativeNumber,
      DEFAULT_RIDGE_READOUT.lambda,
      'ridge λ of closed-form readouts, relative to the mean state power',
    ),
    ridgeTrials: option(positiveInteger, 512, 'trials collected for a closed-form readout'),
    logitClip: option(
      between(0, 0.5),
      DEFAULT_RIDGE_READOUT.logitClip,
      'targets are clipped to [logitClip, 1 − logitClip] before their logit',
    ),
    recurrentNoise: option(
      nullOr(nonNegativeNumber),
      null as number | null,
      "σ_rec of the assembled network; null keeps the bank's",
    ),
  },
  (options) =>
    options.readoutSolver === 'ridge' && options.trainable !== 'readout'
      ? `readoutSolver 'ridge' solves the readout alone in closed form: use it with trainable 'readout' (got '${options.trainable}'), or use readoutInit 'ridge' to start gradient learning from it`
      : undefined,
);

/** Options of a MoLaP model; every field has a default (`DEFAULT_MOLAP_OPTIONS`). */
export type MolapOptions = OptionsOf<typeof MOLAP_OPTIONS>;

/** How the `'readout'` mode learns. */
export type ReadoutSolver = MolapOptions['readoutSolver'];

/** Initial readout of gradient learning. */
export type ReadoutInit = MolapOptions['readoutInit'];

/** The defaults of `MolapOptions`. */
export const DEFAULT_MOLAP_OPTIONS: Readonly<MolapOptions> = MOLAP_OPTIONS.defaults;

/** Resolves MoLaP options over the defaults; throws an `InvalidValueError` naming a bad or unknown option. */
export function resolveMolapOptions(given?: Partial<MolapOptions>): MolapOptions {
  return MOLAP_OPTIONS.resolve(given);
}
