/**
 * Paired comparisons of two models for the claims: a figure per seed and task for each model, the
 * differences on the pairs both have, their mean and bootstrap interval (`bootstrapMean`), and the words the
 * report uses for them.
 */
import { bootstrapMean, excludesZero, type Interval } from './bootstrap.js';
import { mean } from './curves.js';
import type { ClaimComparison } from './schema.js';

/** Values by seed, then task (null: no value for that pair). */
export type SeedTaskValues = ReadonlyMap<number, ReadonlyMap<string, number | null>>;
/** A figure of a comparison as results.json keeps it. */
export type Secondary = ClaimComparison['secondary'][number];

/** A figure in 3 significant digits, or a whole number with thousands separators from 1000 on. */
export const fmt = (value: number) =>
  Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();
const signed = (value: number) => (value > 0 ? `+${fmt(value)}` : value === 0 ? '0' : `−${fmt(-value)}`);
const bound = (value: number) => (value < 0 ? `−${fmt(-value)}` : fmt(value));

/** "2 seeds × 9 tasks" (with one seed: "1 seed × 9 tasks (interval over tasks only)"). */
export function intervalExtent(interval: Interval): string {
  const seeds = `${interval.seeds} seed${interval.seeds === 1 ? '' : 's'}`;
  const tasks = `${interval.tasks} task${interval.tasks === 1 ? '' : 's'}`;
  return `${seeds} × ${tasks}${interval.seeds === 1 ? ' (interval over tasks only)' : ''}`;
}

/** "MoLaP − multitask = +0.04 [0.01, 0.07]". */
export function formatDifference(baseline: string, interval: Interval): string {
  return `MoLaP − ${baseline} = ${signed(interval.mean)} [${bound(interval.low)}, ${bound(interval.high)}]`;
}

/**
 * Differences MoLaP − baseline on the seed-task pairs both have, as a `[seed][task]` grid, with the means
 * of each side over those pairs.
 */
export function pairedDifferences(
  molap: SeedTaskValues,
  baseline: SeedTaskValues,
): { grid: (number | null)[][]; molapMean: number; baselineMean: number } {
  const grid: (number | null)[][] = [];
  const m: number[] = [];
  const b: number[] = [];
  const tasks = [...new Set([...molap.values()].flatMap((row) => [...row.keys()]))];
  for (const [seed, row] of molap) {
    const other = baseline.get(seed);
    grid.push(
      tasks.map((task) => {
        const x = row.get(task);
        const y = other?.get(task);
        if (x === undefined || x === null || y === undefined || y === null) return null;
        m.push(x);
        b.push(y);
        return x - y;
      }),
    );
  }
  return { grid, molapMean: mean(m), baselineMean: mean(b) };
}

/** A figure of a comparison: the means, the difference with its interval, and whether it favours MoLaP. */
export function pairedFigure(
  key: string,
  metric: string,
  better: 'higher' | 'lower',
  molap: SeedTaskValues,
  baseline: SeedTaskValues,
): Secondary & { favours: boolean } {
  const { grid, molapMean, baselineMean } = pairedDifferences(molap, baseline);
  const difference = bootstrapMean(grid, { key });
  return {
    metric,
    molapValue: difference === null ? null : molapMean,
    baselineValue: difference === null ? null : baselineMean,
    difference,
    better,
    favours: excludesZero(difference, better === 'higher' ? 'above' : 'below'),
  };
}

export function rowOf(values: Map<number, Map<string, number | null>>, seed: number): Map<string, number | null> {
  const row = values.get(seed) ?? new Map<string, number | null>();
  values.set(seed, row);
  return row;
}

export function byTaskAndSeed(
  tasks: Readonly<Record<string, { perSeed: readonly { seed: number }[] }>>,
  value: (taskId: string, index: number) => number | null,
): SeedTaskValues {
  const values = new Map<number, Map<string, number | null>>();
  for (const [taskId, task] of Object.entries(tasks)) {
    task.perSeed.forEach((entry, index) => {
      rowOf(values, entry.seed).set(taskId, value(taskId, index));
    });
  }
  return values;
}
