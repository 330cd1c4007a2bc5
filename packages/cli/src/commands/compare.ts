/**
 * `molap compare`: `compare()` of @molap/baselines with its options from molap.config.json (`compare`,
 * `backend`, `tasks`) and flags. Progress on stderr, the table on stdout (or as JSON), and the whole
 * `ComparisonTable` in `--out`.
 */
import { relative } from 'node:path';
import { type BudgetConfig, ENGINE_KINDS, type StrategySpecConfig, TFJS_BACKENDS } from '@molap/study';
import { closestName, pluginSources } from '@molap/tasks';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { flag } from '../options.js';
import { checkWritable, formatNumber, formatTable, writeTextFile } from '../output.js';
import { createProgress, type Progress, progressMode } from '../progress.js';
import {
  BUILTIN_TASKS_SOURCE,
  failOnPluginProblems,
  findTask,
  loadTaskCatalog,
  openProject,
  reportPluginProblems,
} from '../project.js';

/** Seeds when neither the config nor `--seeds` name any. */
export const DEFAULT_COMPARE_SEEDS: readonly number[] = [1];
/** Budget preset when neither the config nor `--budget` name one: the budget of the reported comparisons. */
export const DEFAULT_BUDGET_PRESET = 'standard';

const budget = (key: string, description: string, min: number) =>
  flag.integer(description, { value: 'n', min, config: ['compare', 'budget', key] });

export const compareCommand = defineCommand({
  words: ['compare'],
  summary: 'compare multi-task strategies on the same tasks, budget, seeds and evaluation trials',
  details: [
    'Each strategy learns the tasks once per seed (one job each; jobs run in worker threads) and is evaluated',
    'on the same fixed trials. Strategy options go in molap.config.json: "compare": { "strategies": [',
    '"multitask", { "strategy": "ewc", "options": { "lambda": 0 }, "label": "ewc-0" } ] }.',
    'An interrupted comparison (Ctrl-C, exit 130) starts over when run again: compare() keeps no checkpoints yet.',
  ],
  args: [],
  options: {
    tasks: flag.list('task ids, learned in this order by sequential strategies', {
      value: 'id,…',
      config: ['compare', 'tasks'],
    }),
    strategies: flag.list('strategy names', {
      value: 'name,…',
      defaultText: 'multitask,independent,psp,ewc,sequential',
      config: ['compare', 'strategies'],
    }),
    seeds: flag.integers('one job per strategy and seed', {
      value: 's,…',
      defaultText: DEFAULT_COMPARE_SEEDS.join(','),
      config: ['compare', 'seeds'],
    }),
    budget: flag.string('budget preset: quick (seconds, nothing learned well) or standard', {
      value: 'preset',
      defaultText: DEFAULT_BUDGET_PRESET,
      config: ['compare', 'budget', 'preset'],
    }),
    steps: budget('steps', 'optimiser steps per task (overrides the preset)', 0),
    batchSize: budget('batchSize', 'trials per optimiser step', 1),
    evalEvery: budget('evalEvery', 'evaluate every n steps for the learning curve (0: at the end only)', 0),
    evalTrials: budget('evalTrials', 'trials per task in each evaluation', 1),
    criterion: flag.number('performance that counts as learned', {
      value: 'p',
      config: ['compare', 'budget', 'criterion'],
    }),
    parallelism: flag.integer('worker threads', {
      value: 'n',
      min: 1,
      defaultText: 'one per core',
      config: ['compare', 'parallelism'],
    }),
    engine: flag.choice(ENGINE_KINDS, 'engine family', { config: ['backend', 'engine'] }),
    tfjsBackend: flag.choice(TFJS_BACKENDS, 'tfjs backend', { config: ['backend', 'tfjsBackend'] }),
    threads: flag.integer('threads of the native engine in this thread', {
      value: 'n',
      min: 1,
      config: ['backend', 'threads'],
    }),
    out: flag.string('write the comparison table (JSON, schema COMPARISON_TABLE_SCHEMA) to this file', {
      value: 'file',
      config: ['compare', 'out'],
    }),
    ...outputOptions,
    ...projectOptions,
    plugins: flag.list('load exactly these task plugin packages instead of discovering them', {
      value: 'pkg,…',
      config: ['tasks', 'plugins'],
    }),
    strict: flag.boolean('fail (exit 1) when a task plugin is broken, instead of warning'),
    ...commonOptions,
  },
  examples: [
    'molap compare --tasks fdgo,reactgo,dm1 --budget quick',
    'molap compare --tasks fdgo,fdanti --strategies ewc,sequential --seeds 1,2,3 --out runs/ewc.json',
    'molap compare --preset paper --json > table.json',
  ],
  async run(input) {
    const { project, loaded } = await openProject(input);
    const { config } = loaded;
    const settings = config.compare ?? {};
    if (settings.tasks === undefined) {
      throw new UsageError('molap compare needs the task ids to learn', {
        hint: 'pass --tasks fdgo,dm1 or set "compare": { "tasks": [...] } in molap.config.json',
      });
    }
    const catalog = await loadTaskCatalog(project, config.tasks?.plugins);
    reportPluginProblems(catalog, input.io, input.options.strict === true);
    for (const id of settings.tasks) findTask(catalog.registry, id);
    const pluginTasks = settings.tasks.some((id) => catalog.registry.source(id) !== BUILTIN_TASKS_SOURCE);

    const baselines = await import('@molap/baselines');
    const strategies: readonly StrategySpecConfig[] =
      settings.strategies ?? baselines.BASELINE_STRATEGIES.map((strategy) => strategy.id);
    const known = baselines.createBaselineRegistry();
    // Strategies of installed plugin packages (a "molap" field with apiVersion 2) join the baselines.
    if (catalog.discovery) {
      const { registerDiscoveredPlugins } = await import('@molap/core');
      const refused = registerDiscoveredPlugins(catalog.discovery, { strategies: known });
      for (const error of refused) input.io.stderr(`molap: warning: ${error.message}\n`);
      if (refused.length > 0 && input.options.strict === true) failOnPluginProblems({ problems: refused });
    }
    for (const spec of strategies) {
      const name = typeof spec === 'string' ? spec : spec.strategy;
      if (!known.has(name)) {
        const guess = closestName(name, known.ids());
        throw new UsageError(`unknown strategy "${name}"${guess ? `. Did you mean "${guess}"?` : ''}`, {
          hint: `the strategies are ${known.ids().join(', ')}`,
        });
      }
    }
    const learningBudget = resolveBudget(settings.budget, (await import('@molap/core')).BUDGET_PRESETS);
    const out = settings.out;
    if (out !== undefined) await checkWritable(out, '--out', relative(input.cwd, out) || out);

    const progress = await createProgress(progressMode(input.options), input.io);
    const started = Date.now();
    let table: Awaited<ReturnType<typeof baselines.compare>>;
    try {
      table = await baselines.compare({
        registry: known,
        // Worker threads load the same plugins (tasks and strategies) from where discovery found them.
        ...(catalog.discovery && catalog.discovery.loaded.length > 0
          ? { plugins: pluginSources(catalog.discovery) }
          : {}),
        strategies,
        tasks: settings.tasks,
        budget: learningBudget,
        seeds: settings.seeds ?? DEFAULT_COMPARE_SEEDS,
        ...(settings.parallelism === undefined ? {} : { parallelism: settings.parallelism }),
        context: {
          ...(config.backend ? { engine: config.backend } : {}),
          ...(pluginTasks ? { tasks: catalog.registry } : {}),
          ...(config.tasks?.options ? { taskOptions: config.tasks.options } : {}),
        },
        onProgress: progressReporter(progress),
      });
    } catch (error) {
      progress.end('failed');
      throw error;
    }
    progress.end('done', `compare: ${table.runs.length} jobs in ${formatDuration(Date.now() - started)}`);
    if (out !== undefined) {
      await writeTextFile(out, `${JSON.stringify(table, null, 2)}\n`);
      if (!input.options.quiet) input.io.stderr(`wrote ${relative(input.cwd, out) || out}\n`);
    }
    if (input.options.json) input.io.stdout(`${JSON.stringify(table, null, 2)}\n`);
    else input.io.stdout(summarise(table));
  },
});

