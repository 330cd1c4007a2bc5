/**
 * What `molap run` opens before it works: the config (or, with `--resume`, the config and plan its run
 * folder recorded), the task catalog and strategies, an engine, the executor (a Redis server is checked
 * before any work or folder) and the checked plan; then the run folder and the command that continues it.
 */
import { resolve } from 'node:path';
import type { CreateEngineOptions, Engine } from '@molap/backend';
import type { CoordinatorStatus, ExecutorChoice } from '@molap/distributed';
import * as study from '@molap/study';
import type { TaskCatalog } from '@molap/tasks';
import type { CommandInput, projectOptions } from '../command.js';
import { UsageError } from '../errors.js';
import type { OptionSpecs } from '../options.js';
import { shellQuote } from '../output.js';
import {
  catalogPluginSources,
  findTask,
  loadedPlugins,
  loadPluginRegistries,
  loadTaskCatalog,
  openProject,
  type PluginRegistries,
  reportPluginProblems,
} from '../project.js';
import { machineConfig, maxMemoryOf } from './prepare.js';

/** The flags of `molap run` a session reads (the others reach the config through `openProject`). */
interface RunSessionFlags {
  readonly resume?: string;
  readonly dryRun?: boolean;
  readonly executor?: string;
  readonly engine?: string;
  readonly preset?: string;
  readonly config?: string;
  readonly strict?: boolean;
  readonly maxMemory?: string;
  readonly jobs?: number;
}

/** A run ready to start or continue. */
export interface RunSession {
  /** The checked plan: the one the run folder recorded when resuming. */
  readonly plan: study.StudyPlan;
  /** The record of the run folder `--resume` names, else undefined. */
  readonly record: study.RunRecord | undefined;
  /** `--resume` as given, else undefined. */
  readonly resumeFrom: string | undefined;
  /** The config fitted to this machine (file < preset < flags). */
  readonly config: study.MolapConfig;
  readonly catalog: TaskCatalog;
  /** The built-in strategies, perturbations and extractors, and those of the project's plugins. */
  readonly plugins: PluginRegistries;
  /** Engine of this process; the caller disposes it. */
  readonly engine: Engine;
  /** The Redis executor `--executor` names (its server answered), undefined for local or `--dry-run`. */
  readonly executor: ExecutorChoice | undefined;
  /** Jobs at once on this machine (`--jobs`) and engine threads of each; one job for the Redis executor. */
  readonly jobs: study.LocalJobs;
}

/** Refuses flags that change the config of a resumed run (`--engine` may move it to another engine). */
function refuseConfigChanges(input: Pick<CommandInput<OptionSpecs>, 'configValues'>, options: RunSessionFlags): void {
  const changed = [
    ...input.configValues.map((value) => value.flag).filter((name) => name !== '--engine'),
    ...(options.preset === undefined ? [] : ['--preset']),
    ...(options.config === undefined ? [] : ['--config']),
  ];
  if (options.resume !== undefined && changed.length > 0) {
    throw new UsageError(
      `--resume continues a run with the config it started with: ${changed.join(', ')} cannot change it`,
      { hint: 'drop those flags, or start a new run with them' },
    );
  }
}

