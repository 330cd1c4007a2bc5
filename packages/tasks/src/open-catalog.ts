/**
 * `openTaskCatalog`: the task catalog of a project folder, made with plugin discovery (Node only: it reads the
 * project's package.json and imports the plugins).
 */
import { BUILTIN_TASKS_SOURCE, type TaskCatalog } from './catalog.js';
import { discoverTaskPlugins, registerDiscovered } from './discovery.js';
import { createTaskRegistry } from './registry.js';
import { yang19 } from './yang19/index.js';

/** Options of `openTaskCatalog`. */
export interface TaskCatalogOptions {
  /** Absolute folder of the project. */
  readonly projectRoot: string;
  /** Whether the folder has a package.json (plugins are discovered among its dependencies). */
  readonly hasPackageJson: boolean;
  /** Load exactly these plugin packages instead of discovering them. */
  readonly plugins?: readonly string[];
}

/**
 * Builds the registry: the 20 Yang tasks (source `BUILTIN_TASKS_SOURCE`), then the plugins listed in
 * `plugins` or, without a list, those among the project's direct dependencies. Problems are collected, not
 * thrown, so one broken plugin does not hide the others.
 */
export async function openTaskCatalog(options: TaskCatalogOptions): Promise<TaskCatalog> {
  const registry = createTaskRegistry({ tasks: yang19, source: BUILTIN_TASKS_SOURCE });
  const { projectRoot, plugins } = options;
  if (plugins === undefined && !options.hasPackageJson) {
    return {
      registry,
      discovery: undefined,
      problems: [],
      note: `no package.json in ${projectRoot}: only the built-in tasks are available (plugins are found among a project's dependencies)`,
    };
  }
  const discovery = await discoverTaskPlugins({ projectRoot, ...(plugins === undefined ? {} : { packages: plugins }) });
  const clashes = registerDiscovered(registry, discovery);
  return { registry, discovery, problems: [...discovery.errors, ...clashes, ...discovery.warnings], note: undefined };
}
