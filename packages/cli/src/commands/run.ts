/**
 * `molap run`: the whole study in a run folder. Pre-train MoLaP's modules on the corpus, learn every task
 * with MoLaP, random modules and the baselines, run the perturbation suite, the held-out tasks and the
 * state analyses (`analyseModels` of @molap/analysis), write results.json and report.html, print a summary.
 * Ctrl-C stops at the next checkpoint; `molap run --resume <dir>` continues and ends with the same results.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { NETWORK_OPTIONS } from '@molap/baselines';
import { BUDGET_OPTIONS, isMolapError } from '@molap/core';
import { MODULE_TRAINING_OPTIONS } from '@molap/primitives';
import {
  createRunFolder,
  DIVERGED_CODE,
  ENGINE_KINDS,
  formatSeconds,
  PACKAGE_VERSION,
  planStudy,
  RUN_FORMAT,
  RUN_FORMAT_VERSION,
  RUN_PRESET_NAMES,
  type RunRecord,
  readRunRecord,
  runStudy,
  type StudyPlan,
  summariseModels,
  TFJS_BACKENDS,
} from '@molap/study';
import { type CliIo, commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { CommandError, ExitCode, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { shellQuote } from '../output.js';
import { createProgress, type Progress, type ProgressMode, progressMode } from '../progress.js';
import {
  catalogPluginSources,
  findTask,
  loadStrategyRegistry,
  loadTaskCatalog,
  openProject,
  reportPluginProblems,
} from '../project.js';
import { createRunDisplay } from '../run/display.js';
import { machineConfig, maxMemoryOf } from '../run/prepare.js';
import { formatSummary } from '../run/summary.js';
import { loadedPlugins } from './worker.js';

const budget = (key: 'steps' | 'batchSize' | 'evalEvery' | 'evalTrials', min: number) =>
  flag.integer(`${BUDGET_OPTIONS.specs[key].description} (overrides the budget preset)`, {
    value: 'n',
    min,
    config: ['run', 'budget', key],
  });

/** Flags of the run options (shared by `molap run` and the thin verbs). */
export const runOptions = {
  tasks: flag.list('every task of the run: the corpus and the held-out tasks', {
    value: 'id,…',
    config: ['run', 'tasks'],
  }),
  heldOut: flag.list('tasks held out of pre-training, learned afterwards (generalisation)', {
    value: 'id,…',
    config: ['run', 'heldOut'],
  }),
  seeds: flag.seeds('each model is trained and analysed once per seed: N (seeds 1..N), s,t,… or a..b', {
    value: 'N|s,…',
    min: 0,
    config: ['run', 'seeds'],
  }),
  models: flag.list('models: molap, random-modules and strategies of @molap/baselines', {
    value: 'name,…',
    config: ['run', 'models'],
  }),
  budget: flag.string('budget preset of @molap/baselines (quick, standard)', {
    value: 'preset',
    config: ['run', 'budget', 'preset'],
  }),
  steps: budget('steps', 0),
  batchSize: budget('batchSize', 1),
  evalEvery: budget('evalEvery', 0),
  evalTrials: budget('evalTrials', 1),
  criterion: flag.number(BUDGET_OPTIONS.specs.criterion.description, {
    value: 'p',
    config: ['run', 'budget', 'criterion'],
  }),
  hiddenSize: flag.integer(`${NETWORK_OPTIONS.specs.hiddenSize.description} of the RNN baselines`, {
    value: 'n',
    min: 1,
    config: ['run', 'network', 'hiddenSize'],
  }),
  modules: flag.integer('latents = modules of MoLaP (k)', {
    value: 'k',
    min: 1,
    config: ['run', 'bank', 'latents', 'k'],
  }),
  moduleSize: flag.integer(MODULE_TRAINING_OPTIONS.specs.moduleSize.description, {
    value: 'n',
    min: 1,
    config: ['run', 'bank', 'moduleSize'],
  }),
  pretrainSteps: flag.integer(MODULE_TRAINING_OPTIONS.specs.steps.description, {
    value: 'n',
    min: 0,
    config: ['run', 'bank', 'steps'],
  }),
  workers: flag.integer('worker threads of the module pre-training', {
    value: 'n',
    min: 1,
    defaultText: 'one per core',
    config: ['run', 'bank', 'workers'],
  }),
  perturbations: flag.list('perturbation ids of the suite, each with its default grid', {
    value: 'id,…',
    config: ['run', 'perturbations'],
  }),
  analysisTrials: flag.integer('trials per task of the analysis evaluations', {
    value: 'n',
    min: 1,
    config: ['run', 'analysisTrials'],
  }),
  engine: flag.choice(ENGINE_KINDS, 'engine family', { config: ['backend', 'engine'] }),
  tfjsBackend: flag.choice(TFJS_BACKENDS, 'tfjs backend', { config: ['backend', 'tfjsBackend'] }),
  threads: flag.integer('threads of the native engine', { value: 'n', min: 1, config: ['backend', 'threads'] }),
  plugins: flag.list('load exactly these task plugin packages instead of discovering them', {
    value: 'pkg,…',
    config: ['tasks', 'plugins'],
  }),
  strict: flag.boolean('fail (exit 1) when a task plugin is broken, instead of warning'),
  maxMemory: flag.string(
    "refuse, before any work, a run whose estimated memory exceeds this size (512M, 4G; default and upper bound: the machine's memory)",
    { value: 'size' },
  ),
};

