/**
 * `molap tasks list|show|plot|export|doctor`: the task registry of the project (built-in Yang et al. 2019
 * tasks and discovered plugins), a task's description, one trial as SVG, a batch as `.npz`, and what
 * plugin discovery found.
 */
import { resolve } from 'node:path';
import {
  EXPORT_FORCE_BYTES,
  estimateBatch,
  formatBytes as formatSize,
  type MolapConfig,
  memoryLimit,
} from '@molap/study';
import {
  type Batch,
  createRng,
  type GenerationMode,
  plotTrial,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  taskRule,
  trialLengthStats,
  writeNpz,
  YANG19_SCORE,
} from '@molap/tasks';
import { type CommandInput, commonOptions, defineCommand, projectOptions } from '../command.js';
import { UsageError } from '../errors.js';
import { flag, type OptionSpecs } from '../options.js';
import { formatBytes, formatNumber, formatTable, writeOutput, writeTextFile } from '../output.js';
import {
  BUILTIN_TASKS_SOURCE,
  failOnPluginProblems,
  findTask,
  loadTaskCatalog,
  openProject,
  reportPluginProblems,
  type TaskCatalog,
} from '../project.js';

/** Seed of generated batches when `--seed` is not given. */
export const DEFAULT_SEED = 0;
/** Trials sampled for the random-mode trial-length statistics of `tasks show`. */
export const DEFAULT_STAT_TRIALS = 1000;

const taskSourceOptions = {
  ...projectOptions,
  plugins: flag.list('load exactly these plugin packages instead of discovering them', {
    value: 'pkg,…',
    config: ['tasks', 'plugins'],
  }),
  strict: flag.boolean('fail (exit 1) when a task plugin is broken, instead of warning'),
};

