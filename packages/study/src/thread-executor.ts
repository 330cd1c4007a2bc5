/**
 * The thread executor: the jobs of a study in worker threads of this process, several at once, each thread
 * with its own engine. A job starts when the jobs it reads are done; the outputs go to the job store as with
 * the local executor, and a failed job leaves the jobs that read it undone and the others running. A job's
 * result depends on its inputs only (engines give the same bits for any number of threads), so results.json is
 * the local executor's, while the gaps of one job (batch generation, evaluation, file writes, the engine
 * threads waiting on each other) are filled by another. On 2 cores that gains little: two jobs of one engine
 * thread each ran the quick preset 1.08× faster than one job of two threads, for 19 % more memory
 * (docs/performance.md).
 *
 * Worker threads load the built-in tasks, strategies, perturbations, extractors and stages, and the plugin
 * packages of `plan.pluginSources`; a plan naming anything else (a strategy registered in code) is refused
 * before any job runs.
 */
import { availableParallelism } from 'node:os';
import type { Engine } from '@molap/backend';
import { builtModuleUrl, createWorkerPool, MolapError } from '@molap/core';
import type { TaskRegistry } from '@molap/tasks';
import type { StudyEvent } from './events.js';
import { type ExecutionContext, executeJobs, type StudyExecutor } from './executor.js';
import { describeJob } from './failures.js';
import { type JobRunContext, runStudyJob } from './job-runner.js';
import type { JobOutput } from './job-store.js';
import type { StudyJob } from './jobs.js';
import type { StudyPlan } from './plan.js';
import { resolveStudyRegistries, type StudyRegistries } from './registries.js';

/** Options of {@link createThreadExecutor}. */
export interface ThreadExecutorOptions {
  /** The plan the jobs come from (sent to the worker threads). */
  readonly plan: StudyPlan;
  /** Jobs run at once, each in its own worker thread; ≥ 1. */
  readonly jobs: number;
  /**
   * Threads of each job's engine (the plan's backend with this `threads`); default 1. Also caps the worker
   * threads of a bank job's module pre-training ({@link withThreadBudget}).
   */
  readonly threadsPerJob?: number;
}

/** One message to a worker thread: a job to run, or the plan to check. @internal */
export type ThreadJobInput =
  | {
      readonly kind: 'job';
      readonly plan: StudyPlan;
      readonly threads: number;
      readonly job: StudyJob;
      /** Files folder of each input job, by job id. */
      readonly inputFiles: Readonly<Record<string, string>>;
      readonly files: string;
      readonly checkpoints: string;
    }
  | { readonly kind: 'check'; readonly plan: StudyPlan; readonly threads: number };

/** What a worker thread sends back: a job's output, or the ids of the plan it cannot resolve. @internal */
export type ThreadJobResult = JobOutput | { readonly unknown: readonly string[] };

/**
 * The plan a job runs with when it may use `threads` cores: module pre-training uses at most that many worker
 * threads. Without the cap, several jobs or workers on one machine each start one pre-training thread per core
 * (three `molap worker` processes with `--threads 1` built their banks 3.1× slower than one after another:
 * futex contention). Banks are bit-identical for any number of pre-training workers.
 */
export function withThreadBudget(plan: StudyPlan, threads: number | undefined): StudyPlan {
  if (threads === undefined) return plan;
  const workers = Math.min(plan.bank.workers ?? availableParallelism(), threads);
  return { ...plan, bank: { ...plan.bank, workers } };
}

/** Jobs at once of a local study: more than one runs them with {@link createThreadExecutor}. */
export interface LocalJobs {
  /** Jobs at once. */
  readonly jobs: number;
  /** Threads of each job's engine. */
  readonly threadsPerJob: number;
  /** Why the count differs from the one asked for, when it does. */
  readonly note?: string;
}

