/**
 * `molap run`: the whole study in a run folder (`planStudy`, `startRunFolder` and `runStudy` of @molap/study):
 * pre-train MoLaP's modules, learn every task with every model, perturb, generalise, analyse, write
 * results.json and report.html, print a summary. Ctrl-C stops at the next checkpoint; `molap run --resume
 * <dir>` continues and ends with the same results.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import * as study from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { runOptions } from '../flags.js';
import { flag } from '../options.js';
import { json, nanToNull, shellQuote } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import {
  catalogPluginSources,
  findTask,
  loadStrategyRegistry,
  loadTaskCatalog,
  openProject,
  reportPluginProblems,
} from '../project.js';
import { createRunDisplay, executorStatusReporter } from '../run/display.js';
import { printDryRun } from '../run/estimate.js';
import { studyFailure, unlessStopped } from '../run/failure.js';
import { machineConfig, maxMemoryOf } from '../run/prepare.js';
import { formatSummary } from '../run/summary.js';
import { loadedPlugins } from './worker.js';

/** A path for messages: relative to the current folder when inside it. */
const shown = (cwd: string, path: string) => {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};

export const runCommand = defineCommand({
  words: ['run'],
  summary: 'the whole study: pre-train MoLaP, learn the tasks, compare, perturb, generalise, report',
  details: [
    'Samples the corpus, extracts latent primitives and pre-trains the modules (parallel), learns every task with',
    'MoLaP, random modules and the baselines, runs the perturbation suite, the held-out tasks and the',
    'dimensionality analyses, and writes results.json and report.html into a new run folder',
    '(<out>/<timestamp>-<preset>/). Presets: quick (default; a few minutes on 2 cores), standard (the reported',
    'comparison; up to an hour), paper (all 20 Yang tasks; big machines). Flags and molap.config.json ("run": {...})',
    'override every preset value. Ctrl-C or SIGTERM stops at the next checkpoint (exit 130 or 143); --resume <dir> continues and',
    'ends with the same results as an uninterrupted run.',
  ],
  args: [],
  interruptible: true,
  options: {
    resume: flag.string('continue the run in this folder, from its last checkpoints, with its recorded config', {
      value: 'dir',
    }),
    dryRun: flag.boolean('print the plan (every option resolved, as JSON) and exit without running'),
    executor: flag.string(
      'where the jobs run: local (this process), or redis://host:port / rediss://… for `molap worker` processes anywhere; `redis` alone reads the URL from MOLAP_REDIS_URL (docs/distributed.md)',
      { value: 'where', defaultText: 'local' },
    ),
    out: flag.string('folder the run folder is created in', {
      value: 'dir',
      defaultText: 'molap-runs',
      config: ['run', 'out'],
    }),
    ...runOptions,
    ...outputOptions,
    ...projectOptions,
    ...commonOptions,
  },
  examples: [
    'molap run',
    'molap run --preset standard',
    'molap run --tasks fdgo,fdanti,delaygo --held-out delaygo --steps 200 --seeds 1,2',
    'molap run --resume molap-runs/20251126-142501-quick',
    'molap run --preset standard --executor redis://localhost:6379',
    'molap run --preset standard --dry-run',
    'molap run --json --quiet > summary.json',
  ],
  async run(input) {
    const { options, io, cwd, signal } = input;
    const { resume: resumeFrom, strict = false } = options;
    // --engine may be given with --resume: it says explicitly that the run continues on another engine.
    const changed = [
      ...input.configValues.map((value) => value.flag).filter((name) => name !== '--engine'),
      ...(options.preset === undefined ? [] : ['--preset']),
      ...(options.config === undefined ? [] : ['--config']),
    ];
    if (resumeFrom !== undefined && changed.length > 0) {
      throw new UsageError(
        `--resume continues a run with the config it started with: ${changed.join(', ')} cannot change it`,
        { hint: 'drop those flags, or start a new run with them' },
      );
    }
    const { project, loaded } = await openProject(input, { builtinPresets: study.RUN_PRESET_NAMES });
    const maxMemory = maxMemoryOf(options);
    const config = machineConfig(loaded.config, io);
    const record =
      resumeFrom === undefined ? undefined : await study.readRunRecord(resolve(cwd, resumeFrom), resumeFrom);
    const catalog = await loadTaskCatalog(project, record ? record.plan.plugins : config.tasks?.plugins);
    reportPluginProblems(catalog, io, strict);
    const strategies = await loadStrategyRegistry(catalog, io, strict);
    const backend = record
      ? machineConfig({ backend: study.resumedBackend(record, options.engine) }, io).backend
      : config.backend;
    const engine = await (await import('@molap/backend')).createEngine((backend ?? {}) as never);
    try {
      if (record)
        study.checkResumedEngine(record, engine.name, { shown: resumeFrom!, explicit: options.engine !== undefined });
      // Redis is checked (reachable, password) before any work or folder.
      const local = options.dryRun || options.executor === undefined || options.executor === 'local';
      const distributed = local ? undefined : await import('@molap/distributed');
      const executor = distributed?.executorChoice(options.executor);
      if (executor) (await distributed!.connectRedis(executor.target)).disconnect();
      const plan =
        record?.plan ??
        (await study.planStudy(config, options.preset, {
          registry: catalog.registry,
          strategyContext: { engine, tasks: catalog.registry },
          ...catalogPluginSources(catalog),
          strategies,
          ...(maxMemory === undefined ? {} : { maxMemory }),
        }));
      const mode = progressMode(options);
      if (options.dryRun) return void (await printDryRun(plan, io, mode));
      for (const id of record ? plan.tasks : []) findTask(catalog.registry, id);
      const runDir = record
        ? resolve(cwd, resumeFrom!)
        : await study.startRunFolder(plan, {
            config,
            engine: engine.name,
            parent: config.run?.out ?? resolve(cwd, 'molap-runs'),
          });
      const where = shown(cwd, runDir);
      const resume = `molap run --resume ${shellQuote(where)}${executor ? ` --executor ${shellQuote(executor.shown)}` : ''}`;
      const progress = await createProgress(mode, io);
      const display = await createRunDisplay(plan, progress, mode);
      display.begin({ runDir, where, resumed: record !== undefined, engine: engine.name });
      const started = performance.now();
      const output = await unlessStopped(
        study.runStudy(plan, {
          runDir,
          engine,
          registry: catalog.registry,
          strategies,
          onEvent: display.handle,
          signal,
          ...(executor
            ? {
                executor: distributed!.createRedisExecutor({
                  url: executor.target.url,
                  plan,
                  runDir,
                  identity: { molapVersion: study.PACKAGE_VERSION, plugins: loadedPlugins(catalog) },
                  onStatus: executorStatusReporter(progress, mode),
                }),
              }
            : {}),
        }),
        {
          progress,
          signal,
          io,
          stopped: `molap: interrupted; the run folder keeps every checkpoint. Continue with:\n  ${resume}\n`,
          describe: (error) => studyFailure(error, resume),
        },
      );
      if (output === undefined) return ExitCode.interrupted;
      display.finish((performance.now() - started) / 1000, output);
      io.stdout(
        options.json
          ? json(study.summariseStudy(runDir, plan, output), nanToNull)
          : `${formatSummary(output.results)}\nreport: ${shown(cwd, output.reportFile)}\n`,
      );
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
