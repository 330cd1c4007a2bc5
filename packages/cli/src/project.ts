/**
 * The project a command runs in: its folder (where `molap.config.json` and the task plugins are looked
 * up), its config, and its task catalog (`openTaskCatalog` of @molap/tasks: the built-in Yang et al. 2019
 * tasks plus the plugins found among the project's direct dependencies or listed in `tasks.plugins`).
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isMolapError, type MolapError, type StrategyRegistry } from '@molap/core';
import { CONFIG_FILE_NAME, type LoadedConfig, loadConfig } from '@molap/study';
import {
  openTaskCatalog,
  type PluginSource,
  pluginSources,
  type Task,
  type TaskCatalog,
  type TaskRegistry,
} from '@molap/tasks';
import type { CliIo, CommandInput, projectOptions } from './command.js';
import { CommandError, UsageError } from './errors.js';
import type { OptionSpecs } from './options.js';

/** Where a command runs. */
export interface Project {
  /** Absolute folder. */
  readonly root: string;
  /** Whether the folder has a package.json (plugins are discovered among its dependencies). */
  readonly hasPackageJson: boolean;
}

const isFile = async (file: string) => (await stat(file).catch(() => undefined))?.isFile() === true;

/**
 * The project folder: `explicit` (`--project`, which must be a folder), else the nearest folder from `cwd`
 * upwards that holds a package.json or a molap.config.json, else `cwd`.
 */
export async function findProject(cwd: string, explicit?: string): Promise<Project> {
  if (explicit !== undefined) {
    const root = resolve(cwd, explicit);
    if (!(await stat(root).catch(() => undefined))?.isDirectory()) {
      throw new UsageError(`--project ${explicit}: no such folder (${root})`, {
        hint: 'pass the folder that holds your package.json',
      });
    }
    return { root, hasPackageJson: await isFile(join(root, 'package.json')) };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const hasPackageJson = await isFile(join(dir, 'package.json'));
    if (hasPackageJson || (await isFile(join(dir, CONFIG_FILE_NAME)))) return { root: dir, hasPackageJson };
    if (dirname(dir) === dir) return { root: resolve(cwd), hasPackageJson: false };
  }
}

/** The project and its config, from the `--project`, `--config` and `--preset` flags and the config-backed flags. */
export async function openProject<S extends OptionSpecs & typeof projectOptions>(
  input: CommandInput<S>,
  extra: { readonly builtinPresets?: readonly string[] } = {},
): Promise<{ project: Project; loaded: LoadedConfig }> {
  const {
    project: projectFlag,
    config,
    preset,
  } = input.options as { project?: string; config?: string; preset?: string };
  const project = await findProject(input.cwd, projectFlag);
  const loaded = await loadConfig({
    projectRoot: project.root,
    cwd: input.cwd,
    flags: input.configValues,
    ...(config === undefined ? {} : { file: config }),
    ...(preset === undefined ? {} : { preset }),
    ...(extra.builtinPresets ? { builtinPresets: extra.builtinPresets } : {}),
  });
  return { project, loaded };
}

/** The task registry of a project (`openTaskCatalog` of @molap/tasks, from its folder and plugin list). */
export function loadTaskCatalog(project: Project, plugins: readonly string[] | undefined): Promise<TaskCatalog> {
  return openTaskCatalog({
    projectRoot: project.root,
    hasPackageJson: project.hasPackageJson,
    ...(plugins === undefined ? {} : { plugins }),
  });
}

/** Prints each plugin problem as a warning, then applies `--strict` (see `failOnPluginProblems`). */
export function reportPluginProblems(catalog: TaskCatalog, io: CliIo, strict: boolean): void {
  for (const problem of catalog.problems) io.stderr(`molap: warning: ${problem.message}\n`);
  if (strict) failOnPluginProblems(catalog);
}

