/**
 * Task lookup and geometry for a strategy: the tasks of a `learn` call, their shared input/output sizes,
 * the leak α = dt/τ and rule block, and the fixed evaluation batches.
 */

import { type Batch, resolveTaskOptions, type Task } from '@molap/tasks';
import { InvalidValueError, MolapError } from './errors.js';
import { evaluationBatches } from './learning-data.js';
import { inputNoiseStd } from './perturb.js';
import type { StrategyContext } from './strategy.js';

/** Sizes and time constants shared by the tasks a network learns. */
export interface TaskGeometry {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Leak α = dt/τ of the network, from the task options. */
  readonly alpha: number;
  /** The rule block of the inputs: rule id of each rule input unit, in order (`TaskOptions.rules`). */
  readonly rules: readonly string[];
}

/** The tasks of `taskIds` from the context's registry; rejects empty lists and repeated ids. */
export function lookUpTasks(context: StrategyContext, taskIds: readonly string[]): Task[] {
  if (!Array.isArray(taskIds) || taskIds.length === 0) {
    throw new InvalidValueError('learn needs a non-empty list of task ids, e.g. ["fdgo", "dm1"]');
  }
  const seen = new Set<string>();
  for (const id of taskIds) {
    if (seen.has(id))
      throw new MolapError('duplicate-id', `task '${id}' is listed twice`, { hint: 'list each task once' });
    seen.add(id);
  }
  return taskIds.map((id) => context.tasks.get(id));
}

/**
 * Input/output sizes, α and rule block of `tasks` under the context's task options; they must agree: tasks
 * that share a network share its rule block, unit for unit (two tasks whose own blocks merely have the same
 * size would otherwise drive the same rule unit).
 */
export function taskGeometry(context: StrategyContext, tasks: readonly Task[]): TaskGeometry {
  let geometry: TaskGeometry | undefined;
  let first = '';
  let firstRules = '';
  for (const task of tasks) {
    const options = resolveTaskOptions(task, { ...context.taskOptions, mode: 'random' });
    const layout = task.layout(options);
    const current = {
      inputSize: layout.inputSize,
      outputSize: layout.outputSize,
      alpha: options.dt / options.tau,
      rules: [...options.rules],
    };
    if (geometry === undefined) {
      geometry = current;
      first = task.id;
      firstRules = JSON.stringify(options.rules);
      continue;
    }
    const rulesDiffer = firstRules !== JSON.stringify(options.rules);
    if (
      geometry.inputSize !== current.inputSize ||
      geometry.outputSize !== current.outputSize ||
      geometry.alpha !== current.alpha ||
      rulesDiffer
    ) {
      throw new MolapError(
        'incompatible',
        `tasks '${first}' and '${task.id}' cannot share a network: inputs ${geometry.inputSize} vs ${current.inputSize}, outputs ${geometry.outputSize} vs ${current.outputSize}, α ${geometry.alpha} vs ${current.alpha}` +
          (rulesDiffer
            ? `; their rule blocks differ (${describeRules(geometry.rules)} vs ${describeRules(options.rules)})`
            : ''),
        {
          hint: rulesDiffer
            ? 'give them one block composed for all the tasks of the network, corpusTaskOptions(tasks, taskOptions) of @molap/tasks (molap run, compare and pretrain do this when tasks.options.rules is unset)'
            : 'use tasks with the same layout (same ring size, dt and τ)',
        },
      );
    }
  }
  if (!(geometry && geometry.alpha > 0 && geometry.alpha <= 1)) {
    throw new InvalidValueError(`the leak α = dt/τ must be in (0, 1], got ${geometry?.alpha}`, {
      hint: 'check the dt and tau task options',
    });
  }
  return geometry;
}

/** A rule block in a message: its size and, when short, its rules. */
export function describeRules(rules: readonly string[]): string {
  const count = `${rules.length} rule${rules.length === 1 ? '' : 's'}`;
  return rules.length <= 4 ? `${count}: ${rules.join(', ') || 'none'}` : count;
}

/**
 * Checks that a network trained with the rule block `trained` is used with the same block: the rules the
 * context's task options give `taskId` (one of the tasks it learned).
 * @throws MolapError 'incompatible' naming both blocks, with the fix.
 */
export function checkRuleBlock(
  context: StrategyContext,
  taskId: string,
  trained: readonly string[],
  where: string,
): void {
  const given = resolveTaskOptions(context.tasks.get(taskId), { ...context.taskOptions, mode: 'random' }).rules;
  if (JSON.stringify(given) === JSON.stringify(trained)) return;
  throw new MolapError(
    'incompatible',
    `${where} was trained with a rule block of ${describeRules(trained)}, but the task options given now make it ${describeRules(given)}: its rule input units would mean other tasks`,
    {
      hint: "load it with the task options it was trained with (a run's tasks.options; leave rules unset for molap to compose the same block from the same tasks)",
    },
  );
}

/** Standard deviation of the input noise of a task's batches under the context's task options. */
export function taskInputNoiseStd(context: StrategyContext, task: Task): number {
  const options = resolveTaskOptions(task, { ...context.taskOptions, mode: 'random' });
  return options.noise ? inputNoiseStd(options.dt, options.inputNoiseSigma, options.tau) : 0;
}

/**
 * The fixed evaluation batches of `tasks` for a run seed, by task id, under the context's task options
 * (`evaluationBatches`: each batch is made when it is asked for and not kept).
 */
export function evaluationSet(
  context: StrategyContext,
  tasks: readonly Task[],
  trials: number,
  seed: number,
): ReadonlyMap<string, Batch> {
  return evaluationBatches(tasks, {
    trials,
    seed,
    ...(context.taskOptions ? { taskOptions: context.taskOptions } : {}),
  });
}
