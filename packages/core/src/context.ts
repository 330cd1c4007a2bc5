/**
 * Task lookup and geometry for a strategy: the tasks of a `learn` call, their shared input/output sizes,
 * the leak α = dt/τ, and the fixed evaluation batches.
 */

import { type Batch, resolveTaskOptions, type Task } from '@molap/tasks';
import { evaluationBatch } from './learning-data.js';
import { inputNoiseStd } from './perturb.js';
import type { StrategyContext } from './strategy.js';

/** Sizes and time constants shared by the tasks a network learns. */
export interface TaskGeometry {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Leak α = dt/τ of the network, from the task options. */
  readonly alpha: number;
}

/** The tasks of `taskIds` from the context's registry; rejects empty lists and repeated ids. */
export function lookUpTasks(context: StrategyContext, taskIds: readonly string[]): Task[] {
  if (!Array.isArray(taskIds) || taskIds.length === 0) {
    throw new RangeError('learn needs a non-empty list of task ids, e.g. ["fdgo", "dm1"]');
  }
  const seen = new Set<string>();
  for (const id of taskIds) {
    if (seen.has(id)) throw new RangeError(`task '${id}' is listed twice: list each task once`);
    seen.add(id);
  }
  return taskIds.map((id) => context.tasks.get(id));
}

/** Input/output sizes and α of `tasks` under the context's task options; they must agree. */
export function taskGeometry(context: StrategyContext, tasks: readonly Task[]): TaskGeometry {
  let geometry: TaskGeometry | undefined;
  let first = '';
  let firstRules = '';
  for (const task of tasks) {
    const options = resolveTaskOptions(task, { ...context.taskOptions, mode: 'random' });
    const layout = task.layout(options);
    const current = { inputSize: layout.inputSize, outputSize: layout.outputSize, alpha: options.dt / options.tau };
    if (geometry === undefined) {
      geometry = current;
      first = task.id;
      firstRules = JSON.stringify(options.rules);
    } else if (
      geometry.inputSize !== current.inputSize ||
      geometry.outputSize !== current.outputSize ||
      geometry.alpha !== current.alpha
    ) {
      const rulesDiffer = firstRules !== JSON.stringify(options.rules);
      throw new RangeError(
        `tasks '${first}' and '${task.id}' cannot share a network: inputs ${geometry.inputSize} vs ${current.inputSize}, outputs ${geometry.outputSize} vs ${current.outputSize}, α ${geometry.alpha} vs ${current.alpha}` +
          (rulesDiffer
            ? `; their rule blocks differ (${JSON.parse(firstRules).length} vs ${options.rules.length} rules): give them one block composed for all the tasks of the network, corpusTaskOptions(tasks, taskOptions) of @molap/tasks (molap run, compare and pretrain do this when tasks.options.rules is unset)`
            : '; use tasks with the same layout (same ring size, dt and τ)'),
      );
    }
  }
  if (!(geometry && geometry.alpha > 0 && geometry.alpha <= 1)) {
    throw new RangeError(
      `the leak α = dt/τ must be in (0, 1], got ${geometry?.alpha}: check the dt and tau task options`,
    );
  }
  return geometry;
}

/** Standard deviation of the input noise of a task's batches under the context's task options. */
export function taskInputNoiseStd(context: StrategyContext, task: Task): number {
  const options = resolveTaskOptions(task, { ...context.taskOptions, mode: 'random' });
  return options.noise ? inputNoiseStd(options.dt, options.inputNoiseSigma, options.tau) : 0;
}

/** The fixed evaluation batches of `tasks` for a run seed (see `evaluationBatch`). */
export function evaluationSet(
  context: StrategyContext,
  tasks: readonly Task[],
  trials: number,
  seed: number,
): Map<string, Batch> {
  return new Map(
    tasks.map((task) => [
      task.id,
      evaluationBatch(task, { trials, seed, ...(context.taskOptions ? { taskOptions: context.taskOptions } : {}) }),
    ]),
  );
}
