import { duplicateIdMessage, invalidPluginMessage, unknownIdMessage } from './plugin-shape.js';
import { TaskRegistryError } from './registry-error.js';
import type { Task } from './task.js';
import { validateTask } from './task-validation.js';

/** Options of `TaskRegistry.register`. */
export interface RegisterOptions {
  /** Who provides the task, e.g. `molap-task-foo@1.2.0` or `@molap/tasks`; named in duplicate-id errors. */
  readonly source?: string;
}

/** Options of `TaskRegistry.list`. */
export interface ListOptions {
  /** Keep only tasks whose `meta.tags` contain this tag. */
  readonly tag?: string;
}

/**
 * Tasks by id. Created empty (or with initial tasks) by `createTaskRegistry`; nothing registers itself on
 * import. Ids are unique: registering an id twice throws.
 */
export interface TaskRegistry {
  /**
   * Adds a task after checking it (`validateTask`).
   * @throws TaskRegistryError `invalid-plugin` listing every problem, or `duplicate-id` naming the first
   *   registrant's source.
   * @returns the registry, for chaining.
   */
  register(task: Task, options?: RegisterOptions): TaskRegistry;
  /**
   * The task with this id.
   * @throws TaskRegistryError `unknown-id` listing the known ids, the closest one, and how to add a task.
   */
  get(id: string): Task;
  has(id: string): boolean;
  /** Registered tasks in registration order, optionally filtered by tag. */
  list(options?: ListOptions): Task[];
  /** Registered ids in registration order. */
  ids(): string[];
  /**
   * The source given when the task was registered (undefined if none was given).
   * @throws TaskRegistryError `unknown-id` like `get`.
   */
  source(id: string): string | undefined;
}

/** Options of `createTaskRegistry`. */
export interface TaskRegistryOptions {
  /** Tasks to register right away, in order. */
  readonly tasks?: readonly Task[];
  /** Source recorded for `tasks`. */
  readonly source?: string;
}

interface Entry {
  readonly task: Task;
  readonly source: string | undefined;
}

/** What to say after an unknown id, besides `registry.register(…)`. */
const OR_INSTALL_A_PLUGIN =
  'install a task plugin (npm install molap-task-<name>) and load it with ' +
  'registerDiscovered(registry, await discoverTaskPlugins({ projectRoot }))';

/**
 * Creates an empty task registry (or one holding `options.tasks`). Each call returns a new, independent
 * registry. Its errors are those of every molap registry (`createRegistry` of @molap/core): the same codes
 * and texts (`invalidPluginMessage`, `duplicateIdMessage`, `unknownIdMessage`).
 */
export function createTaskRegistry(options: TaskRegistryOptions = {}): TaskRegistry {
  const entries = new Map<string, Entry>();

  const entry = (id: string): Entry => {
    const found = entries.get(id);
    if (found !== undefined) return found;
    const { problem, hint } = unknownIdMessage('task', id, [...entries.keys()], OR_INSTALL_A_PLUGIN);
    throw new TaskRegistryError(problem, { code: 'unknown-id', taskId: String(id), hint });
  };

  const registry: TaskRegistry = {
    register(task, { source } = {}) {
      const problems = validateTask(task);
      if (problems.length > 0) {
        const { problem, hint } = invalidPluginMessage(
          'task',
          task,
          problems,
          'a task is a Task value from @molap/tasks: see the Task interface and validateTask()',
        );
        const id = typeof task?.id === 'string' ? task.id : undefined;
        throw new TaskRegistryError(problem, { code: 'invalid-plugin', source, taskId: id, hint });
      }
      const first = entries.get(task.id);
      if (first !== undefined) {
        const { problem, hint } = duplicateIdMessage(
          'task',
          task.id,
          first.source ?? 'a register() call without a source',
        );
        throw new TaskRegistryError(problem, { code: 'duplicate-id', source, taskId: task.id, hint });
      }
      entries.set(task.id, { task, source });
      return registry;
    },
    get: (id) => entry(id).task,
    has: (id) => entries.has(id),
    list: ({ tag } = {}) =>
      [...entries.values()]
        .map(({ task }) => task)
        .filter((task) => tag === undefined || (task.meta.tags ?? []).includes(tag)),
    ids: () => [...entries.keys()],
    source: (id) => entry(id).source,
  };

  for (const task of options.tasks ?? []) registry.register(task, { source: options.source });
  return registry;
}
