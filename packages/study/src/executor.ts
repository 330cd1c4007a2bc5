/**
 * Executors run the jobs of a study. The study hands an executor every job (with its inputs) and a function
 * that runs one job here; the executor decides where and when each job runs, and records every output in the
 * job store, which is the only record of what is done. The local executor runs the jobs one after the other
 * in this thread, in the study's order (today's behaviour of `molap run`). Another executor (worker
 * processes, other machines) runs the same jobs from the same data: a job is plain JSON, its inputs are the
 * JSON outputs and the files of the jobs it reads.
 */

import { errorKind, InvalidValueError, isMolapError, MolapError } from '@molap/core';
import type { StudyEvent } from './events.js';
import { describeJob } from './failures.js';
import type { JobOutput, JobStore } from './job-store.js';
import type { StudyJob } from './jobs.js';

/** Runs one job in this process: the study's job runner (`runStudyJob`), bound to the plan and the context. */
export type JobRunner = (job: StudyJob) => Promise<JobOutput>;

/** What an executor is told about the progress of jobs. */
export type ExecutorEvent =
  | { readonly type: 'job-start'; readonly job: StudyJob }
  | { readonly type: 'job-end'; readonly job: StudyJob; readonly output: JobOutput; readonly resumed: boolean };

/** What an executor gets. */
export interface ExecutionContext {
  /** Outputs of finished jobs; the executor writes each new output here. */
  readonly store: JobStore;
  /** Runs a job in this process. */
  readonly runJob: JobRunner;
  readonly onEvent?: (event: ExecutorEvent) => void | Promise<void>;
  /**
   * Progress events from inside jobs (learning-curve points, bank steps) that an executor runs itself, away
   * from `runJob` (which reports them directly).
   */
  readonly onJobEvent?: (event: StudyEvent) => void;
  /** Stops at the next job boundary (jobs checkpoint inside, so a stopped job resumes). */
  readonly signal?: AbortSignal;
}

/** Runs the jobs of a study (see the module comment). */
export interface StudyExecutor {
  /** Short name for messages and records, e.g. 'local'. */
  readonly name: string;
  /**
   * Runs every job whose output the store does not hold, each after the jobs it reads, and records its
   * output. Jobs already done are reported with `resumed: true` and not run again.
   */
  execute(jobs: readonly StudyJob[], context: ExecutionContext): Promise<void>;
}

/**
 * The error a run ends with when jobs failed: the first failure itself when it is the only one and no job
 * waited on it; else a molap error of the first failure's code, kind and hint whose problem names every
 * failed job and counts the jobs left undone because they read a failed one (the jobs that finished are
 * kept: a resume redoes only those).
 */
export function failedJobsError(
  failed: readonly { readonly job: StudyJob; readonly error: unknown }[],
  skipped: readonly StudyJob[],
): unknown {
  const [first] = failed;
  if (first === undefined) throw new RangeError('failedJobsError needs at least one failed job');
  if (failed.length === 1 && skipped.length === 0) return first.error;
  const error = first.error;
  const molap = isMolapError(error) ? error : undefined;
  // A plugin's failure names its package (`source`): kept in the problem, since the fields do not carry over.
  const source = (error as { source?: unknown } | undefined)?.source;
  const problem = `${molap ? molap.problem : error instanceof Error ? error.message : String(error)}${typeof source === 'string' ? ` (${source})` : ''}`;
  const others = failed.slice(1).map(({ job }) => describeJob(job));
  const more = [
    others.length > 0
      ? `${others.length} other job${others.length === 1 ? '' : 's'} failed too (${others.join('; ')})`
      : '',
    skipped.length > 0
      ? `${skipped.length} job${skipped.length === 1 ? '' : 's'} waited on a failed one and did not run`
      : '',
  ].filter((part) => part !== '');
  return new MolapError(molap ? molap.code : 'job-failed', `${problem}; ${more.join('; ')}`, {
    ...(molap?.hint ? { hint: molap.hint } : {}),
    kind: errorKind(error),
    cause: error,
  });
}

/** How `executeJobs` runs the jobs: how many at once, and where each runs. */
export interface JobSchedule {
  /** Jobs running at once, ≥ 1. */
  readonly parallelism: number;
  /** Runs one job and returns its output (in this thread, or in a worker). */
  readonly run: (job: StudyJob) => Promise<JobOutput>;
  /** Called once before the first job runs, when any job is left to run (e.g. to check the workers). */
  readonly beforeFirst?: () => Promise<void>;
}

