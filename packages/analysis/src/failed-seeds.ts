/**
 * Seeds on which a model's training failed: a model that learns the corpus on most seeds and scores next to
 * nothing on one (its activity blew up, or its readout saturated and the loss never moved) is not a fair
 * opponent on that seed, and its seed-task pairs enter every claim's bootstrap. The report and `molap run`'s
 * summary name such seeds next to the claims, so a margin that one failed seed makes is read as such.
 *
 * The rule, on each model's corpus mean per seed (the mean over the corpus tasks of `perTask[task].perSeed`'s
 * final performance): a seed fails when the model's best seed reaches at least `FAILED_SEED_MIN_BEST` and this
 * seed scores less than `FAILED_SEED_RATIO` × that best. A run of one seed has nothing to compare with, and
 * a model that learned nothing on any seed (a tiny budget) is not flagged.
 */
import { mean } from './curves.js';
import type { Results } from './schema.js';

/** A seed's corpus mean below this fraction of the model's best seed counts as failed. */
export const FAILED_SEED_RATIO = 0.5;
/** Only models whose best seed reaches this corpus mean are checked (below it, no seed learned the corpus). */
export const FAILED_SEED_MIN_BEST = 0.5;
/** Performance below which a task counts as "next to nothing" in the description of a failed seed. */
const NEAR_ZERO = 0.05;

/** A model's seed whose training failed, with the figures that show it. */
export interface FailedSeed {
  /** Name of the model (a key of `results.models`). */
  readonly model: string;
  readonly seed: number;
  /** Mean final performance over the corpus tasks on this seed, in [0, 1]. */
  readonly corpusMean: number;
  /** The model's best seed and its corpus mean. */
  readonly bestSeed: number;
  readonly bestCorpusMean: number;
  /** Corpus tasks on which this seed scored below 0.05, and how many corpus tasks there are. */
  readonly tasksNearZero: number;
  readonly tasks: number;
}

/**
 * The failed seeds of every model of `results`, in model order then seed order (empty for a run of one seed).
 */
export function failedSeeds(results: Pick<Results, 'models' | 'seeds' | 'corpus'>): FailedSeed[] {
  if (results.seeds.length < 2) return [];
  const failed: FailedSeed[] = [];
  for (const [model, entry] of Object.entries(results.models)) {
    const tasks = results.corpus.filter((id) => entry.perTask[id] !== undefined);
    if (tasks.length === 0) continue;
    const bySeed = results.seeds.map((seed) => {
      const values = tasks.map((id) => entry.perTask[id].perSeed.find((row) => row.seed === seed)?.performance);
      if (values.some((value) => value === undefined)) return undefined;
      const known = values as number[];
      return {
        seed,
        corpusMean: mean(known),
        tasksNearZero: known.filter((value) => value < NEAR_ZERO).length,
      };
    });
    const seeds = bySeed.filter((row) => row !== undefined);
    if (seeds.length < 2) continue;
    const best = seeds.reduce((a, b) => (b.corpusMean > a.corpusMean ? b : a));
    if (best.corpusMean < FAILED_SEED_MIN_BEST) continue;
    for (const row of seeds) {
      if (row.corpusMean >= FAILED_SEED_RATIO * best.corpusMean) continue;
      failed.push({
        model,
        seed: row.seed,
        corpusMean: row.corpusMean,
        bestSeed: best.seed,
        bestCorpusMean: best.corpusMean,
        tasksNearZero: row.tasksNearZero,
        tasks: tasks.length,
      });
    }
  }
  return failed;
}

/**
 * One sentence on a failed seed: "multitask, seed 3: corpus mean 0.056 against 0.902 on seed 1, 8 of 9 tasks
 * below 0.05".
 */
export function describeFailedSeed(failed: FailedSeed): string {
  return `${failed.model}, seed ${failed.seed}: corpus mean ${failed.corpusMean.toFixed(3)} against ${failed.bestCorpusMean.toFixed(3)} on seed ${failed.bestSeed}, ${failed.tasksNearZero} of ${failed.tasks} tasks below ${NEAR_ZERO}`;
}
