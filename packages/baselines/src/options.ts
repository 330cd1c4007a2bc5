/**
 * The network options every RNN baseline shares (Yang et al. 2019 defaults), declared once with
 * `defineOptions` of @molap/core: the type, the defaults, the validation and the config-file fragment come
 * from this declaration. Each strategy adds its own options to these specs.
 */
import { defineOptions, OPTION_KINDS, type OptionsOf, option } from '@molap/core';

const { positiveInteger, positiveNumber, nonNegativeNumber, oneOf, boolean } = OPTION_KINDS;

/** The option specs of the leaky RNN(s) a baseline trains (the paper networks of Yang et al. 2019). */
export const NETWORK_OPTION_SPECS = {
  hiddenSize: option(positiveInteger, 256, 'hidden units N'),
  activation: option(
    oneOf(['softplus', 'relu', 'tanh']),
    'softplus',
    "recurrent nonlinearity φ (softplus: Yang's paper networks; relu: their code's default)",
  ),
  recurrentInit: option(
    oneOf(['diag', 'randortho']),
    'diag',
    'W_rec initialisation: scale·I (diag) or scale·random orthogonal (randortho)',
  ),
  recurrentScale: option(nonNegativeNumber, 0.5, 'scale of the W_rec initialisation'),
  recurrentNoise: option(nonNegativeNumber, 0.05, 'σ_rec, the recurrent noise (std σ_rec·√(2/α) inside φ)'),
  learningRate: option(positiveNumber, 1e-3, 'Adam learning rate'),
  clipValue: option(nonNegativeNumber, 1, 'element-wise gradient clipping to [−clipValue, clipValue]; 0: none'),
} as const;

/** The option specs of strategies that learn tasks one after the other. */
export const SEQUENTIAL_OPTION_SPECS = {
  resetOptimizer: option(boolean, true, 'fresh Adam state at the start of each task'),
} as const;

/** The network options of every RNN baseline. */
export const NETWORK_OPTIONS = defineOptions('network option', NETWORK_OPTION_SPECS);

/** Options of the leaky RNN(s) a baseline trains. */
export type NetworkOptions = OptionsOf<typeof NETWORK_OPTIONS>;

/** The defaults of `NetworkOptions`. */
export const NETWORK_DEFAULTS: NetworkOptions = NETWORK_OPTIONS.defaults;
