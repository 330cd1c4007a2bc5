/**
 * A worker of distributed studies (`molap worker <url>`): serves the runs listed in Redis one after the
 * other, taking their jobs from BullMQ and running them with the study's own job runner (`runStudyJob`) on
 * an engine of its own. Only the job kinds of the installed @molap/study run; a job is data, checked before
 * it runs (`payloadSchema`, the plan's digest, the job exactly as the worker's own `studyJobs` makes it from
 * the plan, the digests of its input files). A worker whose molap version or plugins differ from the
 * coordinator's refuses the run, records why in Redis (the coordinator shows it) and stops with the
 * differences named.
 *
 * Inputs and outputs travel through Redis: the files of the jobs a job reads are fetched into a temporary
 * folder, the job writes its files and checkpoints there, and its files go back to Redis as bytes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Engine } from '@molap/backend';
import { MolapError } from '@molap/core';
import {
  PACKAGE_VERSION,
  resolveStudyRegistries,
  runStudyJob,
  type StudyJob,
  type StudyPlan,
  type StudyRegistries,
  studyJobs,
  withThreadBudget,
} from '@molap/study';
import type { TaskRegistry } from '@molap/tasks';
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { bundleDigests, readBundle, writeBundle } from './bundle.js';
import { connectRedis, parseRedisUrl, type RedisTarget, redisProblem } from './connection.js';
import {
  bundleMismatch,
  filesKey,
  identityDifferences,
  type JobResult,
  KEY_PREFIX,
  metaKey,
  metaSchema,
  payloadSchema,
  planDigest,
  RUNS_KEY,
  type RunMeta,
  refusalsKey,
  type WorkerIdentity,
} from './protocol.js';

/** Seconds a worker holds a job without renewing its lock before other workers take the job over. */
export const DEFAULT_LOCK_SECONDS = 60;

/** What a worker reports. */
export type WorkerEvent =
  | { readonly type: 'waiting' }
  | { readonly type: 'serving'; readonly queue: string; readonly runName: string }
  | { readonly type: 'job-start'; readonly queue: string; readonly job: string }
  | { readonly type: 'job-end'; readonly queue: string; readonly job: string; readonly seconds: number }
  | { readonly type: 'job-error'; readonly queue: string; readonly job: string; readonly error: string }
  | { readonly type: 'run-end'; readonly queue: string };

/** What a worker loads for a run's plan: its tasks, the plugin packages, and the plugins' other values. */
export interface WorkerPlugins extends StudyRegistries {
  readonly registry: TaskRegistry;
  /** Plugin packages loaded (package → version); they must be the coordinator's. */
  readonly plugins: Record<string, string>;
}

/** Options of `runWorker`. */
export interface RunWorkerOptions {
  readonly url: string;
  /**
   * The task registry of a run's plan (the built-in tasks and the plugins the plan names, or those installed
   * here) and the plugins it loaded (package → version), which must be the coordinator's; with the
   * strategies, perturbations and latent extractors of those plugins next to the built-in ones (each default:
   * the built-in ones only).
   */
  readonly loadTasks: (plan: StudyPlan) => Promise<WorkerPlugins>;
  /** Engine of a run; default: the plan's `backend`, with `threads` when given. */
  readonly createEngine?: (plan: StudyPlan) => Promise<Engine>;
  /**
   * Threads of the native engine (overrides the plan's). Also caps the worker threads of module pre-training
   * (the plan's `bank.workers`, default one per core), so a worker told to use N threads uses at most N cores;
   * banks are bit-identical for any number of pre-training workers.
   */
  readonly threads?: number;
  /** Name in the queue and in messages; default `<host>:<pid>`. */
  readonly name?: string;
  /** Serve this queue only (it must be a listed run). */
  readonly queue?: string;
  /** See `DEFAULT_LOCK_SECONDS`. */
  readonly lockSeconds?: number;
  /** Stop when the served run ends (instead of waiting for the next run). */
  readonly once?: boolean;
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Stops the worker: the job in hand is finished first. */
  readonly signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Runs a worker until its signal aborts (or, with `once`, until its run ends). */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const target = parseRedisUrl(options.url);
  const redis = await connectRedis(target, true);
  try {
    let waiting = false;
    while (!options.signal?.aborted) {
      const queue = await pickRun(redis, options.queue, target);
      const meta = queue === undefined ? undefined : await readMeta(redis, queue);
      if (queue === undefined || meta === undefined) {
        if (!waiting) options.onEvent?.({ type: 'waiting' });
        waiting = true;
        await sleep(1000, options.signal);
        continue;
      }
      waiting = false;
      await serve(redis, target, meta, options);
      if (options.once) return;
    }
  } catch (error) {
    throw redisProblem(error, target) ?? error;
  } finally {
    redis.disconnect();
  }
}

