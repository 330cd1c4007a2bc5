/** The built-in baseline strategies and the registry holding them. */

import { type AnyStrategy, createStrategyRegistry, MolapError, type StrategyRegistry } from '@molap/core';
import { unknownNameProblem } from '@molap/tasks';
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

/**
 * Checks that every strategy named in `strategies` (a name, or a spec `{ strategy: name }`) is in `registry`,
 * before any comparison work starts. Strategies given as values are not looked up.
 * @throws MolapError 'unknown-id' (bad input) for the first unknown name, with the closest registered name
 *   and, in the hint, every registered one.
 */
export function checkStrategyNames(
  registry: StrategyRegistry,
  strategies: readonly (string | AnyStrategy | { readonly strategy: string | AnyStrategy })[],
): void {
  for (const entry of strategies) {
    const name = typeof entry === 'string' ? entry : 'strategy' in entry ? entry.strategy : entry;
    if (typeof name !== 'string' || registry.has(name)) continue;
    throw new MolapError('unknown-id', unknownNameProblem('strategy', name, registry.ids()), {
      hint: `the strategies are ${registry.ids().join(', ')}`,
    });
  }
}
