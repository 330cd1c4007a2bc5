/**
 * What every command that reads the `run` section needs before it works: the project and its config (with
 * the built-in presets), the task registry with plugins, an engine and the checked plan.
 */
import type { Engine } from '@molap/backend';
import {
  capAtCores,
  checkEngineEnvironment,
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
  loadStrategyRegistry,
  loadTaskCatalog,
  openProject,
  reportPluginProblems,
} from '../project.js';

/**
 * The config fitted to this machine before any engine or worker starts: the engine environment variables
 * checked (exit 2 naming the variable), native threads and pre-training workers capped at the cores (with a
 * note on stderr).
 */
export function machineConfig(config: MolapConfig, io: CliIo): MolapConfig {
  checkEngineEnvironment();
  const backend = (config.backend ?? {}) as { threads?: number };
  const bank = (config.run?.bank ?? {}) as { workers?: number };
  const threads = capAtCores(backend.threads, 'backend.threads (--threads)');
  const workers = capAtCores(bank.workers, 'run.bank.workers (--workers)');
  for (const note of [threads.note, workers.note]) if (note) io.stderr(`molap: note: ${note}\n`);
  if (!threads.note && !workers.note) return config;
  return {
    ...config,
    ...(threads.note ? { backend: { ...config.backend, threads: threads.value } } : {}),
    ...(workers.note ? { run: { ...config.run, bank: { ...config.run?.bank, workers: workers.value } } } : {}),
  } as MolapConfig;
}

/** `--max-memory` in bytes, when given. */
export const maxMemoryOf = (options: { readonly maxMemory?: string }) =>
  options.maxMemory === undefined ? undefined : parseByteSize(options.maxMemory, '--max-memory');

/** A checked plan, its task registry and an engine (the caller disposes it). */
export interface PreparedRun {
  readonly plan: StudyPlan;
  readonly registry: TaskRegistry;
  readonly engine: Engine;
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
  const engine = await createEngine((config.backend ?? {}) as Parameters<typeof createEngine>[0]);
  try {
    const plan = await planStudy(config, (input.options as { preset?: string }).preset, {
      registry: catalog.registry,
      strategyContext: { engine, tasks: catalog.registry },
      ...(maxMemory === undefined ? {} : { maxMemory }),
      ...(options.ignoreHeldOut ? { ignoreHeldOut: true } : {}),
      // Worker threads (module pre-training) load the same task plugins; plugin strategies join the built-in ones.
      ...catalogPluginSources(catalog),
      strategies: await loadStrategyRegistry(catalog, input.io, options.strict),
    });
    return { plan, registry: catalog.registry, engine };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}
