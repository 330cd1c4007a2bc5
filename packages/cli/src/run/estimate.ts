/**
 * What `molap run --dry-run` says about the work of a plan: its jobs (`studyJobs`), the estimated cost of each
 * (`stageCosts` of @molap/study: multiply-adds of the recurrent networks), and the wall time on 1, 4 and 16
 * workers. Seconds come from one rate, `WORK_PER_SECOND`, measured with the local executor on a 2-core
 * machine, so a worker is assumed as fast as that machine. Wall times schedule the jobs in the study's order,
 * each on the worker free first once the jobs it reads are done (list scheduling of the job graph).
 */
import {
  createBuiltinStrategyRegistry,
  formatSeconds,
  STUDY_STAGES,
  type StudyJob,
  type StudyPlan,
  stageCosts,
  stageKey,
  studyJobs,
} from '@molap/study';
import { costInputs } from './display.js';

/**
 * Estimated work (`stageCosts` units) per second of one worker: the standard preset's estimated work
 * (6.67e11) over its measured 45 minutes with the local executor on 2 cores (packages/cli/README.md,
 * "Measured"). The quick preset’s (2.94e10 over 2 min 48 s) gives 1.75e8: estimates are good to a factor 1.5.
 */
export const WORK_PER_SECOND = 2.5e8;

/** Worker counts of the estimate. */
export const ESTIMATE_WORKERS = [1, 4, 16] as const;

/** One job and its estimated seconds. */
export interface JobEstimate {
  readonly job: StudyJob;
  readonly seconds: number;
}

/** The estimate of a plan. */
export interface RunEstimate {
  readonly jobs: readonly JobEstimate[];
  /** Sum of the jobs' seconds (one worker, no waiting). */
  readonly workSeconds: number;
  /** Wall seconds with each number of workers. */
  readonly wall: readonly { readonly workers: number; readonly seconds: number }[];
}

/**
 * Wall seconds of the jobs on `workers` workers, scheduled as the Redis executor does: whenever a worker is
 * free, it takes the first job (in the study's order) whose inputs are done; when none is, it waits for the
 * next job to become ready.
 */
export function scheduleSeconds(jobs: readonly JobEstimate[], workers: number): number {
  const finish = new Map<string, number>();
  const free = new Array<number>(workers).fill(0);
  const pending = [...jobs];
  let end = 0;
  while (pending.length > 0) {
    let worker = 0;
    for (let w = 1; w < workers; w++) if (free[w]! < free[worker]!) worker = w;
    const now = free[worker]!;
    const readyAt = (entry: JobEstimate) =>
      entry.job.inputs.every((input) => finish.has(input))
        ? Math.max(0, ...entry.job.inputs.map((input) => finish.get(input)!))
        : Number.POSITIVE_INFINITY;
    let index = pending.findIndex((entry) => readyAt(entry) <= now);
    if (index < 0) {
      // Nothing is ready now: the job that becomes ready first (the study's order breaks ties).
      let soonest = Number.POSITIVE_INFINITY;
      pending.forEach((entry, i) => {
        const at = readyAt(entry);
        if (at < soonest) [soonest, index] = [at, i];
      });
    }
    const [{ job, seconds }] = pending.splice(index, 1) as [JobEstimate];
    const done = Math.max(now, readyAt({ job, seconds })) + seconds;
    free[worker] = done;
    finish.set(job.id, done);
    end = Math.max(end, done);
  }
  return end;
}

/** Jobs, costs and wall times of a plan (see the module comment). */
export async function estimateRun(plan: StudyPlan, rate = WORK_PER_SECOND): Promise<RunEstimate> {
  const [{ bank, suite, schedules }, strategies, composer] = await Promise.all([
    costInputs(plan),
    createBuiltinStrategyRegistry(),
    import('@molap/composer'),
  ]);
  const costs = stageCosts(plan, bank, suite, schedules);
  const costOf = (job: StudyJob): number => {
    switch (job.kind) {
      case 'bank': {
        const molap = plan.models.find((model) => model.strategy === 'molap');
        return molap ? (costs.get(stageKey(molap.name, job.seed, 'pretrain'))?.cost ?? 0) : 0;
      }
      case 'train':
        return costs.get(stageKey(job.model!, job.seed, 'train'))?.cost ?? 0;
      case 'stage': {
        const analysis = STUDY_STAGES.find((stage) => stage.id === job.stage)?.analysis ?? '';
        return costs.get(stageKey(job.model!, job.seed, analysis))?.cost ?? 0;
      }
      case 'generalisation':
        return costs.get(stageKey(job.model!, job.seed, 'generalisation', `${job.task} (${job.way})`))?.cost ?? 0;
    }
  };
  const jobs = studyJobs(plan, strategies, composer.PRETRAINED_BANK_INPUT).map((job) => ({
    job,
    seconds: costOf(job) / rate,
  }));
  return {
    jobs,
    workSeconds: jobs.reduce((sum, entry) => sum + entry.seconds, 0),
    wall: ESTIMATE_WORKERS.map((workers) => ({ workers, seconds: scheduleSeconds(jobs, workers) })),
  };
}

/** The estimate as text: jobs by kind, the longest jobs, the wall times. */
export function formatEstimate(estimate: RunEstimate): string {
  const kinds = new Map<string, { count: number; seconds: number }>();
  for (const { job, seconds } of estimate.jobs) {
    const kind = job.kind === 'stage' ? `stage ${job.stage}` : job.kind;
    const entry = kinds.get(kind) ?? { count: 0, seconds: 0 };
    kinds.set(kind, { count: entry.count + 1, seconds: entry.seconds + seconds });
  }
  const lines = [`${estimate.jobs.length} jobs, about ${formatSeconds(estimate.workSeconds)} of work:`];
  for (const [kind, { count, seconds }] of kinds) {
    lines.push(`  ${String(count).padStart(4)} × ${kind.padEnd(24)} ${formatSeconds(seconds)}`);
  }
  lines.push('longest jobs:');
  for (const { job, seconds } of [...estimate.jobs].sort((a, b) => b.seconds - a.seconds).slice(0, 5)) {
    lines.push(`  ${job.id.padEnd(48)} ${formatSeconds(seconds)}`);
  }
  lines.push(
    `wall time (estimated; each worker as fast as a 2-core machine): ${estimate.wall
      .map(({ workers, seconds }) => `${workers} worker${workers === 1 ? '' : 's'} ${formatSeconds(seconds)}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
