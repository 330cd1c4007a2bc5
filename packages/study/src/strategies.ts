/** The built-in strategies of the `molap` command: MoLaP, random modules and the baselines. */
import { createStrategyRegistry, type StrategyRegistry } from '@molap/core';

/** A new registry with MoLaP's strategies (@molap/composer) and the baselines (@molap/baselines). */
export async function createBuiltinStrategyRegistry(): Promise<StrategyRegistry> {
  const [composer, baselines] = await Promise.all([import('@molap/composer'), import('@molap/baselines')]);
  return createStrategyRegistry([...composer.MOLAP_STRATEGIES, ...baselines.BASELINE_STRATEGIES]);
}
