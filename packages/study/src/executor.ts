/**
 * Executors run the jobs of a study. The study hands an executor every job (with its inputs) and a function
 * that runs one job here; the executor decides where and when each job runs, and records every output in the
 * job store, which is the only record of what is done. The local executor runs the jobs one after the other
 * in this thread, in the study's order (today's behaviour of `molap run`). Another executor (worker
 * processes, other machines) runs the same jobs from the same data: a job is plain JSON, its inputs are the
 * JSON outputs and the files of the jobs it reads.
 */

import { InvalidValueError } from '@molap/core';
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

/** The local executor: every job in this thread, one after the other, in the given order. */
export const localExecutor: StudyExecutor = Object.freeze({
  name: 'local',
  async execute(jobs: readonly StudyJob[], context: ExecutionContext): Promise<void> {
    const done = new Set<string>();
    for (const job of jobs) {
      context.signal?.throwIfAborted();
      for (const input of job.inputs) {
        if (!done.has(input)) {
          throw new InvalidValueError(`job '${job.id}' comes before its input '${input}': the jobs are out of order`, {
            hint: 'pass the jobs in the order of the plan (planStudy)',
          });
        }
      }
      const stored = await context.store.read(job);
      if (stored) {
        await context.onEvent?.({ type: 'job-end', job, output: stored, resumed: true });
      } else {
        await context.onEvent?.({ type: 'job-start', job });
        const output = await context.runJob(job);
        context.signal?.throwIfAborted();
        await context.store.write(job, output);
        await context.onEvent?.({ type: 'job-end', job, output, resumed: false });
      }
      done.add(job.id);
    }
  },
});
