/**
 * Options of a MoLaP model (MoLaP §4): which per-task weights learn and how, with named defaults, validated
 * once at the boundary.
 */
import { OPTION_CHECKS, type OptionCheck, resolveOptionValues } from '@molap/primitives';
import { MOLAP_TRAINABLE_MODES, type MolapTrainable, type NewTaskContext } from './molap-network.js';
import { DEFAULT_RIDGE_READOUT } from './ridge-readout.js';

/** How the readout of the `'readout'` mode is learned. */
export type ReadoutSolver = 'gradient' | 'ridge';

/** Initial readout of gradient learning. */
export type ReadoutInit = 'glorot' | 'ridge';

/** Options of a MoLaP model; every field has a default (`DEFAULT_MOLAP_OPTIONS`). */
export interface MolapOptions {
  /** Which per-task weights learn: 'input+readout' (default), 'context+readout' or 'readout' (spec §4). */
  readonly trainable: MolapTrainable;
  /**
   * How the `'readout'` mode learns: `'gradient'` (default; Adam on the task loss, like the other modes) or
   * `'ridge'` (closed form: ridge regression of the target logits on the states, see `ridge-readout.ts`).
   * `'ridge'` requires `trainable: 'readout'`.
   */
  readonly readoutSolver: ReadoutSolver;
  /**
   * Initial readout of gradient learning: `'glorot'` (default; Glorot uniform from the task's seed, bias 0)
   * or `'ridge'` (the closed-form readout on the initial network's states, then gradient learning).
   */
  readonly readoutInit: ReadoutInit;
  /** Adam learning rate. Default 1e-3 (Yang et al.). */
  readonly learningRate: number;
  /** Element-wise gradient clipping to [−clipValue, clipValue]; 0 turns it off. Default 1. */
  readonly clipValue: number;
  /** Context of tasks outside the pre-training corpus: 'mean-rule' (default) or 'none' (see `taskContext`). */
  readonly newTaskContext: NewTaskContext;
  /** Ridge λ of closed-form readouts, relative to the mean state power. Default 1e-3. */
  readonly ridgeLambda: number;
  /** Trials collected for a closed-form readout (the first training batches of the task). Default 512. */
  readonly ridgeTrials: number;
  /** Targets are clipped to [logitClip, 1 − logitClip] before their logit. Default 1e-3. */
  readonly logitClip: number;
  /** σ_rec of the assembled network; null (default) keeps the bank's. */
  readonly recurrentNoise: number | null;
}

/** The defaults of `MolapOptions`. */
export const DEFAULT_MOLAP_OPTIONS: Readonly<MolapOptions> = Object.freeze({
  trainable: 'input+readout',
  readoutSolver: 'gradient',
  readoutInit: 'glorot',
  learningRate: 1e-3,
  clipValue: 1,
  newTaskContext: 'mean-rule',
  ridgeLambda: DEFAULT_RIDGE_READOUT.lambda,
  ridgeTrials: 512,
  logitClip: DEFAULT_RIDGE_READOUT.logitClip,
  recurrentNoise: null,
});

const { positiveInteger, positiveNumber, nonNegativeNumber, oneOf, nullOr } = OPTION_CHECKS;

const CHECKS: Readonly<Record<keyof MolapOptions, OptionCheck>> = {
  trainable: oneOf(MOLAP_TRAINABLE_MODES),
  readoutSolver: oneOf(['gradient', 'ridge']),
  readoutInit: oneOf(['glorot', 'ridge']),
  learningRate: positiveNumber,
  clipValue: nonNegativeNumber,
  newTaskContext: oneOf(['mean-rule', 'none']),
  ridgeLambda: nonNegativeNumber,
  ridgeTrials: positiveInteger,
  logitClip: (v) => (typeof v === 'number' && v > 0 && v < 0.5 ? undefined : 'a number in (0, 0.5)'),
  recurrentNoise: nullOr(nonNegativeNumber),
};

/** Resolves MoLaP options over the defaults; throws a RangeError naming a bad or unknown option. */
export function resolveMolapOptions(given?: Partial<MolapOptions>): MolapOptions {
  const options = resolveOptionValues('MoLaP option', DEFAULT_MOLAP_OPTIONS, given, CHECKS);
  if (options.readoutSolver === 'ridge' && options.trainable !== 'readout') {
    throw new RangeError(
      `readoutSolver 'ridge' solves the readout alone in closed form: use it with trainable 'readout' (got '${options.trainable}'), or use readoutInit 'ridge' to start gradient learning from it`,
    );
  }
  return options;
}
