/**
 * Trial-length statistics of a task (neurogym's `trial_length_stats`): what `T` to expect, e.g. to choose a
 * sequence length or a padding budget.
 */
import { InvalidOptionError } from './errors.js';
import { resolveTaskOptions } from './options.js';
import { createRng } from './rng.js';
import type { Task, TaskOptions } from './task.js';

/** Summary of trial lengths, in steps of `dt` ms. */
export interface TrialLengthStats {
  /** Trials measured. */
  readonly trials: number;
  /** Time step in ms (multiply the step figures by it for ms). */
  readonly dt: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation. */
  readonly sd: number;
  /** 95th percentile, linear interpolation between order statistics (numpy's default). */
  readonly p95: number;
}

/** How many trials to measure and the seed of the generator. */
export interface TrialLengthStatsOptions {
  /** Trials to sample in `random` mode. Default 1000. Ignored in `test` and `psychometric` modes. */
  readonly trials?: number;
  /** Seed of the generator. Default 0. */
  readonly seed?: number;
}

/**
 * Samples trial lengths of `task`. In `random` mode, `trials` independent batches of one trial are generated
 * (timings are drawn per batch in the Yang tasks, so this is the distribution of a batch's T); in `test` and
 * `psychometric` modes the lengths of the one deterministic batch are summarised. Input noise is switched off
 * (it does not change timings). Deterministic in `seed`.
 * @param task the task to measure.
 * @param options task options (validated with `resolveTaskOptions`).
 */
export function trialLengthStats(
  task: Task,
  options: Partial<TaskOptions> = {},
  { trials = 1000, seed = 0 }: TrialLengthStatsOptions = {},
): TrialLengthStats {
  if (!Number.isSafeInteger(trials) || trials < 1) {
    throw new InvalidOptionError('trials', trials, 'Pass the number of trials to sample, an integer >= 1 (e.g. 1000).');
  }
  const resolved = resolveTaskOptions(task, { ...options, noise: false });
  const root = createRng(seed);
  const lengths: number[] = [];
  if (resolved.mode === 'random') {
    const single = resolveTaskOptions(task, { ...options, noise: false, batchSize: 1 });
    for (let i = 0; i < trials; i++) lengths.push(task.generate(root.fork(i), single).trialSteps[0]);
  } else {
    lengths.push(...task.generate(root, resolved).trialSteps);
  }
  return summarise(lengths, resolved.dt);
}

function summarise(lengths: number[], dt: number): TrialLengthStats {
  const sorted = [...lengths].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n;
  const variance = sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n;
  const rank = 0.95 * (n - 1);
  const low = Math.floor(rank);
  const high = Math.min(n - 1, low + 1);
  const p95 = sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
  return { trials: n, dt, min: sorted[0], max: sorted[n - 1], mean, sd: Math.sqrt(variance), p95 };
}