/**
 * Runs the jobs the store does not hold, `parallelism` at a time, each once the jobs it reads are done (the
 * ready ones in the given order), and records every output in the store; the scheduling of every executor of
 * this machine. Jobs already done are reported with `resumed: true`. A job that fails leaves the jobs that
 * read it (directly or not) undone and every other job running, and the run ends with `failedJobsError`, so a
 * resumed run only redoes what failed and what waited on it. A stop (the signal) starts no other job and, once
 * the running ones returned, throws.
 */
export async function executeJobs(
  jobs: readonly StudyJob[],
  context: ExecutionContext,
  schedule: JobSchedule,
): Promise<void> {
  const { store, signal } = context;
  const done = new Set<string>();
  const blocked = new Set<string>();
  const failed: { job: StudyJob; error: unknown }[] = [];
  const skipped: StudyJob[] = [];
  const waiting: StudyJob[] = [];
  const known = new Set(jobs.map((job) => job.id));
  for (const job of jobs) {
    const missing = job.inputs.find((input) => !known.has(input));
    if (missing !== undefined) {
      throw new InvalidValueError(`job '${job.id}' reads '${missing}', which is not a job of the study`, {
        hint: 'pass every job of the plan (studyJobs)',
      });
    }
  }
  for (const job of jobs) {
    signal?.throwIfAborted();
    const stored = await store.read(job);
    if (stored) {
      await context.onEvent?.({ type: 'job-end', job, output: stored, resumed: true });
      done.add(job.id);
    } else waiting.push(job);
  }
  if (waiting.length === 0) return;
  await schedule.beforeFirst?.();

  const running = new Map<string, Promise<void>>();
  let stopped: unknown;
  const launch = async (job: StudyJob): Promise<void> => {
    await context.onEvent?.({ type: 'job-start', job });
    try {
      const output = await schedule.run(job);
      signal?.throwIfAborted();
      await store.write(job, output);
      done.add(job.id);
      await context.onEvent?.({ type: 'job-end', job, output, resumed: false });
    } catch (error) {
      if (signal?.aborted) stopped ??= error;
      else {
        failed.push({ job, error });
        blocked.add(job.id);
      }
    }
  };
  for (;;) {
    for (let i = 0; i < waiting.length; i++) {
      const job = waiting[i]!;
      if (job.inputs.some((input) => blocked.has(input))) {
        blocked.add(job.id);
        skipped.push(job);
        waiting.splice(i--, 1);
      }
    }
    if (stopped === undefined && !signal?.aborted) {
      for (let i = 0; i < waiting.length && running.size < schedule.parallelism; i++) {
        const job = waiting[i]!;
        if (!job.inputs.every((input) => done.has(input))) continue;
        waiting.splice(i--, 1);
        running.set(
          job.id,
          launch(job).finally(() => running.delete(job.id)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (stopped !== undefined || signal?.aborted) throw stopped ?? signal?.reason;
  if (waiting.length > 0 && failed.length === 0) {
    throw new InvalidValueError(`jobs wait on each other: ${waiting.map((job) => job.id).join(', ')}`, {
      hint: 'pass the jobs of a plan (studyJobs): their inputs form no cycle',
    });
  }
  if (failed.length > 0) throw failedJobsError(failed, [...skipped, ...waiting]);
}

/**
 * The local executor: every job in this thread, one after the other, in the given order (`executeJobs` with
 * one job at a time). The order must put every job after its inputs: a job listed before one of them is
 * refused before any job runs.
 */
export const localExecutor: StudyExecutor = Object.freeze({
  name: 'local',
  async execute(jobs: readonly StudyJob[], context: ExecutionContext): Promise<void> {
    const position = new Map(jobs.map((job, index) => [job.id, index]));
    jobs.forEach((job, index) => {
      const late = job.inputs.find((input) => (position.get(input) ?? -1) > index);
      if (late !== undefined) {
        throw new InvalidValueError(`job '${job.id}' comes before its input '${late}': the jobs are out of order`, {
          hint: 'pass the jobs in the order of the plan (planStudy)',
        });
      }
    });
    await executeJobs(jobs, context, { parallelism: 1, run: context.runJob });
  },
});
