/**
 * Options of the strategies: the network options every RNN baseline shares (Yang et al. 2019 defaults) and
 * the resolution of a strategy's options (defaults, unknown keys, validation) at the boundary.
 */
import type { Activation, RecurrentInit } from '@molap/backend';

/** Options of the leaky RNN(s) a baseline trains. Defaults: the paper networks of Yang et al. 2019. */
export interface NetworkOptions {
  /** Hidden units N. Default 256. */
  readonly hiddenSize: number;
  /** Recurrent nonlinearity φ. Default 'softplus' (Yang's paper networks; 'relu' is their code's default). */
  readonly activation: Activation;
  /** W_rec initialisation: 'diag' = scale·I (default, paper networks) or 'randortho' = scale·random orthogonal. */
  readonly recurrentInit: RecurrentInit;
  /** Scale of the W_rec initialisation. Default 0.5. */
  readonly recurrentScale: number;
  /** σ_rec, the recurrent noise (std σ_rec·√(2/α) inside φ). Default 0.05. */
  readonly recurrentNoise: number;
  /** Adam learning rate. Default 1e-3. */
  readonly learningRate: number;
  /** Element-wise gradient clipping to [−clipValue, clipValue]; 0 turns clipping off. Default 1. */
  readonly clipValue: number;
}

/** The defaults of `NetworkOptions`. */
export const NETWORK_DEFAULTS: NetworkOptions = Object.freeze({
  hiddenSize: 256,
  activation: 'softplus',
  recurrentInit: 'diag',
  recurrentScale: 0.5,
  recurrentNoise: 0.05,
  learningRate: 1e-3,
  clipValue: 1,
});

/** Checks one option value; returns a problem ("must be …") or undefined. */
export type OptionCheck = (value: unknown) => string | undefined;

export const positiveInteger: OptionCheck = (value) =>
  Number.isSafeInteger(value) && (value as number) > 0 ? undefined : 'must be a positive integer';
export const nonNegativeNumber: OptionCheck = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'must be a finite number >= 0';
export const positiveNumber: OptionCheck = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : 'must be a finite number > 0';
export const booleanValue: OptionCheck = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
export function oneOf(values: readonly string[]): OptionCheck {
  return (value) =>
    values.includes(value as string) ? undefined : `must be one of ${values.map((v) => `'${v}'`).join(', ')}`;
}

/** Checks of the network options. */
export const NETWORK_CHECKS: Readonly<Record<keyof NetworkOptions, OptionCheck>> = {
  hiddenSize: positiveInteger,
  activation: oneOf(['softplus', 'relu', 'tanh']),
  recurrentInit: oneOf(['diag', 'randortho']),
  recurrentScale: nonNegativeNumber,
  recurrentNoise: nonNegativeNumber,
  learningRate: positiveNumber,
  clipValue: nonNegativeNumber,
};

/**
 * Merges `given` over `defaults`, rejecting unknown keys and values that fail their check, with a message
 * naming the strategy, the option, the value and the rule.
 */
export function resolveOptions<Options extends object>(
  strategy: string,
  defaults: Options,
  given: Partial<Options> | undefined,
  checks: { readonly [K in keyof Options]: OptionCheck },
): Options {
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    throw new TypeError(`${strategy}: options must be an object, e.g. { hiddenSize: 128 }`);
  }
  const known = Object.keys(defaults);
  for (const key of Object.keys(given ?? {})) {
    if (!known.includes(key)) {
      throw new RangeError(`${strategy}: unknown option '${key}'; the options are ${known.join(', ')}`);
    }
  }
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) merged[key] = value;
  for (const key of known) {
    const problem = (checks as Record<string, OptionCheck>)[key](merged[key]);
    if (problem) throw new RangeError(`${strategy}: option ${key} ${problem}, got ${JSON.stringify(merged[key])}`);
  }
  return Object.freeze(merged) as Options;
}