/** A path for messages: relative to the current folder when inside it. */
const shown = (cwd: string, path: string) => {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};

/** File-system error codes and what they mean for the user. */
const FILE_SYSTEM_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error',
};

/** A failure of the pipeline as one line, with how to continue. */
function failure(error: unknown, resume: string): CommandError {
  if (error instanceof CommandError) return error;
  if (isMolapError(error) && error.code === DIVERGED_CODE) {
    // --resume would repeat it: the run folder keeps the options that diverged, so the hint is the error's own.
    return new CommandError(error.problem, { ...(error.hint ? { hint: error.hint } : {}), cause: error });
  }
  if (isMolapError(error) && 'source' in error) {
    // A task registry error (a plugin's task failed): recognised by its brand and fields, not by its class, so
    // an error from the CommonJS build of @molap/tasks is recognised too.
    const source = (error as { source?: string }).source;
    return new CommandError(`${error.problem}${source ? ` (${source})` : ''}`, {
      hint: `${error.hint ? `${error.hint}; ` : ''}then continue with \`${resume}\``,
      cause: error,
    });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  const problem = code ? FILE_SYSTEM_PROBLEMS[code] : undefined;
  return new CommandError(problem ? `${problem} while writing the run (${text})` : text, {
    hint: `${problem ? 'free some space or fix the folder, then continue' : 'the run folder keeps every finished stage: after fixing the cause, continue'} with \`${resume}\``,
    cause: error,
  });
}

/** `--dry-run`: the plan as JSON on stdout; its jobs, their estimated cost and wall times on stderr. */
async function dryRun(plan: StudyPlan, io: CliIo, mode: ProgressMode): Promise<number> {
  io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  if (mode === 'quiet') return ExitCode.ok;
  const { estimateRun, formatEstimate } = await import('../run/estimate.js');
  const estimate = await estimateRun(plan);
  if (mode === 'json') {
    io.stderr(
      `${JSON.stringify({
        type: 'estimate',
        jobs: estimate.jobs.map(({ job, seconds }) => ({ id: job.id, seconds: Math.round(seconds) })),
        workSeconds: Math.round(estimate.workSeconds),
        wall: estimate.wall.map(({ workers, seconds }) => ({ workers, seconds: Math.round(seconds) })),
      })}\n`,
    );
  } else io.stderr(formatEstimate(estimate));
  return ExitCode.ok;
}

/** Least time between two lines of the queue's state (jobs done, running on which worker, waiting). */
const QUEUE_LINE_INTERVAL_MS = 15_000;

/** The Redis executor of `--executor`, or undefined for the local one. */
async function redisExecutor(given: string | undefined, catalog: Awaited<ReturnType<typeof loadTaskCatalog>>) {
  if (given === undefined || given === 'local') return undefined;
  const distributed = await import('@molap/distributed');
  const url = given === 'redis' ? distributed.redisUrlFrom(undefined) : given;
  if (url === undefined) {
    throw new UsageError(`--executor redis reads the Redis URL from ${distributed.REDIS_URL_ENV}, which is not set`, {
      hint: `set ${distributed.REDIS_URL_ENV}=redis://host:6379, or pass the URL: --executor redis://host:6379`,
    });
  }
  if (!/^rediss?:/.test(url)) {
    throw new UsageError(`--executor '${url}' is not an executor`, {
      hint: 'use local, redis (URL from MOLAP_REDIS_URL), or a URL redis://host:port / rediss://host:port',
    });
  }
  const target = distributed.parseRedisUrl(url);
  (await distributed.connectRedis(target)).disconnect();
  return {
    shown: given === 'redis' ? 'redis' : target.shown,
    executor: (plan: StudyPlan, runDir: string, progress: Progress, mode: ProgressMode) => {
      let shownAt = Number.NEGATIVE_INFINITY;
      return distributed.createRedisExecutor({
        url,
        plan,
        runDir,
        identity: { molapVersion: PACKAGE_VERSION, plugins: loadedPlugins(catalog) },
        onStatus: (status) => {
          if (mode === 'json') progress.event({ ...status, type: `executor-${status.type}` });
          else if (status.type === 'refusal') {
            progress.step(`worker ${status.worker} refused the run: ${status.differences.join('; ')}`);
          } else if (status.type === 'requeued') {
            progress.step(`${status.reason}: ${status.jobs} jobs enqueued again`);
          } else if (Date.now() - shownAt >= QUEUE_LINE_INTERVAL_MS) {
            shownAt = Date.now();
            const running = status.running.map(({ job, worker }) => `${worker} ${job}`).join(', ');
            progress.step(
              `queue ${status.queue}: ${status.done}/${status.total} jobs done, ${status.running.length} running${running ? ` (${running})` : ''}, ${status.queued} waiting`,
            );
          }
        },
      });
    },
  };
}

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
    const resumeFrom = options.resume;
    if (resumeFrom !== undefined) {
      // --engine may be given: it says explicitly that the run continues on another engine.
      const changed = [
        ...input.configValues.map((value) => value.flag).filter((name) => name !== '--engine'),
        ...(options.preset === undefined ? [] : ['--preset']),
        ...(options.config === undefined ? [] : ['--config']),
      ];
      if (changed.length > 0) {
        throw new UsageError(
          `--resume continues a run with the config it started with: ${changed.join(', ')} cannot change it`,
          {
            hint: 'drop those flags, or start a new run with them',
          },
        );
      }
    }
    const { project, loaded: opened } = await openProject(input, { builtinPresets: RUN_PRESET_NAMES });
    const maxMemory = maxMemoryOf(options);
    const loaded = { ...opened, config: machineConfig(opened.config, io) };
    const record = resumeFrom === undefined ? undefined : await readRunRecord(resolve(cwd, resumeFrom), resumeFrom);
    const catalog = await loadTaskCatalog(project, record ? record.plan.plugins : loaded.config.tasks?.plugins);
    reportPluginProblems(catalog, io, options.strict === true);
    const strategies = await loadStrategyRegistry(catalog, io, options.strict === true);
    const backend = await import('@molap/backend');
    const recorded = record && {
      ...(record.plan.backend as object),
      ...(options.engine ? { engine: options.engine } : {}),
    };
    const engineOptions =
      (recorded ? machineConfig({ backend: recorded } as never, io).backend : loaded.config.backend) ?? {};
    const engine = await backend.createEngine(engineOptions as Parameters<typeof backend.createEngine>[0]);
    if (record?.engine !== undefined && record.engine !== engine.name && options.engine === undefined) {
      await engine.dispose();
      throw new UsageError(
        `${resumeFrom} was started on the ${record.engine} engine; this session would continue it on ${engine.name}${process.env.MOLAP_ENGINE ? ` (MOLAP_ENGINE=${process.env.MOLAP_ENGINE})` : ''}, whose numbers differ`,
        {
          hint: `resume on ${record.engine} (unset MOLAP_ENGINE and MOLAP_TFJS_BACKEND), or say so explicitly with --engine ${engine.name.startsWith('tfjs') ? 'tfjs' : engine.name}`,
        },
      );
    }
    try {
      let plan: StudyPlan;
      let runDir: string;
      // Redis is checked (reachable, password) before any work or folder.
      const distributed = options.dryRun ? undefined : await redisExecutor(options.executor, catalog);
      if (record) {
        plan = record.plan;
        if (options.dryRun) return dryRun(plan, io, progressMode(options));
        runDir = resolve(cwd, resumeFrom!);
        for (const id of plan.tasks) findTask(catalog.registry, id);
      } else {
        plan = await planStudy(loaded.config, options.preset, {
          registry: catalog.registry,
          strategyContext: { engine, tasks: catalog.registry },
          ...catalogPluginSources(catalog),
          strategies,
          ...(maxMemory === undefined ? {} : { maxMemory }),
        });
        if (options.dryRun) return dryRun(plan, io, progressMode(options));
        const runRecord: RunRecord = {
          format: RUN_FORMAT,
          formatVersion: RUN_FORMAT_VERSION,
          molapVersion: PACKAGE_VERSION,
          createdAt: new Date().toISOString(),
          preset: plan.preset,
          seeds: plan.seeds,
          config: loaded.config,
          plan,
          engine: engine.name,
        };
        const parent = loaded.config.run?.out ?? resolve(cwd, 'molap-runs');
        runDir = await createRunFolder(parent, runRecord, new Date());
      }
      const where = shown(cwd, runDir);
      const resume = `molap run --resume ${shellQuote(where)}${distributed ? ` --executor ${shellQuote(distributed.shown)}` : ''}`;
      const mode = progressMode(options);
      const progress = await createProgress(mode, io);
      const display = await createRunDisplay(plan, progress, mode);
      progress.event({
        type: 'run-start',
        runDir,
        resumed: record !== undefined,
        preset: plan.preset,
        molapVersion: PACKAGE_VERSION,
        engine: engine.name,
      } as { type: string });
      progress.step(
        `${record ? 'resuming' : 'run folder'} ${where}: preset ${plan.preset}${plan.preset === plan.basePreset ? '' : ` (over ${plan.basePreset})`}, ${plan.models.length} models × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'}, ${plan.corpus.length} corpus + ${plan.heldOut.length} held-out tasks, engine ${engine.name}`,
      );
      const started = performance.now();
      let output: Awaited<ReturnType<typeof runStudy>>;
      try {
        output = await runStudy(plan, {
          runDir,
          engine,
          registry: catalog.registry,
          strategies,
          onEvent: display.handle,
          signal,
          ...(distributed ? { executor: distributed.executor(plan, runDir, progress, mode) } : {}),
        });
      } catch (error) {
        if (signal.aborted) {
          progress.end('failed', 'stopped');
          io.stderr(`molap: interrupted; the run folder keeps every checkpoint. Continue with:\n  ${resume}\n`);
          return ExitCode.interrupted;
        }
        progress.end('failed');
        throw failure(error, resume);
      }
      const seconds = (performance.now() - started) / 1000;
      progress.end('done', `molap run: done in ${formatSeconds(seconds)}`);
      progress.event({ type: 'run-end', seconds, results: output.resultsFile, report: output.reportFile } as {
        type: string;
      });
      if (options.json) {
        io.stdout(
          `${JSON.stringify(
            {
              runDir,
              results: output.resultsFile,
              report: output.reportFile,
              preset: plan.preset,
              seeds: plan.seeds,
              models: summariseModels(output.results),
              claims: output.results.claims.map(({ id, verdict }) => ({ id, verdict })),
            },
            (_key, value) => (typeof value === 'number' && Number.isNaN(value) ? null : value),
            2,
          )}\n`,
        );
      } else {
        io.stdout(`${formatSummary(output.results)}\nreport: ${shown(cwd, output.reportFile)}\n`);
      }
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
