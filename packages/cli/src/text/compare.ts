/** The human output of `molap compare`: progress lines from its events, and the summary table. */
import type { CompareProgress, ComparisonTable } from '@molap/baselines';
import { summariseComparison } from '@molap/baselines';
import { scoreLabel } from '@molap/core';
import { formatNumber, formatTable } from '../output.js';
import type { Progress } from '../progress.js';

/** Maps compare's progress events to the display: a status line per learning-curve point, a step per job. */
export function compareReporter(progress: Progress): (event: CompareProgress) => void {
  let jobs = 0;
  let done = 0;
  return (event) => {
    progress.event(event);
    switch (event.type) {
      case 'start':
        jobs = event.jobs;
        progress.step(
          `compare: ${event.jobs} job${event.jobs === 1 ? '' : 's'} ${
            event.mode === 'workers' ? `on ${event.workers} worker threads` : `in this thread (${event.reason})`
          }`,
        );
        break;
      case 'job-start':
        progress.status(`[${done}/${jobs}] ${event.strategy} seed ${event.seed}: starting`);
        break;
      case 'curve':
        progress.status(
          `[${done}/${jobs}] ${event.strategy} seed ${event.seed}: ${event.taskId} step ${event.point.step}, performance ${event.point.performance.toFixed(2)}`,
        );
        break;
      case 'job-end':
        done++;
        progress.step(`[${done}/${jobs}] ${event.strategy} seed ${event.seed} done`);
        break;
    }
  };
}

/** Milliseconds as `12.3 s` or `4 min 5 s`. */
export const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
};

/**
 * Mean final performance per task (rows) and strategy (columns) over the seeds, the score that judged each task
 * (last column), and mean trainable parameters.
 */
export function formatComparison(table: ComparisonTable): string {
  const summary = summariseComparison(table);
  // The last column says which score judged each task (and its criterion), as the report does.
  const rows = summary.tasks.map(({ taskId, performance, score }) => [
    taskId,
    ...performance.map((p) => p.toFixed(3)),
    scoreLabel(score),
  ]);
  rows.push(['mean', ...summary.performance.map((p) => p.toFixed(3)), '']);
  rows.push(['trainable/task', ...summary.trainableParameters.map((n) => formatNumber(n, 0)), '']);
  const seeds = table.seeds.length;
  return `final performance, mean over ${seeds} seed${seeds === 1 ? '' : 's'} (${table.seeds.join(', ')})\n${formatTable(['task', ...summary.labels, 'score'], rows)}`;
}