/** The run to serve: the given queue (which must be listed) or the earliest listed run. */
async function pickRun(redis: Redis, wanted: string | undefined, target: RedisTarget): Promise<string | undefined> {
  const runs = await redis.hgetall(RUNS_KEY);
  if (wanted !== undefined) {
    if (wanted in runs) return wanted;
    const known = Object.keys(runs);
    throw new MolapError('unknown-id', `Redis at ${target.shown} has no run with the queue '${wanted}'`, {
      hint: known.length
        ? `the runs there are: ${known.join(', ')} (the queue of a run is in <run folder>/state/distributed.json)`
        : 'no run is there now: start `molap run --executor <url>` first, or leave out --queue to wait for one',
    });
  }
  const entries = Object.entries(runs).map(([queue, text]) => {
    try {
      return { queue, startedAt: String((JSON.parse(text) as { startedAt?: string }).startedAt ?? '') };
    } catch {
      return { queue, startedAt: '' };
    }
  });
  entries.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.queue.localeCompare(b.queue));
  return entries[0]?.queue;
}

/** The checked meta record of a run; undefined while it is missing (a coordinator is publishing it again). */
async function readMeta(redis: Redis, queue: string): Promise<RunMeta | undefined> {
  const text = await redis.get(metaKey(queue));
  if (text === null) return undefined;
  let parsed: ReturnType<typeof metaSchema.safeParse>;
  try {
    parsed = metaSchema.safeParse(JSON.parse(text));
  } catch (error) {
    parsed = { success: false, error } as never;
  }
  if (!parsed.success || planDigest(parsed.data.plan as unknown as StudyPlan) !== parsed.data.digest) {
    throw new MolapError('job-payload', `the record of run queue '${queue}' in Redis is damaged`, {
      hint: 'was it edited by hand? Restart its coordinator (`molap run --resume <folder> --executor <url>`): it publishes it again',
    });
  }
  return parsed.data as unknown as RunMeta;
}

/** Serves one run until it leaves the list of runs (or the signal aborts). */
async function serve(redis: Redis, target: RedisTarget, meta: RunMeta, options: RunWorkerOptions): Promise<void> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const plan = meta.plan;
  const tasks = await options.loadTasks(plan);
  const identity: WorkerIdentity = { molapVersion: PACKAGE_VERSION, plugins: tasks.plugins };
  const differences = identityDifferences(meta.identity, identity);
  if (differences.length > 0) {
    await redis.rpush(refusalsKey(meta.queue), JSON.stringify({ worker: name, differences }));
    throw new MolapError(
      'incompatible',
      `worker ${name} refuses the jobs of run ${meta.runName}: ${differences.join('; ')}`,
      {
        hint: 'install on this machine the molap version and task plugins of the coordinator (same package.json and lockfile), then start the worker again',
      },
    );
  }
  const registry = tasks.registry;
  const registries = await resolveStudyRegistries(tasks);
  const jobs = new Map(studyJobs(plan, registries.strategies).map((job) => [job.id, job]));
  const engine = await (options.createEngine ?? defaultEngine(options.threads))(plan);
  options.onEvent?.({ type: 'serving', queue: meta.queue, runName: meta.runName });
  const lockMs = Math.round((options.lockSeconds ?? DEFAULT_LOCK_SECONDS) * 1000);
  const processor = async (bull: Job): Promise<JobResult> => {
    const job = checkPayload(bull, meta, jobs);
    options.onEvent?.({ type: 'job-start', queue: meta.queue, job: job.id });
    try {
      const result = await runJob(redis, meta.queue, job, bull.data.inputs, name, {
        plan: withThreadBudget(plan, options.threads),
        engine,
        registry,
        ...registries,
      });
      options.onEvent?.({ type: 'job-end', queue: meta.queue, job: job.id, seconds: result.seconds });
      return result;
    } catch (error) {
      options.onEvent?.({ type: 'job-error', queue: meta.queue, job: job.id, error: (error as Error).message });
      throw error;
    }
  };
  const worker = new Worker(meta.queue, processor, {
    connection: { ...target.options, maxRetriesPerRequest: null } as ConnectionOptions,
    prefix: KEY_PREFIX,
    name,
    concurrency: 1,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.round(lockMs / 2)),
    maxStalledCount: 2,
  });
  worker.on('error', () => {}); // connection errors: ioredis reconnects, BullMQ resumes
  try {
    while (!options.signal?.aborted) {
      await sleep(1000, options.signal);
      if ((await redis.hexists(RUNS_KEY, meta.queue)) === 0) break;
    }
  } finally {
    await worker.close();
    await engine.dispose();
    options.onEvent?.({ type: 'run-end', queue: meta.queue });
  }
}

