import { closestName } from './closest-name.js';
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
   * @throws TaskRegistryError `invalid-task` listing every problem, or `duplicate-id` naming the first
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

const HOW_TO_ADD =
  'register it with registry.register(task), or install a task plugin (npm install molap-task-<name>) ' +
  'and load it with registerDiscovered(registry, await discoverTaskPlugins({ projectRoot }))';

/** Creates an empty task registry (or one holding `options.tasks`). Each call returns a new, independent registry. */
export function createTaskRegistry(options: TaskRegistryOptions = {}): TaskRegistry {
  const entries = new Map<string, Entry>();

  const entry = (id: string): Entry => {
    const found = entries.get(id);
    if (found !== undefined) return found;
    const known = [...entries.keys()];
    const suggestion = typeof id === 'string' ? closestName(id, known) : undefined;
    const problem =
      `unknown task '${String(id)}'.` +
      (suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`) +
      (known.length === 0 ? ' The registry is empty.' : ` Known tasks: ${known.join(', ')}.`);
    throw new TaskRegistryError(problem, { code: 'unknown-id', taskId: String(id), hint: HOW_TO_ADD });
  };

  const registry: TaskRegistry = {
    register(task, { source } = {}) {
      const problems = validateTask(task);
      const id = typeof task?.id === 'string' ? task.id : undefined;
      if (problems.length > 0) {
        throw new TaskRegistryError(`invalid task${id === undefined ? '' : ` '${id}'`}: ${problems.join('; ')}`, {
          code: 'invalid-task',
          source,
          taskId: id,
          hint: 'a task is a Task value from @molap/tasks: see the Task interface and validateTask()',
        });
      }
      const first = entries.get(task.id);
      if (first !== undefined) {
        const firstSource = first.source === undefined ? 'a register() call without a source' : first.source;
        throw new TaskRegistryError(`duplicate task id '${task.id}': already registered by ${firstSource}`, {
          code: 'duplicate-id',
          source,
          taskId: task.id,
          hint: 'task ids are unique across all plugins: give one task a scoped id (scope/name) or remove one of the two providers',
        });
      }
      entries.set(task.id, { task, source });
      return registry;
    },
    get: (id) => entry(id).task,
    has: (id) => entries.has(id),
    list: ({ tag } = {}) =>
      [...entries.values()].map(({ task }) => task).filter((task) => tag === undefined || task.meta.tags.includes(tag)),
    ids: () => [...entries.keys()],
    source: (id) => entry(id).source,
  };

  for (const task of options.tasks ?? []) registry.register(task, { source: options.source });
  return registry;
}
