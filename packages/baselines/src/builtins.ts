/** The built-in baseline strategies and the registry holding them. */

import { type AnyStrategy, createStrategyRegistry, type StrategyRegistry } from '@molap/core';
import { ewc, sequential } from './ewc.js';
import { independent } from './independent.js';
import { multitask } from './multitask.js';
import { psp } from './psp.js';
import { si } from './si.js';

/** The built-in strategies, in the order the baseline registry lists them. */
export const BASELINE_STRATEGIES: readonly AnyStrategy[] = Object.freeze([
  multitask,
  independent,
  psp,
  ewc,
  si,
  sequential,
]);

/** A new registry holding the built-in strategies; register your own strategies on it to compare them. */
export function createBaselineRegistry(): StrategyRegistry {
  return createStrategyRegistry(BASELINE_STRATEGIES);
}
