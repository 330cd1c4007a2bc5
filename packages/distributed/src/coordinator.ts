/**
 * The Redis executor of `runStudy` (the coordinator side). It publishes the plan, enqueues each job on the
 * run's BullMQ queue as soon as the jobs it reads are done (with the digests of their files, which it puts
 * in Redis), and waits. Workers anywhere take the jobs (`runWorker`) and leave their outputs in Redis; the
 * coordinator checks them and writes them into the run folder with the same `JobStore` as a local run, so
 * the folder, `--resume` and the report are exactly a local run's. Only the coordinator writes the folder.
 *
 * Faults: a job whose worker dies is taken over by another worker when its lock expires (BullMQ's stalled
 * jobs); a job that throws is tried `attempts` times, then the run stops naming the job, the worker and the
 * error; a coordinator started again on the same folder (`--resume`) adopts the jobs still in the queue and
 * the outputs finished meanwhile; a Redis that lost its data (restarted without persistence) is noticed
 * within one poll and everything missing is published and enqueued again.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { MolapError, writeJsonDocument } from '@molap/core';
import type { ExecutionContext, JobOutput, Json, StudyExecutor, StudyJob, StudyPlan } from '@molap/study';
import { type ConnectionOptions, type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bundleDigests, readBundle, writeBundle } from './bundle.js';
import { connectRedis, parseRedisUrl, type RedisTarget, redisProblem } from './connection.js';
import {
  bundleMismatch,
  type FileDigests,
  filesKey,
  type JobPayload,
  KEY_PREFIX,
  metaKey,
  planDigest,
  RUN_META_FORMAT,
  RUN_META_FORMAT_VERSION,
  RUNS_KEY,
  type RunEntry,
  type RunMeta,
  refusalsKey,
  resultSchema,
  type WorkerIdentity,
} from './protocol.js';

/** Times a job is tried before the run stops. */
export const DEFAULT_ATTEMPTS = 3;
/** Milliseconds between two looks at the queue. */
export const DEFAULT_POLL_MS = 100;
/** The record of the run's queue, in the run folder's `state/`. */
export const QUEUE_RECORD = 'distributed.json';
const QUEUE_RECORD_FORMAT = 'molap-distributed-queue';

/** What the coordinator reports while it waits. */
export type CoordinatorStatus =
  | {
      readonly type: 'queue';
      readonly queue: string;
      /** Jobs not started yet (waiting for inputs or a worker). */
      readonly queued: number;
      /** Running jobs and their workers. */
      readonly running: readonly { readonly job: string; readonly worker: string }[];
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'refusal'; readonly worker: string; readonly differences: readonly string[] }
  | { readonly type: 'requeued'; readonly jobs: number; readonly reason: string };

/** Options of `createRedisExecutor`. */
export interface RedisExecutorOptions {
  /** `redis://host:port`, `rediss://…`, with a password if the server wants one. */
  readonly url: string;
  /** The plan the jobs come from (published for the workers). */
  readonly plan: StudyPlan;
  /** The run folder (its `state/distributed.json` names the run's queue). */
  readonly runDir: string;
  /** Version and plugins workers must have. */
  readonly identity: WorkerIdentity;
  /** Tries of a job before the run stops; default `DEFAULT_ATTEMPTS`. */
  readonly attempts?: number;
  readonly pollMs?: number;
  readonly onStatus?: (status: CoordinatorStatus) => void;
}

/** The queue of a run: read from its folder, or made and recorded there. */
export async function runQueueName(runDir: string): Promise<string> {
  const path = join(runDir, 'state', QUEUE_RECORD);
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as { format?: string; queue?: unknown };
    if (record.format === QUEUE_RECORD_FORMAT && typeof record.queue === 'string') return record.queue;
    throw new MolapError('file-format', 'it does not name a queue');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new MolapError('file-format', `${path} cannot be read (${(error as Error).message})`, {
        hint: 'delete it: the run then gets a new queue (jobs already done are kept)',
        cause: error,
      });
    }
  }
  const suffix = Math.random().toString(36).slice(2, 8);
  const queue = `run-${basename(runDir).replace(/[^A-Za-z0-9._-]/g, '_')}-${suffix}`;
  await writeJsonDocument(path, { format: QUEUE_RECORD_FORMAT, formatVersion: 1, queue });
  return queue;
}

