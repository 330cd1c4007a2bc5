/**
 * Task factories: a task in the one plugin shape of molap, `{ id, version, meta, defaults, create }`, as
 * strategies, perturbations, latent extractors and analysis stages are. A plugin package may list
 * factories in its `tasks` export next to (or instead of) plain tasks; discovery creates each factory's task
 * with its defaults. `taskFactory` makes one from a task's `create…(options)` function.
 */
import { describeValue } from './errors.js';
import { pluginMetaProblems, SEMVER_PATTERN } from './plugin-shape.js';
import type { Task, TaskMeta } from './task.js';

/**
 * The options every task factory takes: its id and its period durations. A factory's own options extend
 * this, e.g. `interface GoNoGoOptions extends TaskFactoryOptions<keyof GoNoGoTiming> { … }`.
 * @typeParam P the periods whose duration the user may set.
 */
export interface TaskFactoryOptions<P extends string = never> {
  /** Task id, to register a variant next to the default one (e.g. 'lab/go-no-go-long-delay'). Default: the task's. */
  readonly id?: string;
  /** Period durations in ms; periods left out keep the task's defaults (`PeriodTiming.given`). */
  readonly timing?: Readonly<Partial<Record<P, number>>>;
}

/**
 * A task in the plugin shape: the task its `create` builds with `defaults` has this `id`, `version` and `meta`.
 * @typeParam Options the factory's options.
 */
export interface TaskFactory<Options extends object = object> {
  readonly id: string;
  /** The task's version (semver), when it has one; discovery gives the package's version otherwise. */
  readonly version?: string;
  readonly meta: TaskMeta;
  /** Every option with its default value. */
  readonly defaults: Readonly<Options>;
  /** A task with `options` over `defaults` (field by field). @throws InvalidOptionError for a bad option. */
  create(options?: Partial<Options>): Task;
}

/**
 * A task factory from a task's create function and its default options (the task is built once here, with
 * the defaults, to read its id, version and meta).
 * @example export const goNoGo = taskFactory(createGoNoGo, GO_NO_GO_DEFAULTS);
 */
export function taskFactory<Options extends object>(
  create: (options: Options) => Task,
  defaults: NoInfer<Options>,
): TaskFactory<Options> {
  const frozen = Object.freeze({ ...defaults });
  const task = create(frozen);
  return Object.freeze({
    id: task.id,
    ...(task.version === undefined ? {} : { version: task.version }),
    meta: task.meta,
    defaults: frozen,
    create: (options: Partial<Options> = {}) => create({ ...frozen, ...options }),
  });
}

/** Whether a value of a plugin's `tasks` export is meant as a factory (it has `create` and no `generate`). */
export function isTaskFactory(value: unknown): value is TaskFactory {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { create?: unknown }).create === 'function' &&
    typeof (value as { generate?: unknown }).generate !== 'function'
  );
}

/**
 * The task of a factory, built with its defaults, or the problems that prevent it: the plugin fields
 * (id, version, meta, defaults), a `create` that throws, or a task whose id is not the factory's.
 */
export function taskOfFactory(factory: TaskFactory): Task | string[] {
  const problems: string[] = [];
  if (typeof factory.id !== 'string' || factory.id === '')
    problems.push(`id must be a string, got ${describeValue(factory.id)}`);
  if (factory.version !== undefined && !(typeof factory.version === 'string' && SEMVER_PATTERN.test(factory.version))) {
    problems.push(`version must be a semver string (e.g. '1.0.0') or left out, got ${describeValue(factory.version)}`);
  }
  problems.push(...pluginMetaProblems(factory.meta));
  if (typeof factory.defaults !== 'object' || factory.defaults === null) problems.push('defaults must be an object');
  if (problems.length > 0) return problems;
  let task: Task;
  try {
    task = factory.create(factory.defaults);
  } catch (error) {
    return [`create(defaults) threw: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}`];
  }
  if (typeof task !== 'object' || task === null || task.id !== factory.id) {
    return [
      `create(defaults) must return a task with the factory's id '${factory.id}', got ${describeValue(task?.id ?? task)}`,
    ];
  }
  return factory.version === undefined || task.version !== undefined
    ? task
    : Object.freeze({ ...task, version: factory.version });
}