/** The budget of a config: the preset's values, overridden by the fields given. */
function resolveBudget(
  config: BudgetConfig | string | undefined,
  presets: Readonly<Record<string, import('@molap/core').LearningBudget>>,
) {
  const { preset = DEFAULT_BUDGET_PRESET, ...fields } =
    typeof config === 'string' ? { preset: config } : (config ?? {});
  const base = presets[preset];
  if (base === undefined) {
    const guess = closestName(preset, Object.keys(presets));
    throw new UsageError(`unknown budget preset "${preset}"${guess ? `. Did you mean "${guess}"?` : ''}`, {
      hint: `the presets are ${Object.keys(presets).join(', ')}; --steps, --batch-size, --eval-every, --eval-trials and --criterion override their values`,
    });
  }
  return { ...base, ...fields };
}

type CompareEvent = Parameters<NonNullable<import('@molap/baselines').CompareOptions['onProgress']>>[0];

/** Maps compare's progress events to the display: a status line per learning-curve point, a step per job. */
function progressReporter(progress: Progress): (event: CompareEvent) => void {
  let jobs = 0;
  let done = 0;
  return (event) => {
    progress.event(event);
    switch (event.type) {
      case 'start':
        jobs = event.jobs;
        progress.step(
          `compare: ${event.jobs} job${event.jobs === 1 ? '' : 's'} ${
            event.mode === 'workers' ? `on ${event.workers} worker threads` : `in this thread (${event.reason})`
          }`,
        );
        break;
      case 'job-start':
        progress.status(`[${done}/${jobs}] ${event.strategy} seed ${event.seed}: starting`);
        break;
      case 'curve':
        progress.status(
          `[${done}/${jobs}] ${event.strategy} seed ${event.seed}: ${event.taskId} step ${event.point.step}, performance ${event.point.performance.toFixed(2)}`,
        );
        break;
      case 'job-end':
        done++;
        progress.step(`[${done}/${jobs}] ${event.strategy} seed ${event.seed} done`);
        break;
    }
  };
}

const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
};

/** Mean final performance per task (rows) and strategy (columns) over the seeds, and mean trainable parameters. */
function summarise(table: import('@molap/baselines').ComparisonTable): string {
  const labels = table.strategies.map((strategy) => strategy.label);
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const cell = (label: string, taskId: string | undefined, pick: (row: (typeof table.rows)[number]) => number) =>
    mean(
      table.rows.filter((row) => row.strategy === label && (taskId === undefined || row.taskId === taskId)).map(pick),
    );
  const rows = table.tasks.map((taskId) => [
    taskId,
    ...labels.map((label) => cell(label, taskId, (row) => row.performance).toFixed(3)),
  ]);
  rows.push(['mean', ...labels.map((label) => cell(label, undefined, (row) => row.performance).toFixed(3))]);
  rows.push([
    'trainable/task',
    ...labels.map((label) =>
      formatNumber(
        cell(label, undefined, (row) => row.trainableParameters),
        0,
      ),
    ),
  ]);
  const seeds = table.seeds.length;
  return `final performance, mean over ${seeds} seed${seeds === 1 ? '' : 's'} (${table.seeds.join(', ')})\n${formatTable(['task', ...labels], rows)}`;
}
