/**
 * The tasks of a project as data: the catalog `openTaskCatalog` makes (the 20 Yang et al. 2019 tasks plus the
 * plugins found among the project's direct dependencies, with what discovery reported), for a listing
 * (`listTasks`) or a diagnosis (`describeCatalog`, `molap tasks doctor`). Pure: fit for a browser.
 */
import type { SkippedPackage, TaskPluginDiscovery } from './discovery.js';
import { identityFields } from './inspect.js';
import type { TaskRegistry } from './registry.js';
import type { TaskRegistryError } from './registry-error.js';

/** Source recorded for the built-in tasks. */
export const BUILTIN_TASKS_SOURCE = '@molap/tasks';

/** The task registry of a project and what plugin discovery reported. */
export interface TaskCatalog {
  readonly registry: TaskRegistry;
  /** Undefined when discovery did not run (no package.json and no plugin list). */
  readonly discovery: TaskPluginDiscovery | undefined;
  /**
   * Broken plugins, tasks rejected by the conformance check, id clashes and misspelt manifest keys: each
   * names its source and a hint.
   */
  readonly problems: readonly TaskRegistryError[];
  /** Why discovery did not run, when it did not. */
  readonly note: string | undefined;
}

/** One task of a listing. */
export interface TaskListing {
  readonly id: string;
  readonly name: string;
  /** Package that registered it (`BUILTIN_TASKS_SOURCE` for the Yang tasks), or 'unknown'. */
  readonly source: string;
  /** The task's own version (`Task.version`, semver), when it has one. */
  readonly version?: string;
  readonly tags: string[];
  /** The paper it comes from and where to read it, when the task gives them. */
  readonly paper?: string;
  readonly link?: string;
  /** Named periods of a trial, in order. */
  readonly periods: string[];
}

/** The tasks of a registry (those with `tag`, when given), in registry order. */
export function listTasks(registry: TaskRegistry, options: { readonly tag?: string } = {}): TaskListing[] {
  return registry.list(options.tag === undefined ? {} : { tag: options.tag }).map((task) => ({
    id: task.id,
    name: task.meta.displayName,
    source: registry.source(task.id) ?? 'unknown',
    tags: [...(task.meta.tags ?? [])],
    ...identityFields(task),
    periods: [...task.periods],
  }));
}

/** What discovery found, as data (`molap tasks doctor --json`). */
export interface CatalogReport {
  /** How many of the registry's tasks are the built-in ones. */
  readonly builtinTasks: number;
  readonly loaded: { package: string; version: string; directory: string; tasks: string[] }[];
  readonly skipped: readonly SkippedPackage[];
  readonly problems: { code: string; problem: string; source: string | null; hint: string | null }[];
  readonly note: string | null;
}

/** The catalog as data: built-in task count, loaded plugins and their tasks, skipped packages, problems. */
export function describeCatalog(catalog: TaskCatalog): CatalogReport {
  const { registry, discovery } = catalog;
  return {
    builtinTasks: registry.list().filter((task) => registry.source(task.id) === BUILTIN_TASKS_SOURCE).length,
    loaded: (discovery?.loaded ?? []).map((plugin) => ({
      package: plugin.package,
      version: plugin.version,
      directory: plugin.directory,
      tasks: plugin.tasks.map((task) => task.id),
    })),
    skipped: discovery?.skipped ?? [],
    problems: catalog.problems.map((error) => ({
      code: error.code,
      problem: error.problem,
      source: error.source ?? null,
      hint: error.hint ?? null,
    })),
    note: catalog.note ?? null,
  };
}