/** Opens the run the flags name: a new one (config, preset, flags) or, with `--resume`, the recorded one. */
export async function openRunSession<S extends OptionSpecs & typeof projectOptions>(
  input: CommandInput<S>,
): Promise<RunSession> {
  const { io, cwd } = input;
  const options = input.options as RunSessionFlags;
  const { resume: resumeFrom, strict = false } = options;
  refuseConfigChanges(input, options);
  if (options.jobs !== undefined && options.executor !== undefined && options.executor !== 'local') {
    throw new UsageError('--jobs counts the jobs run at once on this machine; with --executor the workers run them', {
      hint: 'drop --jobs and give each `molap worker` its --concurrency (docs/distributed.md)',
    });
  }
  const { project, loaded } = await openProject(input, { builtinPresets: study.RUN_PRESET_NAMES });
  const maxMemory = maxMemoryOf(options);
  const config = machineConfig(loaded.config, io);
  const record = resumeFrom === undefined ? undefined : await study.readRunRecord(resolve(cwd, resumeFrom), resumeFrom);
  const catalog = await loadTaskCatalog(project, record ? record.plan.plugins : config.tasks?.plugins);
  reportPluginProblems(catalog, io, strict);
  const plugins = await loadPluginRegistries(catalog, io, strict);
  const backend = record
    ? machineConfig({ backend: study.resumedBackend(record, options.engine) }, io).backend
    : config.backend;
  const engine = await (await import('@molap/backend')).createEngine((backend ?? {}) as CreateEngineOptions);
  try {
    if (record)
      study.checkResumedEngine(record, engine.name, { shown: resumeFrom!, explicit: options.engine !== undefined });
    const local = options.dryRun || options.executor === undefined || options.executor === 'local';
    const executor = local
      ? undefined
      : await (await import('@molap/distributed')).checkedExecutorChoice(options.executor);
    const jobs = executor
      ? { jobs: 1, threadsPerJob: (backend as { threads?: number } | undefined)?.threads ?? 1 }
      : study.localJobs({
          ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
          ...pick(backend as { threads?: number; engine?: string } | undefined),
        });
    if (jobs.note) io.stderr(`molap: note: ${jobs.note}\n`);
    const plan =
      record?.plan ??
      (await study.planStudy(config, options.preset, {
        registry: catalog.registry,
        strategyContext: { engine, tasks: catalog.registry },
        ...catalogPluginSources(catalog),
        ...plugins,
        ...(maxMemory === undefined ? {} : { maxMemory }),
        jobsAtOnce: jobs.jobs,
      }));
    if (!options.dryRun) for (const id of record ? plan.tasks : []) findTask(catalog.registry, id);
    return { plan, record, resumeFrom, config, catalog, plugins, engine, executor, jobs };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

/** The engine threads and family a config names, without the fields it leaves out. */
function pick(backend: { threads?: number; engine?: string } | undefined): { threads?: number; engine?: string } {
  return {
    ...(backend?.threads === undefined ? {} : { threads: backend.threads }),
    ...(backend?.engine === undefined ? {} : { engine: backend.engine }),
  };
}

/**
 * The run folder: the one resumed, else a new one (plan and config recorded) in run.out or
 * `<cwd>/<DEFAULT_RUNS_FOLDER>` (molap-runs).
 */
export async function openRunFolder(session: RunSession, cwd: string): Promise<string> {
  if (session.resumeFrom !== undefined) return resolve(cwd, session.resumeFrom);
  return study.startRunFolder(session.plan, {
    config: session.config,
    engine: session.engine.name,
    parent: session.config.run?.out ?? resolve(cwd, study.DEFAULT_RUNS_FOLDER),
  });
}

/** The command that continues the run in `where` (as shown to the user), on the same executor. */
export const resumeCommand = (where: string, executor: ExecutorChoice | undefined): string =>
  `molap run --resume ${shellQuote(where)}${executor ? ` --executor ${shellQuote(executor.shown)}` : ''}`;

/** `runStudy`'s executor option for the session: the Redis executor, or nothing for the local one. */
export async function sessionExecutor(
  session: RunSession,
  runDir: string,
  onStatus: (status: CoordinatorStatus) => void,
): Promise<Pick<study.RunStudyOptions, 'executor'>> {
  if (!session.executor) {
    const { jobs, threadsPerJob } = session.jobs;
    return jobs > 1 ? { executor: study.createThreadExecutor({ plan: session.plan, jobs, threadsPerJob }) } : {};
  }
  const { createRedisExecutor } = await import('@molap/distributed');
  const plugins = loadedPlugins(session.catalog);
  const identity = { molapVersion: study.PACKAGE_VERSION, plugins };
  return {
    executor: createRedisExecutor({ url: session.executor.target.url, plan: session.plan, runDir, identity, onStatus }),
  };
}
