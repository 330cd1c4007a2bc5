/**
 * What `molap run --dry-run` prints: the plan as JSON on stdout, and on stderr the estimate of its work
 * (`estimateRun` of @molap/study) as text, or as one JSON line with `--json`, with the wall time of the run on
 * this machine at its `--jobs` count.
 */
import { availableParallelism } from 'node:os';
import {
  formatSeconds,
  type LocalJobs,
  type RunEstimate,
  type StudyPlan,
  type StudyRegistries,
  scheduleSeconds,
} from '@molap/study';
import type { CliIo } from '../command.js';
import type { ProgressMode } from '../progress.js';

/** The wall time of a run on this machine, `jobs` jobs at once (`thisMachine`). */
export interface LocalEstimate {
  readonly jobs: number;
  readonly threadsPerJob: number;
  readonly cores: number;
  /** Speed of each job as a fraction of a 2-core worker's. */
  readonly speed: number;
  readonly seconds: number;
}

/**
 * The wall time of the estimate's jobs run `jobs` at a time on a machine of `cores` cores: each job as fast as a
 * 2-core worker while the jobs have two cores each, else at its share (cores / (2·jobs) of a worker), scheduled
 * as the executors take jobs. Two jobs on 2 cores were measured 1.08× faster than one at a time (the quick
 * preset, docs/performance.md), where this model says 1.0×: the estimate errs long.
 */
export function thisMachine(estimate: RunEstimate, jobs: LocalJobs, cores = availableParallelism()): LocalEstimate {
  const speed = Math.min(1, cores / (2 * jobs.jobs));
  const slower = estimate.jobs.map(({ job, seconds }) => ({ job, seconds: seconds / speed }));
  return {
    jobs: jobs.jobs,
    threadsPerJob: jobs.threadsPerJob,
    cores,
    speed,
    seconds: scheduleSeconds(slower, jobs.jobs),
  };
}

/** The estimate as text: jobs by kind, the longest jobs, the wall times (and on this machine, when given). */
export function formatEstimate(estimate: RunEstimate, local?: LocalEstimate): string {
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
  if (local) {
    lines.push(
      `on this machine (${local.cores} cores), ${local.jobs} job${local.jobs === 1 ? '' : 's'} at once with ${local.threadsPerJob} engine thread${local.threadsPerJob === 1 ? '' : 's'} each (--jobs): about ${formatSeconds(local.seconds)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `--dry-run`: the plan as JSON on stdout; its jobs, their estimated cost and wall times on stderr. */
export async function printDryRun(
  plan: StudyPlan,
  io: CliIo,
  mode: ProgressMode,
  registries: StudyRegistries = {},
  jobs?: LocalJobs,
): Promise<void> {
  io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  if (mode === 'quiet') return;
  const { estimateRun } = await import('@molap/study');
  const estimate = await estimateRun(plan, undefined, registries);
  const local = jobs ? thisMachine(estimate, jobs) : undefined;
  if (mode === 'json') {
    io.stderr(
      `${JSON.stringify({
        type: 'estimate',
        jobs: estimate.jobs.map(({ job, seconds }) => ({ id: job.id, seconds: Math.round(seconds) })),
        workSeconds: Math.round(estimate.workSeconds),
        wall: estimate.wall.map(({ workers, seconds }) => ({ workers, seconds: Math.round(seconds) })),
        ...(local ? { thisMachine: { ...local, seconds: Math.round(local.seconds) } } : {}),
      })}\n`,
    );
  } else io.stderr(formatEstimate(estimate, local));
}