/**
 * Engine threads per job when no job count is asked for: one job per two threads, each on two. On 2 cores that
 * is one job at a time, as before the thread executor: two jobs of one thread each made the quick preset only
 * 1.08× faster there, for 19 % more memory (docs/performance.md), since a job already keeps both cores 170 %
 * busy. Machines with more cores run several jobs, where one job's engine would gain little from more threads.
 */
export const THREADS_PER_DEFAULT_JOB = 2;

/**
 * How many jobs of a study run at once on this machine, and with how many engine threads each: `jobs` when
 * given (capped at the threads), else one per {@link THREADS_PER_DEFAULT_JOB} threads for the native engine
 * and 1 for a tfjs engine; each job gets an equal share of `threads` (the engine's threads, default every
 * core), at least one.
 */
export function localJobs(options: {
  readonly jobs?: number;
  readonly threads?: number;
  readonly engine?: string;
  readonly cores?: number;
}): LocalJobs {
  const threads = options.threads ?? options.cores ?? availableParallelism();
  if (options.jobs !== undefined && !(Number.isSafeInteger(options.jobs) && options.jobs >= 1)) {
    throw new MolapError('invalid-option', `jobs must be an integer >= 1, got ${options.jobs}`, {
      hint: '--jobs counts the jobs that run at once',
    });
  }
  const tfjs = options.engine !== undefined && options.engine !== 'auto' && options.engine !== 'native';
  const wanted = options.jobs ?? (tfjs ? 1 : Math.floor(threads / THREADS_PER_DEFAULT_JOB));
  const jobs = Math.max(1, Math.min(wanted, threads));
  const note =
    options.jobs !== undefined && jobs < options.jobs
      ? `--jobs ${options.jobs} is capped at the ${threads} threads of the engine (--threads)`
      : undefined;
  return { jobs, threadsPerJob: Math.max(1, Math.floor(threads / jobs)), ...(note ? { note } : {}) };
}

/** Creates the thread executor (see the module comment). */
export function createThreadExecutor(options: ThreadExecutorOptions): StudyExecutor {
  const { plan, jobs: parallelism } = options;
  const threads = options.threadsPerJob ?? 1;
  for (const [name, value] of [
    ['jobs', parallelism],
    ['threadsPerJob', threads],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= 1)) {
      throw new MolapError('invalid-option', `the thread executor's ${name} must be an integer >= 1, got ${value}`);
    }
  }
  const built = builtModuleUrl(import.meta.url);
  return Object.freeze({
    name: 'threads',
    async execute(jobs: readonly StudyJob[], context: ExecutionContext): Promise<void> {
      if (!built) {
        throw new MolapError(
          'usage',
          'the thread executor needs the build of @molap/study (it runs from its sources)',
          {
            hint: 'build the packages (npm run build), or use the local executor',
          },
        );
      }
      // the package's entry, whichever chunk this code was bundled into: workers call its export by name
      const moduleUrl = new URL(/\.cjs$/.test(built) ? './index.cjs' : './index.js', built).href;
      const pool = createWorkerPool<ThreadJobInput, ThreadJobResult, StudyEvent>({
        moduleUrl,
        run: 'runStudyJobInThread',
        parallelism,
        label: 'study job',
        ...(context.signal ? { signal: context.signal } : {}),
      });
      try {
        await executeJobs(jobs, context, {
          parallelism,
          // one round trip before any job: the threads must resolve every id of the plan
          beforeFirst: async () => {
            const check = await pool.run({ kind: 'check', plan, threads }, undefined, 'the check of the plan');
            const unknown = (check as { unknown: readonly string[] }).unknown;
            if (unknown.length > 0) {
              throw new MolapError(
                'usage',
                `the thread executor cannot run this plan: worker threads do not know ${unknown.join(', ')}`,
                {
                  hint: 'publish them in a plugin package (worker threads load the plan’s plugin sources), or run the jobs in this thread with the local executor (molap run --jobs 1)',
                },
              );
            }
          },
          run: async (job) =>
            (await pool.run(
              {
                kind: 'job',
                plan,
                threads,
                job,
                inputFiles: Object.fromEntries(job.inputs.map((id) => [id, context.store.filesDir({ id })])),
                files: context.store.filesDir(job),
                checkpoints: context.store.checkpointDir(job),
              },
              (event) => context.onJobEvent?.(event),
              `job ${job.id} (${describeJob(job)})`,
            )) as JobOutput,
        });
      } finally {
        await pool.close();
      }
    },
  });
}

