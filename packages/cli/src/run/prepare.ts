/**
 * What every command that reads the `run` section needs before it works: the project and its config (with
 * the built-in presets), the task registry with plugins, an engine and the checked plan.
 */
import type { Engine } from '@molap/backend';
import {
  fitToMachine,
  type MolapConfig,
  parseByteSize,
  planStudy,
  RUN_PRESET_NAMES,
  type StudyPlan,
} from '@molap/study';
import type { TaskRegistry } from '@molap/tasks';
import type { CliIo, CommandInput, projectOptions } from '../command.js';
import type { OptionSpecs } from '../options.js';
import {
  catalogPluginSources,
  loadPluginRegistries,
  loadTaskCatalog,
  openProject,
  type PluginRegistries,
  reportPluginProblems,
} from '../project.js';

/** The config fitted to this machine (`fitToMachine` of @molap/study), with a note on stderr for each change. */
export function machineConfig(config: MolapConfig, io: CliIo): MolapConfig {
  const fitted = fitToMachine(config);
  for (const note of fitted.notes) io.stderr(`molap: note: ${note}\n`);
  return fitted.config;
}

/** `--max-memory` in bytes, when given. */
export const maxMemoryOf = (options: { readonly maxMemory?: string }) =>
  options.maxMemory === undefined ? undefined : parseByteSize(options.maxMemory, '--max-memory');

/** A checked plan, its task registry and an engine (the caller disposes it). */
export interface PreparedRun {
  readonly plan: StudyPlan;
  readonly registry: TaskRegistry;
  readonly engine: Engine;
  /** The strategies, perturbations and extractors the plan was checked against (built-in and plugins'). */
  readonly plugins: PluginRegistries;
}

/** Loads the config (file < preset < flags over the built-in preset) and checks the plan. */
export async function prepareRun<S extends OptionSpecs & typeof projectOptions>(
  input: CommandInput<S>,
  options: { readonly strict: boolean; readonly ignoreHeldOut?: boolean },
): Promise<PreparedRun> {
  const { project, loaded } = await openProject(input, { builtinPresets: RUN_PRESET_NAMES });
  const maxMemory = maxMemoryOf(input.options as { maxMemory?: string });
  const config = machineConfig(loaded.config, input.io);
  const catalog = await loadTaskCatalog(project, config.tasks?.plugins);
  reportPluginProblems(catalog, input.io, options.strict);
  const { createEngine } = await import('@molap/backend');
  const plugins = await loadPluginRegistries(catalog, input.io, options.strict);
  const engine = await createEngine((config.backend ?? {}) as Parameters<typeof createEngine>[0]);
  try {
    const plan = await planStudy(config, (input.options as { preset?: string }).preset, {
      registry: catalog.registry,
      strategyContext: { engine, tasks: catalog.registry },
      ...(maxMemory === undefined ? {} : { maxMemory }),
      ...(options.ignoreHeldOut ? { ignoreHeldOut: true } : {}),
      // Worker threads (module pre-training) load the same task plugins; plugin strategies, perturbations and
      // extractors join the built-in ones.
      ...catalogPluginSources(catalog),
      ...plugins,
    });
    return { plan, registry: catalog.registry, engine, plugins };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}
