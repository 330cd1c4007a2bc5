/** The built-in strategies of the `molap` command: MoLaP, random modules and the baselines. */
import type { Engine } from '@molap/backend';
import { createStrategyRegistry, type StrategyContext, type StrategyRegistry } from '@molap/core';
import type { TaskRegistry } from '@molap/tasks';
import type { StudyPlan } from './plan.js';

/** A new registry with MoLaP's strategies (@molap/composer) and the baselines (@molap/baselines). */
export async function createBuiltinStrategyRegistry(): Promise<StrategyRegistry> {
  const [composer, baselines] = await Promise.all([import('@molap/composer'), import('@molap/baselines')]);
  return createStrategyRegistry([...composer.MOLAP_STRATEGIES, ...baselines.BASELINE_STRATEGIES]);
}

/** What a strategy of the plan is created or loaded with: the engine, the tasks and the plan's task options. */
export function planStrategyContext(plan: StudyPlan, registry: TaskRegistry, engine: Engine): StrategyContext {
  return {
    engine,
    tasks: registry,
    ...(Object.keys(plan.taskOptions).length > 0 ? { taskOptions: plan.taskOptions } : {}),
  };
}