/** The Redis executor (see the module comment). */
export function createRedisExecutor(options: RedisExecutorOptions): StudyExecutor {
  const target = parseRedisUrl(options.url);
  return Object.freeze({
    name: `redis ${target.shown}`,
    execute: (jobs: readonly StudyJob[], context: ExecutionContext) => coordinate(target, options, jobs, context),
  });
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

async function coordinate(
  target: RedisTarget,
  options: RedisExecutorOptions,
  jobs: readonly StudyJob[],
  context: ExecutionContext,
): Promise<void> {
  const { store, signal } = context;
  const done = new Map<string, JobOutput>();
  for (const job of jobs) {
    const stored = await store.read(job);
    if (!stored) continue;
    done.set(job.id, stored);
    await context.onEvent?.({ type: 'job-end', job, output: stored, resumed: true });
  }
  if (done.size === jobs.length) return;
  signal?.throwIfAborted();

  // Requests wait through an outage (a restarted Redis comes back; `recover` then publishes the run again).
  const redis = await connectRedis(target, true);
  const queueName = await runQueueName(options.runDir);
  const queue = new Queue(queueName, {
    connection: { ...target.options, maxRetriesPerRequest: null } as ConnectionOptions,
    prefix: KEY_PREFIX,
  });
  queue.on('error', () => {});
  const run = new Coordinator(redis, queue, queueName, target, options, jobs, context, done);
  try {
    await run.loop();
    await run.cleanUp();
  } catch (error) {
    throw redisProblem(error, target) ?? error;
  } finally {
    await redis.hdel(RUNS_KEY, queueName).catch(() => {});
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

class Coordinator {
  /** Digests of the files of jobs whose files are in Redis now. */
  private readonly uploaded = new Map<string, FileDigests>();
  /** Jobs in the queue, and whether their start was reported. */
  private readonly inflight = new Map<string, { job: StudyJob; started: boolean; worker: string }>();
  private readonly digest: string;
  private refusalsSeen = 0;

  constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly queueName: string,
    private readonly target: RedisTarget,
    private readonly options: RedisExecutorOptions,
    private readonly jobs: readonly StudyJob[],
    private readonly context: ExecutionContext,
    private readonly done: Map<string, JobOutput>,
  ) {
    this.digest = planDigest(options.plan);
  }

  /** Writes the meta record and lists the run for the workers. */
  private async publish(): Promise<void> {
    const meta: RunMeta = {
      format: RUN_META_FORMAT,
      formatVersion: RUN_META_FORMAT_VERSION,
      queue: this.queueName,
      runName: basename(this.options.runDir),
      identity: this.options.identity,
      digest: this.digest,
      plan: this.options.plan,
    };
    const entry: RunEntry = {
      runName: meta.runName,
      coordinator: `${hostname()}:${process.pid}`,
      startedAt: new Date().toISOString(),
    };
    await this.redis
      .multi()
      .set(metaKey(this.queueName), JSON.stringify(meta))
      .hset(RUNS_KEY, this.queueName, JSON.stringify(entry))
      .exec();
  }

  /** Jobs of this run already in the queue (a coordinator that stopped earlier): adopted, or cleared when failed. */
  private async adopt(): Promise<void> {
    for (const job of this.jobs) {
      if (this.done.has(job.id)) continue;
      const existing = await this.queue.getJob(job.id);
      if (!existing) continue;
      const state = await existing.getState();
      if (state === 'failed') await existing.remove();
      else this.inflight.set(job.id, { job, started: false, worker: '' });
    }
    // Their inputs' files are in Redis already (they were enqueued with them); note their digests.
    for (const { job } of this.inflight.values()) {
      for (const input of job.inputs) if (!this.uploaded.has(input)) await this.upload(input);
    }
  }

  /** Puts a done job's files in Redis (from the run folder). */
  private async upload(id: string): Promise<void> {
    const bundle = await readBundle(this.context.store.filesDir({ id }));
    const key = filesKey(this.queueName, id);
    const multi = this.redis.multi().del(key);
    if (Object.keys(bundle).length > 0) multi.hset(key, bundle);
    const replies = await multi.exec();
    for (const [error] of replies ?? []) if (error) throw error;
    this.uploaded.set(id, bundleDigests(bundle));
  }

  private async enqueue(job: StudyJob): Promise<void> {
    const inputs: Record<string, FileDigests> = {};
    for (const input of job.inputs) {
      if (!this.uploaded.has(input)) await this.upload(input);
      inputs[input] = this.uploaded.get(input)!;
    }
    const payload: JobPayload = { digest: this.digest, job, inputs };
    await this.queue.add(job.kind, payload, {
      jobId: job.id,
      attempts: this.options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: false,
      removeOnFail: false,
    });
    this.inflight.set(job.id, { job, started: false, worker: '' });
  }

  /** The run's jobs until all are done (throws when one fails for good or the signal aborts). */
  async loop(): Promise<void> {
    const { signal } = this.context;
    await this.publish();
    await this.adopt();
    let published = true;
    while (this.done.size < this.jobs.length) {
      signal?.throwIfAborted();
      if (!published || (await this.redis.exists(metaKey(this.queueName))) === 0) {
        await this.recover();
        published = true;
      }
      for (const job of this.jobs) {
        if (this.done.has(job.id) || this.inflight.has(job.id)) continue;
        if (job.inputs.every((input) => this.done.has(input))) await this.enqueue(job);
      }
      for (const [id, entry] of [...this.inflight]) {
        // The state first, then the job: a job read first could complete in between without its output.
        const state = await this.queue.getJobState(id);
        const bull = state === 'unknown' ? undefined : await this.queue.getJob(id);
        if (!bull) {
          published = (await this.redis.exists(metaKey(this.queueName))) === 1;
          if (published) await this.enqueue(entry.job); // removed by hand: enqueue it again
          continue;
        }
        if (state === 'completed') await this.collect(entry.job, bull);
        else if (state === 'failed') throw this.failure(entry.job, bull);
        else if (state === 'active' && !entry.started) {
          entry.started = true;
          entry.worker = bull.processedBy ?? '?';
          await this.context.onEvent?.({ type: 'job-start', job: entry.job });
        }
      }
      await this.reportRefusals();
      this.options.onStatus?.({
        type: 'queue',
        queue: this.queueName,
        queued: this.jobs.length - this.done.size - [...this.inflight.values()].filter((e) => e.started).length,
        running: [...this.inflight.values()].filter((e) => e.started).map((e) => ({ job: e.job.id, worker: e.worker })),
        done: this.done.size,
        total: this.jobs.length,
      });
      if (this.done.size < this.jobs.length) await sleep(this.options.pollMs ?? DEFAULT_POLL_MS, signal);
    }
  }

  /** Redis lost the run (restarted without persistence): publish and enqueue again what is missing. */
  private async recover(): Promise<void> {
    const lost = [...this.inflight.values()].map((entry) => entry.job);
    this.options.onStatus?.({
      type: 'requeued',
      jobs: lost.length,
      reason: `Redis at ${this.target.shown} lost the run's queue`,
    });
    this.uploaded.clear();
    this.inflight.clear();
    this.refusalsSeen = 0;
    await this.publish();
    for (const job of lost) await this.enqueue(job);
  }

  /** A finished job: checks its output and files, writes them into the run folder. */
  private async collect(job: StudyJob, bull: Job): Promise<void> {
    const parsed = resultSchema.safeParse(bull.returnvalue);
    if (!parsed.success) {
      throw new MolapError(
        'job-payload',
        `the output of job '${job.id}' in Redis is not a molap job output (${parsed.error.issues[0]?.message})`,
        {
          hint: `was it edited by hand? Delete it (or the queue ${this.queueName}) and continue with --resume`,
        },
      );
    }
    const result = parsed.data;
    const files = await this.redis.hgetallBuffer(filesKey(this.queueName, job.id));
    const mismatch = bundleMismatch(result.files, files);
    if (mismatch !== undefined) {
      throw new MolapError(
        'job-payload',
        `the files of job '${job.id}' in Redis do not match its output (${mismatch})`,
        {
          hint: `they were changed after worker ${result.worker} wrote them; continue with --resume to run the job again`,
        },
      );
    }
    const store = this.context.store;
    await writeBundle(store.filesDir(job), files);
    const output: JobOutput = {
      value: result.value as Json,
      seconds: result.seconds,
      ...(result.phases === undefined ? {} : { phases: result.phases }),
    };
    await store.write(job, output);
    this.uploaded.set(job.id, result.files);
    this.done.set(job.id, output);
    this.inflight.delete(job.id);
    await bull.remove().catch(() => {});
    await this.context.onEvent?.({ type: 'job-end', job, output, resumed: false });
  }

  private failure(job: StudyJob, bull: Job): MolapError {
    const reason = (bull.failedReason ?? 'unknown error').split('\n')[0];
    return new MolapError(
      'job-failed',
      `job '${job.id}' failed on worker ${bull.processedBy ?? '?'} after ${bull.attemptsMade} attempt${bull.attemptsMade === 1 ? '' : 's'}: ${reason}`,
      {
        hint: `the run folder keeps every finished job; fix the cause, then continue with \`molap run --resume ${this.options.runDir} --executor ${this.target.shown}\``,
      },
    );
  }

  private async reportRefusals(): Promise<void> {
    const entries = await this.redis.lrange(refusalsKey(this.queueName), this.refusalsSeen, -1);
    this.refusalsSeen += entries.length;
    for (const entry of entries) {
      try {
        const refusal = JSON.parse(entry) as { worker: string; differences: string[] };
        this.options.onStatus?.({ type: 'refusal', worker: refusal.worker, differences: refusal.differences });
      } catch {
        // not ours: ignored
      }
    }
  }

  /** Removes the run's queue and files from Redis (the run folder holds everything). */
  async cleanUp(): Promise<void> {
    await this.redis.hdel(RUNS_KEY, this.queueName);
    await this.queue.obliterate({ force: true });
    const keys = [
      metaKey(this.queueName),
      refusalsKey(this.queueName),
      ...this.jobs.map((job) => filesKey(this.queueName, job.id)),
    ];
    for (let start = 0; start < keys.length; start += 500) await this.redis.del(...keys.slice(start, start + 500));
  }
}
