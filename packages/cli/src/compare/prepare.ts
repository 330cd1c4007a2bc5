/**
 * What `molap compare` resolves before it compares: the tasks (which must exist), the strategies (built-in
 * and plugin ones; every name checked), the budget and seeds of the config's `compare` section, and the
 * engine and task options, as the options of `compare()` of @molap/baselines.
 */
import { relative } from 'node:path';
import { BASELINE_STRATEGIES, type CompareOptions, checkStrategyNames, createBaselineRegistry } from '@molap/baselines';
import { budgetFromConfig } from '@molap/core';
import { DEFAULT_BUDGET_PRESET, DEFAULT_COMPARE_SEEDS } from '@molap/study';
import { BUILTIN_TASKS_SOURCE } from '@molap/tasks';
import type { CommandInput, projectOptions } from '../command.js';
import { UsageError } from '../errors.js';
import type { OptionSpecs } from '../options.js';
import { checkWritable } from '../output.js';
import {
  catalogPluginSources,
  findTask,
  loadPluginRegistries,
  loadTaskCatalog,
  openProject,
  reportPluginProblems,
} from '../project.js';

export { DEFAULT_BUDGET_PRESET, DEFAULT_COMPARE_SEEDS };

/** A comparison ready to run. */
export interface PreparedComparison {
  /** The options of `compare()`, without its progress callback. */
  readonly options: Omit<CompareOptions, 'onProgress'>;
  /** The file the table is written to (`--out`, checked writable), if any. */
  readonly out?: string;
  /** `out` for messages: relative to the current folder. */
  readonly shownOut?: string;
}

/** Resolves the comparison the config and flags describe; throws usage errors before any work. */
export async function prepareComparison<S extends OptionSpecs & typeof projectOptions>(
  input: CommandInput<S>,
): Promise<PreparedComparison> {
  const { io } = input;
  const strict = (input.options as { strict?: boolean }).strict === true;
  const { project, loaded } = await openProject(input);
  const { config } = loaded;
  const settings = config.compare ?? {};
  const { tasks } = settings;
  if (tasks === undefined) {
    throw new UsageError('molap compare needs the task ids to learn', {
      hint: 'pass --tasks fdgo,dm1 or set "compare": { "tasks": [...] } in molap.config.json',
    });
  }
  const catalog = await loadTaskCatalog(project, config.tasks?.plugins);
  reportPluginProblems(catalog, io, strict);
  for (const id of tasks) findTask(catalog.registry, id);
  // Strategies of installed plugin packages (a "molap" field with apiVersion 2) join the baselines.
  const registry = (await loadPluginRegistries(catalog, io, strict, createBaselineRegistry())).strategies;
  const strategies = settings.strategies ?? BASELINE_STRATEGIES.map((strategy) => strategy.id);
  checkStrategyNames(registry, strategies);
  const budget = budgetFromConfig(settings.budget, DEFAULT_BUDGET_PRESET);
  const { out } = settings;
  const shownOut = out && (relative(input.cwd, out) || out);
  if (out !== undefined) await checkWritable(out, '--out', shownOut);
  const pluginTasks = tasks.some((id) => catalog.registry.source(id) !== BUILTIN_TASKS_SOURCE);
  const plugins = catalogPluginSources(catalog).pluginSources;
  const options: Omit<CompareOptions, 'onProgress'> = {
    registry,
    // Worker threads load the same plugins (tasks and strategies) from where discovery found them.
    ...(plugins ? { plugins } : {}),
    strategies,
    tasks,
    budget,
    seeds: settings.seeds ?? DEFAULT_COMPARE_SEEDS,
    ...(settings.parallelism === undefined ? {} : { parallelism: settings.parallelism }),
    context: {
      ...(config.backend ? { engine: config.backend } : {}),
      ...(pluginTasks ? { tasks: catalog.registry } : {}),
      ...(config.tasks?.options ? { taskOptions: config.tasks.options } : {}),
    },
  };
  return { options, ...(out === undefined ? {} : { out, shownOut: shownOut as string }) };
}