const defaultEngine = (threads: number | undefined) => async (plan: StudyPlan) => {
  const { createEngine } = await import('@molap/backend');
  const backend = { ...(plan.backend as object), ...(threads === undefined ? {} : { threads }) };
  return createEngine(backend as Parameters<typeof createEngine>[0]);
};

/**
 * The job of a BullMQ job, checked: its payload has the right shape and the run's plan digest, and its job
 * is exactly the one the plan makes under that id. A job failing a check fails at once (no retry).
 */
function checkPayload(bull: Job, meta: RunMeta, jobs: ReadonlyMap<string, StudyJob>): StudyJob {
  const parsed = payloadSchema.safeParse(bull.data);
  const refuse = (why: string) =>
    new UnrecoverableError(`job '${bull.id}' of run ${meta.runName} is refused: ${why} (was it edited in Redis?)`);
  if (!parsed.success) throw refuse(`its payload is not a molap job (${parsed.error.issues[0]?.message})`);
  const { digest, job, inputs } = parsed.data;
  if (digest !== meta.digest) throw refuse('it belongs to another plan');
  const expected = jobs.get(job.id);
  if (!expected || bull.id !== job.id || !isDeepStrictEqual({ ...expected }, JSON.parse(JSON.stringify(job)))) {
    throw refuse("it is not a job of the run's plan");
  }
  const missing = expected.inputs.filter((input) => !(input in inputs));
  if (missing.length > 0) throw refuse(`it gives no files for its inputs ${missing.join(', ')}`);
  return expected;
}

/** Fetches the inputs, runs the job in a temporary folder, puts its files in Redis. */
async function runJob(
  redis: Redis,
  queue: string,
  job: StudyJob,
  inputs: Readonly<Record<string, Readonly<Record<string, string>>>>,
  worker: string,
  context: Omit<Parameters<typeof runStudyJob>[1], 'folders' | 'onEvent' | 'signal'>,
): Promise<JobResult> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-worker-'));
  const inputDir = (id: string) => join(dir, 'inputs', ...id.split('/'));
  try {
    for (const input of job.inputs) {
      const files = await redis.hgetallBuffer(filesKey(queue, input));
      const mismatch = bundleMismatch(inputs[input]!, files);
      if (mismatch !== undefined) {
        throw new MolapError('job-payload', `the files of input '${input}' in Redis do not match (${mismatch})`, {
          hint: `they were changed in Redis after job '${input}' wrote them: continue the run with --resume to run that job again`,
        });
      }
      await writeBundle(inputDir(input), files);
    }
    const files = join(dir, 'files');
    await mkdir(files, { recursive: true });
    const output = await runStudyJob(job, {
      ...context,
      folders: { inputFiles: inputDir, files, checkpoints: join(dir, 'checkpoints') },
    });
    const bundle = await readBundle(files);
    const key = filesKey(queue, job.id);
    const multi = redis.multi().del(key);
    if (Object.keys(bundle).length > 0) multi.hset(key, bundle);
    const replies = await multi.exec();
    for (const [error] of replies ?? []) if (error) throw error;
    return {
      value: output.value,
      seconds: output.seconds,
      ...(output.phases === undefined ? {} : { phases: output.phases }),
      worker,
      files: bundleDigests(bundle),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
