/**
 * Uncertainty of a mean over seeds × tasks: a two-way (seeds and tasks) percentile bootstrap. The values
 * form a grid `[seed][task]` (null = no value for that pair, e.g. a task one model never learned in that
 * seed); each resample draws the seeds with replacement and the tasks with replacement and averages the
 * values present in the drawn cells. Both seeds and tasks are random factors of a claim ("another seed",
 * "another task of the same kind"), so both are resampled; with one seed the interval is over tasks only.
 *
 * Deterministic: the resamples come from `createRng(seed).fork(taskSeedKey(key))`, so the same values, seed
 * and key give the same interval, bit for bit.
 */
import { InvalidValueError, taskSeedKey } from '@molap/core';
import { createRng } from '@molap/tasks';
import { mean } from './curves.js';

/** Resamples of the bootstrap. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Seed of the bootstrap's generator (forked by each comparison's key). */
export const BOOTSTRAP_SEED = 2021;
/** Coverage of the intervals. */
export const INTERVAL_LEVEL = 0.95;

/** A mean with its bootstrap interval. */
export interface Interval {
  /** Mean of the present values. */
  readonly mean: number;
  /** Lower end of the percentile interval. */
  readonly low: number;
  /** Upper end of the percentile interval. */
  readonly high: number;
  /** Coverage, e.g. 0.95. */
  readonly level: number;
  /** Seeds with at least one value (the rows resampled). */
  readonly seeds: number;
  /** Tasks with at least one value (the columns resampled). */
  readonly tasks: number;
  /** Values present. */
  readonly cells: number;
  readonly resamples: number;
}

/** Options of `bootstrapMean`. */
export interface BootstrapOptions {
  /** Seed of the generator; default `BOOTSTRAP_SEED`. */
  readonly seed?: number;
  /** Names the quantity (e.g. 'robustness/multitask'); forks the generator so that quantities differ. */
  readonly key?: string;
  /** Default `BOOTSTRAP_RESAMPLES`. */
  readonly resamples?: number;
  /** Default `INTERVAL_LEVEL`. */
  readonly level?: number;
}

/** Quantile `q` of sorted values (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/**
 * Mean of a `[seed][task]` grid and its two-way percentile bootstrap interval, or null when no value is
 * present. Rows and columns without any value are dropped before resampling; a resample whose drawn cells
 * hold no value is drawn again.
 */
export function bootstrapMean(
  grid: readonly (readonly (number | null)[])[],
  options: BootstrapOptions = {},
): Interval | null {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const level = options.level ?? INTERVAL_LEVEL;
  if (!(Number.isSafeInteger(resamples) && resamples >= 1)) {
    throw new InvalidValueError(`resamples must be an integer >= 1, got ${String(resamples)}`);
  }
  if (!(level > 0 && level < 1)) throw new InvalidValueError(`level must be in (0, 1), got ${String(level)}`);
  const width = Math.max(0, ...grid.map((row) => row.length));
  const rows = grid.filter((row) => row.some((value) => value !== null && value !== undefined));
  const columns = Array.from({ length: width }, (_, t) => t).filter((t) =>
    rows.some((row) => row[t] !== null && row[t] !== undefined),
  );
  const values = rows.map((row) => columns.map((t) => row[t] ?? null));
  const present = values.flat().filter((value): value is number => value !== null);
  if (present.length === 0) return null;
  for (const value of present) {
    if (!Number.isFinite(value)) throw new InvalidValueError(`bootstrapMean needs finite values, got ${value}`);
  }
  const rng = createRng(options.seed ?? BOOTSTRAP_SEED).fork(taskSeedKey(options.key ?? ''));
  const S = values.length;
  const T = columns.length;
  const means: number[] = [];
  const seedDraw = new Int32Array(S);
  const taskDraw = new Int32Array(T);
  let attempts = 0;
  while (means.length < resamples) {
    if (++attempts > resamples * 100) break;
    for (let s = 0; s < S; s++) seedDraw[s] = rng.integer(S);
    for (let t = 0; t < T; t++) taskDraw[t] = rng.integer(T);
    let sum = 0;
    let count = 0;
    for (let s = 0; s < S; s++) {
      const row = values[seedDraw[s]];
      for (let t = 0; t < T; t++) {
        const value = row[taskDraw[t]];
        if (value !== null) {
          sum += value;
          count++;
        }
      }
    }
    if (count > 0) means.push(sum / count);
  }
  means.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return {
    mean: mean(present),
    low: quantile(means, tail),
    high: quantile(means, 1 - tail),
    level,
    seeds: S,
    tasks: T,
    cells: present.length,
    resamples: means.length,
  };
}

/**
 * Whether an interval lies entirely on one side of 0 (the "no difference" value). An interval from a single
 * seed-task pair has no spread and decides nothing.
 */
export function excludesZero(interval: Interval | null, side: 'above' | 'below'): boolean {
  if (interval === null || interval.seeds * interval.tasks < 2) return false;
  return side === 'above' ? interval.low > 0 : interval.high < 0;
}