/** What a worker thread keeps between its jobs: the engine and registries of one plan. */
interface ThreadState {
  readonly key: string;
  readonly ready: Promise<{ engine: Engine; registry: TaskRegistry } & Required<StudyRegistries>>;
}
let threadState: ThreadState | undefined;

/** The engine and registries of a worker thread for `plan` (made for the thread's first job of the plan). */
function threadContext(plan: StudyPlan, threads: number): ThreadState['ready'] {
  const key = JSON.stringify([plan.backend, plan.pluginSources ?? null, threads]);
  if (threadState?.key !== key) {
    const previous = threadState;
    threadState = {
      key,
      ready: (async () => {
        if (previous) await (await previous.ready.catch(() => undefined))?.engine.dispose();
        const tasks = await import('@molap/tasks');
        const { registerDiscoveredPlugins } = await import('@molap/core');
        const registry = tasks.createTaskRegistry({ tasks: tasks.yang19, source: tasks.BUILTIN_TASKS_SOURCE });
        const registries = await resolveStudyRegistries({});
        if (plan.pluginSources && plan.pluginSources.length > 0) {
          const discovery = await tasks.loadPluginSources(plan.pluginSources);
          tasks.registerDiscovered(registry, discovery);
          registerDiscoveredPlugins(discovery, registries);
        }
        const { createEngine } = await import('@molap/backend');
        const engine = await createEngine({ ...(plan.backend as object), threads } as Parameters<
          typeof createEngine
        >[0]);
        return { engine, registry, ...registries };
      })(),
    };
  }
  return threadState.ready;
}

/** The ids of `plan` (tasks, strategies, perturbations, extractor, stages) the registries do not hold. */
function unknownIds(
  plan: StudyPlan,
  { registry, strategies, perturbations, extractors, stages }: Omit<JobRunContext, 'plan' | 'engine' | 'folders'>,
): string[] {
  const unknown = [
    ...plan.tasks.filter((id) => !registry.has(id)).map((id) => `task '${id}'`),
    ...plan.models.filter((model) => !strategies.has(model.strategy)).map((model) => `strategy '${model.strategy}'`),
    ...plan.perturbations.filter((p) => !perturbations.has(p.id)).map((p) => `perturbation '${p.id}'`),
    ...(extractors.has(plan.bank.extractor) ? [] : [`latent extractor '${plan.bank.extractor}'`]),
    ...(plan.stages ?? []).filter((id) => !stages.has(id)).map((id) => `analysis stage '${id}'`),
  ];
  return [...new Set(unknown)];
}

/**
 * Runs one message of the thread executor in a worker thread (`createWorkerPool` of @molap/core): checks the
 * plan, or runs a job with `runStudyJob`, the thread's engine and registries, and the run folder's files. @internal
 */
export async function runStudyJobInThread(
  input: ThreadJobInput,
  report: (event: StudyEvent) => void,
  signal: AbortSignal,
): Promise<ThreadJobResult> {
  const context = await threadContext(input.plan, input.threads);
  if (input.kind === 'check') return { unknown: unknownIds(input.plan, context) };
  const { inputFiles } = input;
  return runStudyJob(input.job, {
    ...context,
    plan: withThreadBudget(input.plan, input.threads),
    folders: {
      inputFiles: (id) => {
        const folder = inputFiles[id];
        if (folder === undefined) throw new MolapError('invalid-option', `job '${input.job.id}' has no input '${id}'`);
        return folder;
      },
      files: input.files,
      checkpoints: input.checkpoints,
    },
    onEvent: report,
    signal,
  });
}