/** The project's config and task registry; prints plugin warnings (or fails under `--strict`). */
async function openTasks<S extends OptionSpecs & typeof taskSourceOptions>(
  input: CommandInput<S>,
): Promise<{ config: MolapConfig; catalog: TaskCatalog }> {
  const { project, loaded } = await openProject(input);
  const catalog = await loadTaskCatalog(project, loaded.config.tasks?.plugins);
  reportPluginProblems(catalog, input.io, input.options.strict === true);
  return { config: loaded.config, catalog };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const tasksList = defineCommand({
  words: ['tasks', 'list'],
  summary: 'list the tasks: the built-in Yang et al. 2019 tasks and those of plugins in this project',
  args: [],
  options: {
    tag: flag.string('only tasks with this tag', { value: 'tag' }),
    json: flag.boolean('print JSON: [{ id, name, source, tags, paper, link, periods }]'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: ['molap tasks list', 'molap tasks list --tag delay', 'molap tasks list --json --project ../my-lab'],
  async run(input) {
    const { catalog } = await openTasks(input);
    const { registry } = catalog;
    const tasks = registry.list(input.options.tag === undefined ? {} : { tag: input.options.tag });
    const rows = tasks.map((task) => ({
      id: task.id,
      name: task.meta.displayName,
      source: registry.source(task.id) ?? 'unknown',
      tags: [...task.meta.tags],
      paper: task.meta.paper,
      link: task.meta.link,
      periods: [...task.periods],
    }));
    if (input.options.json) {
      input.io.stdout(json(rows));
      return;
    }
    input.io.stdout(
      formatTable(
        ['id', 'name', 'source', 'tags'],
        rows.map((row) => [row.id, row.name, row.source, row.tags.join(', ')]),
      ),
    );
    const plugins = new Set(rows.map((row) => row.source)).size;
    const filter = input.options.tag === undefined ? '' : ` with tag "${input.options.tag}"`;
    input.io.stderr(
      `${rows.length} task${rows.length === 1 ? '' : 's'}${filter} from ${plugins} source${plugins === 1 ? '' : 's'}\n`,
    );
  },
});

/** Task options from the config plus the command's mode. */
function taskOptions(config: MolapConfig, mode: GenerationMode): Partial<TaskOptions> {
  return { ...config.tasks?.options, mode };
}

export const tasksShow = defineCommand({
  words: ['tasks', 'show'],
  summary: 'describe a task: paper, periods, channels, defaults and trial-length statistics',
  args: [{ name: 'id', description: 'task id (see `molap tasks list`)', required: true }],
  options: {
    trials: flag.integer('trials sampled for the random-mode trial-length statistics', {
      value: 'n',
      min: 1,
      defaultText: String(DEFAULT_STAT_TRIALS),
    }),
    seed: flag.integer('seed of the sampled trials', { value: 'seed', defaultText: String(DEFAULT_SEED) }),
    json: flag.boolean('print JSON'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: ['molap tasks show fdgo', 'molap tasks show neurogym/go-no-go --json'],
  async run(input) {
    const { config, catalog } = await openTasks(input);
    const task = findTask(catalog.registry, input.args[0]);
    const options = resolveTaskOptions(task, config.tasks?.options ?? {});
    const layout = task.layout(options);
    const seed = input.options.seed ?? DEFAULT_SEED;
    const random = trialLengthStats(task, taskOptions(config, 'random'), {
      trials: input.options.trials ?? DEFAULT_STAT_TRIALS,
      seed,
    });
    const test = trialLengthStats(task, taskOptions(config, 'test'), { seed });
    const { conditions: _conditions, ...shown } = options;
    const description = {
      id: task.id,
      name: task.meta.displayName,
      description: task.meta.description,
      source: catalog.registry.source(task.id) ?? 'unknown',
      paper: task.meta.paper,
      link: task.meta.link,
      tags: [...task.meta.tags],
      periods: [...task.periods],
      rule: taskRule(task),
      score: task.score
        ? { id: task.score.id, description: task.score.description, criterion: task.score.criterion ?? null }
        : { id: YANG19_SCORE.id, description: YANG19_SCORE.description, criterion: null },
      taskDefaults: task.defaults ?? {},
      options: shown,
      inputs: layout.inputs,
      outputs: layout.outputs,
      trialLength: { random: { seed, ...random }, test },
    };
    if (input.options.json) {
      input.io.stdout(json(description));
      return;
    }
    const groups = (list: typeof layout.inputs | typeof layout.outputs) =>
      formatTable(
        ['  group', 'role', 'units'],
        list.map((group) => [
          `  ${group.name}`,
          group.role,
          group.size === 1 ? String(group.start) : `${group.start}–${group.start + group.size - 1}`,
        ]),
      );
    const stats = (label: string, s: typeof random) =>
      `  ${label}: ${s.trials} trial${s.trials === 1 ? '' : 's'}, min ${s.min}, mean ${formatNumber(s.mean, 1)}, ` +
      `sd ${formatNumber(s.sd, 1)}, p95 ${formatNumber(s.p95, 1)}, max ${s.max} steps (${s.dt} ms each)`;
    const defaults = Object.entries(task.defaults ?? {}).filter(([key]) => key !== 'rules');
    const lines = [
      `${task.id}: ${task.meta.displayName}`,
      `  ${task.meta.description}`,
      '',
      `source    ${description.source}`,
      `paper     ${task.meta.paper}${task.meta.link ? ` <${task.meta.link}>` : ''}`,
      `tags      ${task.meta.tags.join(', ')}`,
      `periods   ${task.periods.join(' → ')}`,
      `rule      ${taskRule(task)} (its unit in the rule block composed for the tasks that share a network)`,
      `score     ${description.score.id}: ${description.score.description}${description.score.criterion === null ? '' : ` Criterion ${description.score.criterion}.`}`,
      `defaults  ${defaults.length === 0 ? '(library defaults)' : defaults.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}${task.defaults?.rules ? `, rules: ${task.defaults.rules.length} ids` : ''}`,
      `options   dt ${options.dt} ms, ringSize ${options.ringSize}, batchSize ${options.batchSize}, noise ${options.noise ? `on (σx ${options.inputNoiseSigma})` : 'off'}, tau ${options.tau} ms, ${options.rules.length} rules`,
      '',
      `inputs (${layout.inputSize})`,
      groups(layout.inputs).trimEnd(),
      `outputs (${layout.outputSize})`,
      groups(layout.outputs).trimEnd(),
      '',
      'trial length',
      stats(`random (seed ${seed})`, random),
      stats('test grid', test),
    ];
    input.io.stdout(`${lines.join('\n')}\n`);
  },
});

const batchOptions = {
  seed: flag.integer('seed of the batch', { value: 'seed', defaultText: String(DEFAULT_SEED) }),
  batchSize: flag.integer('trials per random-mode batch (test mode uses the task grid)', {
    value: 'n',
    min: 1,
    config: ['tasks', 'options', 'batchSize'],
  }),
  noise: flag.boolean('input noise (--no-noise for a noise-free batch)', {
    negatable: true,
    config: ['tasks', 'options', 'noise'],
  }),
};

/**
 * Refuses, before the batch is built, an export that cannot fit in memory (exit 2) or that is larger than
 * `EXPORT_FORCE_BYTES` without `--force`, naming its shape and the options that set it.
 */
function checkExportSize(task: Task, options: Partial<TaskOptions>, force: boolean): void {
  const estimate = estimateBatch(task, options);
  const shape = `${estimate.batchSize} trials × ${estimate.steps} steps × ${estimate.channels} channels (float32)`;
  const fix = 'lower --batch-size, raise tasks.options.dt or lower tasks.options.ringSize';
  const limit = memoryLimit();
  if (estimate.bytes > limit.bytes) {
    throw new UsageError(
      `the batch would take about ${formatSize(estimate.bytes)} (${shape}), more than ${limit.source} (${formatSize(limit.bytes)})`,
      { hint: fix },
    );
  }
  if (estimate.bytes > EXPORT_FORCE_BYTES && !force) {
    throw new UsageError(
      `the export would write about ${formatSize(estimate.bytes)} (${shape}), more than ${formatSize(EXPORT_FORCE_BYTES)}`,
      { hint: `add --force to write it anyway, or ${fix}` },
    );
  }
}

/** The batch `tasks plot` and `tasks export` work on: same task, options, mode and seed, same batch. */
function generate(task: Task, config: MolapConfig, mode: GenerationMode, seed: number): Batch {
  return task.generate(createRng(seed), resolveTaskOptions(task, taskOptions(config, mode)));
}

const describeBatch = (batch: Batch, mode: string, seed: number, noise: boolean) =>
  `${batch.taskId}, ${mode} mode, seed ${seed}, noise ${noise ? 'on' : 'off'}: ${batch.batchSize} trials × ${batch.steps} steps of ${batch.dt} ms, ${batch.inputSize} inputs, ${batch.outputSize} outputs`;

export const tasksPlot = defineCommand({
  words: ['tasks', 'plot'],
  summary: 'draw one trial (inputs, targets, loss mask, periods, go cue) as an SVG file',
  details: [
    'The trial is trial <i> of the batch `molap tasks export` writes with the same id, mode, seed and options.',
  ],
  args: [{ name: 'id', description: 'task id (see `molap tasks list`)', required: true }],
  options: {
    out: flag.string('SVG file to write', { value: 'file', required: true }),
    trial: flag.integer('index of the trial in the batch', { value: 'i', min: 0, defaultText: '0' }),
    mode: flag.choice(['random', 'test'] as const, 'random: drawn conditions; test: the deterministic grid', {
      defaultText: 'random',
    }),
    ...batchOptions,
    json: flag.boolean('print what was written as JSON'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: [
    'molap tasks plot fdgo --out fdgo.svg',
    'molap tasks plot dm1 --mode test --trial 12 --no-noise --out dm1-12.svg',
  ],
  async run(input) {
    const { config, catalog } = await openTasks(input);
    const task = findTask(catalog.registry, input.args[0]);
    const mode = input.options.mode ?? 'random';
    const seed = input.options.seed ?? DEFAULT_SEED;
    const trial = input.options.trial ?? 0;
    const batch = generate(task, config, mode, seed);
    if (trial >= batch.batchSize) {
      throw new UsageError(`--trial ${trial} is out of range: the batch has ${batch.batchSize} trials`, {
        hint: `pass --trial 0 to ${batch.batchSize - 1}${mode === 'random' ? ', or a larger --batch-size' : ''}`,
      });
    }
    const out = resolve(input.cwd, input.options.out);
    const svg = plotTrial(batch, trial);
    await writeTextFile(out, svg);
    const noise = config.tasks?.options?.noise ?? true;
    if (input.options.json) {
      input.io.stdout(json({ file: out, taskId: task.id, trial, mode, seed, noise, steps: batch.trialSteps[trial] }));
    } else {
      input.io.stdout(`wrote ${input.options.out}: trial ${trial} of ${describeBatch(batch, mode, seed, noise)}\n`);
    }
  },
});

export const tasksExport = defineCommand({
  words: ['tasks', 'export'],
  summary: 'write a batch of a task to a NumPy .npz file (np.load reads it)',
  details: [
    'Entries: inputs, targets, mask [T, B, C] float32; target_angle [T, B]; trial_steps, go_cue [B];',
    'epoch_<name>_start/end [B]; task_id; dt; the channel layout (see the @molap/tasks README).',
  ],
  args: [{ name: 'id', description: 'task id (see `molap tasks list`)', required: true }],
  options: {
    mode: flag.choice(['random', 'test'] as const, 'random: drawn conditions; test: the deterministic grid', {
      required: true,
    }),
    out: flag.string('.npz file to write', { value: 'file', required: true }),
    ...batchOptions,
    compress: flag.boolean('deflate the arrays (like np.savez_compressed)'),
    force: flag.boolean('write an export larger than 256 MB'),
    json: flag.boolean('print what was written as JSON'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: [
    'molap tasks export fdgo --mode test --no-noise --out fdgo-test.npz',
    'molap tasks export contextdm1 --mode random --batch-size 256 --seed 7 --out train.npz',
  ],
  async run(input) {
    const { config, catalog } = await openTasks(input);
    const task = findTask(catalog.registry, input.args[0]);
    const { mode } = input.options;
    const seed = input.options.seed ?? DEFAULT_SEED;
    checkExportSize(task, taskOptions(config, mode), input.options.force === true);
    const batch = generate(task, config, mode, seed);
    const out = resolve(input.cwd, input.options.out);
    await writeOutput(out, (target) => writeNpz(batch, target, { compress: input.options.compress === true }));
    const noise = config.tasks?.options?.noise ?? true;
    if (input.options.json) {
      input.io.stdout(
        json({
          file: out,
          taskId: task.id,
          mode,
          seed,
          noise,
          shape: { steps: batch.steps, batchSize: batch.batchSize, inputs: batch.inputSize, outputs: batch.outputSize },
        }),
      );
    } else {
      const { stat } = await import('node:fs/promises');
      const size = formatBytes((await stat(out)).size);
      input.io.stdout(`wrote ${input.options.out} (${size}): ${describeBatch(batch, mode, seed, noise)}\n`);
    }
  },
});

export const tasksDoctor = defineCommand({
  words: ['tasks', 'doctor'],
  summary: 'show what task plugin discovery found, and why each package was skipped or rejected',
  details: [
    "Discovery looks at the project's direct dependencies (dependencies, devDependencies,",
    'optionalDependencies) and loads those whose package.json has a "molap" field.',
  ],
  args: [],
  options: {
    json: flag.boolean('print JSON: { projectRoot, loaded, skipped, problems }'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: ['molap tasks doctor', 'molap tasks doctor --strict   # exit 1 when a plugin is broken'],
  async run(input) {
    const { project, loaded } = await openProject(input);
    const catalog = await loadTaskCatalog(project, loaded.config.tasks?.plugins);
    const discovery = catalog.discovery;
    const builtins = catalog.registry
      .list()
      .filter((task) => catalog.registry.source(task.id) === BUILTIN_TASKS_SOURCE);
    const problems = catalog.problems.map((error) => ({
      code: error.code,
      problem: error.problem,
      source: error.source ?? null,
      hint: error.hint ?? null,
    }));
    const strict = input.options.strict === true;
    if (input.options.json) {
      input.io.stdout(
        json({
          projectRoot: project.root,
          config: loaded.file ?? null,
          explicitPlugins: loaded.config.tasks?.plugins ?? null,
          builtinTasks: builtins.length,
          loaded: (discovery?.loaded ?? []).map((plugin) => ({
            package: plugin.package,
            version: plugin.version,
            directory: plugin.directory,
            tasks: plugin.tasks.map((task) => task.id),
          })),
          skipped: discovery?.skipped ?? [],
          problems,
          note: catalog.note ?? null,
        }),
      );
    } else {
      const lines = [
        `project   ${project.root}${project.hasPackageJson ? '' : ' (no package.json)'}`,
        `config    ${loaded.file ?? '(none)'}`,
        `plugins   ${loaded.config.tasks?.plugins ? `listed in the config: ${loaded.config.tasks.plugins.join(', ')}` : "discovered among the project's direct dependencies"}`,
        `built-in  ${builtins.length} tasks from @molap/tasks`,
      ];
      if (catalog.note) lines.push('', `note: ${catalog.note}`);
      if (discovery) {
        lines.push('', `loaded (${discovery.loaded.length})`);
        for (const plugin of discovery.loaded) {
          lines.push(
            `  ✔ ${plugin.package}@${plugin.version}: ${plugin.tasks.length} task${plugin.tasks.length === 1 ? '' : 's'} (${plugin.tasks.map((task) => task.id).join(', ')})`,
          );
        }
        lines.push('', `skipped (${discovery.skipped.length})`);
        for (const skip of discovery.skipped) lines.push(`  - ${skip.package}: ${skip.reason}`);
      }
      lines.push('', `problems (${catalog.problems.length})`);
      for (const error of catalog.problems) {
        lines.push(`  ✖ ${error.problem}`);
        if (error.source) lines.push(`      source: ${error.source}`);
        if (error.hint) lines.push(`      hint: ${error.hint}`);
      }
      input.io.stdout(`${lines.join('\n')}\n`);
    }
    if (strict) failOnPluginProblems(catalog);
  },
});

export const TASKS_COMMANDS = [tasksList, tasksShow, tasksPlot, tasksExport, tasksDoctor];