/** `--strict`: a broken plugin or an id clash is a failure (exit 1). */
export function failOnPluginProblems(catalog: { readonly problems: readonly unknown[] }): void {
  const count = catalog.problems.length;
  if (count === 0) return;
  throw new CommandError(`${count} plugin problem${count === 1 ? '' : 's'} (--strict)`, {
    hint: 'fix or uninstall the plugins named above; `molap tasks doctor` explains what discovery found',
  });
}

/** The task with this id, or a usage error listing the known ids and the closest one. */
export function findTask(registry: TaskRegistry, id: string): Task {
  try {
    return registry.get(id);
  } catch (error) {
    if (isMolapError(error) && error.code === 'unknown-id') {
      throw new UsageError(error.problem, {
        hint: "`molap tasks list` lists them; a plugin's tasks need the plugin among the project's dependencies (`molap tasks doctor` shows what was found)",
      });
    }
    throw error;
  }
}

/** The registries of the plugins a study names besides tasks: strategies, perturbations, latent extractors. */
export type PluginRegistries = Required<import('@molap/study').StudyRegistries>;

/**
 * The strategies, perturbations and latent extractors a command may name: the built-in ones (MoLaP, random
 * modules and the baselines, or `baseStrategies`; the perturbation suite of @molap/analysis; the extractors of
 * @molap/primitives) and those of the project's plugin packages (a `molap` field with apiVersion 2). A plugin
 * value that cannot be registered is a warning (a failure with `--strict`).
 */
export async function loadPluginRegistries(
  catalog: TaskCatalog,
  io: CliIo,
  strict: boolean,
  baseStrategies?: StrategyRegistry,
): Promise<PluginRegistries> {
  const { registries, refused } = await pluginRegistries(catalog, baseStrategies);
  for (const error of refused) io.stderr(`molap: warning: ${error.message}\n`);
  if (strict) failOnPluginProblems({ problems: refused });
  return registries;
}

/**
 * The registries of `loadPluginRegistries`, and the plugin values they refused (a malformed value, an id
 * taken), each a MolapError naming its package; nothing printed.
 */
export async function pluginRegistries(
  catalog: TaskCatalog,
  baseStrategies?: StrategyRegistry,
): Promise<{ readonly registries: PluginRegistries; readonly refused: readonly MolapError[] }> {
  const [{ resolveStudyRegistries }, { registerDiscoveredPlugins }] = await Promise.all([
    import('@molap/study'),
    import('@molap/core'),
  ]);
  const registries = await resolveStudyRegistries(baseStrategies ? { strategies: baseStrategies } : {});
  const refused = catalog.discovery ? registerDiscoveredPlugins(catalog.discovery, registries) : [];
  return { registries, refused };
}

/** The plugin sources of a catalog for worker threads (`pluginSources` of @molap/tasks), or none. */
export function catalogPluginSources(catalog: TaskCatalog): { readonly pluginSources?: PluginSource[] } {
  return catalog.discovery && catalog.discovery.loaded.length > 0
    ? { pluginSources: pluginSources(catalog.discovery) }
    : {};
}

/**
 * The project's config and task catalog, from the `--project`, `--config`, `--preset`, `--plugins` flags;
 * prints plugin warnings (or fails under `--strict`).
 */
export async function openTaskProject<S extends OptionSpecs & typeof projectOptions>(
  input: CommandInput<S>,
): Promise<{ config: LoadedConfig['config']; catalog: TaskCatalog }> {
  const { project, loaded } = await openProject(input);
  const catalog = await loadTaskCatalog(project, loaded.config.tasks?.plugins);
  reportPluginProblems(catalog, input.io, (input.options as { strict?: boolean }).strict === true);
  return { config: loaded.config, catalog };
}

/** The task plugins a catalog loaded, package → version (a worker's identity; `WorkerIdentity.plugins`). */
export const loadedPlugins = (catalog: TaskCatalog): Record<string, string> =>
  Object.fromEntries((catalog.discovery?.loaded ?? []).map((plugin) => [plugin.package, plugin.version]));
