/**
 * What `molap run --dry-run` prints: the plan as JSON on stdout, and on stderr the estimate of its work
 * (`estimateRun` of @molap/study) as text, or as one JSON line with `--json`.
 */
import { formatSeconds, type RunEstimate, type StudyPlan, type StudyRegistries } from '@molap/study';
import type { CliIo } from '../command.js';
import type { ProgressMode } from '../progress.js';

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

/** `--dry-run`: the plan as JSON on stdout; its jobs, their estimated cost and wall times on stderr. */
export async function printDryRun(
  plan: StudyPlan,
  io: CliIo,
  mode: ProgressMode,
  registries: StudyRegistries = {},
): Promise<void> {
  io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  if (mode === 'quiet') return;
  const { estimateRun } = await import('@molap/study');
  const estimate = await estimateRun(plan, undefined, registries);
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
}
