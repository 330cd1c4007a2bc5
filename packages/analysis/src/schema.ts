/**
 * The `results.json` schema, version 7: one document with everything a `molap run` measured, for every model
 * and task. Declared with zod (the validator and the TypeScript types come from the same declaration); the
 * package also ships it as JSON Schema (`results.schema.json`, `RESULTS_JSON_SCHEMA`).
 *
 * Units: performance is in [0, 1], by each task's score (`scores`: Yang's criterion unless the task has its
 * own); loss is the masked squared error; trials and updates are counts; timings are seconds. Values averaged
 * over seeds say so; `perSeed` entries keep each seed's value.
 *
 * Version 2 (over 1): relative robustness (`relativeFloor`; per perturbation and task the curve
 * p(m) / p(0) and its area, and the tasks below the floor), and claims decided on intervals (each
 * comparison's `difference` with its 95 % bootstrap interval over seeds × tasks, which side favours MoLaP,
 * and `secondary` rows shown but not deciding). `migrateResults` computes them for version-1 files.
 *
 * Version 3 (over 2): `scores`, how the trials of each task were judged (the task's own score, or Yang's
 * last-step criterion) and the criterion its trials to criterion were counted against. Version-2 files get
 * Yang's criterion and the budget's criterion for every task (see `migrateResultsV2`).
 *
 * Version 4 (over 3): `taskVersions`, the version of every task of the run that declares one (a plugin's
 * tasks: their own `version`, else their package's), so a result says which definition of a task it measured.
 * Version-3 files get an empty record (not recorded then; see `migrateResultsV3`).
 *
 * Version 5 (over 4): a perturbation's `version` is semver, as every molap plugin's; version 4 wrote an
 * integer n, read as `'n.0.0'` (see `migrateResultsV4`).
 *
 * Version 6 (over 5): a model may hold `stages`, the per-seed data of a user's analysis stages (`run.stages`
 * of a study); version-5 files had none and read unchanged (see `migrateResultsV5`).
 *
 * Version 7 (over 6): a corpus task's `performance` is the trained model's once the whole corpus was learned,
 * and `performanceAfterLearning` the one when the task had just been learned (they differ for strategies that
 * learn in sequence and forget). Version 6 recorded only the latter, as `performance`; a version-6 file reads
 * with both fields equal to it (see `migrateResultsV6`).
 */
import { SEMVER_PATTERN } from '@molap/tasks';
import { z } from 'zod';

/** Format name in `results.json`. */
export const RESULTS_FORMAT = 'molap-results';
/** Schema version this package writes (and the newest it reads). */
export const RESULTS_SCHEMA_VERSION = 7;

const count = z.number().int().nonnegative();
const performance = z.number().min(0).max(1);
const finite = z.number();
const taskRecord = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

const curvePoint = z.strictObject({
  trials: z.number().nonnegative().describe('Trials seen on the task (mean over seeds).'),
  performance,
  loss: finite,
});

const budget = z.strictObject({
  steps: count,
  batchSize: z.number().int().positive(),
  evalEvery: count,
  evalTrials: z.number().int().positive(),
  criterion: z.number().gt(0).max(1),
});

const scoreEntry = z.strictObject({
  id: z
    .string()
    .min(1)
    .describe(
      "Id of the score that judged the task's trials: 'yang19-last-step' (Yang et al.'s criterion at the last step) or the task's own (e.g. 'response-timing').",
    ),
  criterion: z
    .number()
    .gt(0)
    .max(1)
    .describe("Performance that counts as learned (trials to criterion): the score's own, else the budget's."),
  description: z.string().describe('What counts as a correct trial, in one sentence.'),
});

const perturbationInfo = z.strictObject({
  id: z.string(),
  version: z.string().regex(SEMVER_PATTERN).describe("The perturbation's version (semver)."),
  displayName: z.string(),
  description: z.string(),
  magnitude: z.string().describe('What the magnitude means (axis label).'),
  magnitudes: z.array(z.number().nonnegative()).min(2),
  draws: z.number().int().positive(),
});

const perTaskEntry = z.strictObject({
  performance: performance.describe(
    'Performance of the trained model once the whole corpus was learned, on the learning-curve trials, mean over seeds.',
  ),
  performanceAfterLearning: performance.describe(
    'Performance when the task had just been learned (its learning curve’s last point), mean over seeds; above `performance` when the model forgot the task while learning later ones.',
  ),
  loss: finite,
  trainableParams: count.describe(
    'Parameters trained for this task (shared-weight strategies: all trainable weights).',
  ),
  updates: z
    .number()
    .nonnegative()
    .describe('Parameter updates spent on the task: trainable parameters × optimiser steps, mean over seeds.'),
  steps: z.number().nonnegative().describe('Optimiser steps spent on the task, mean over seeds.'),
  trialsToCriterion: z
    .number()
    .nonnegative()
    .nullable()
    .describe(
      'Trials seen when the criterion was first reached, mean over the seeds that reached it; null if none did.',
    ),
  updatesToCriterion: z
    .number()
    .nonnegative()
    .nullable()
    .describe('Trainable parameters × steps to criterion, mean over the seeds that reached it; null if none did.'),
  reachedCriterion: performance.describe('Fraction of seeds that reached the criterion.'),
  curve: z.array(curvePoint).describe('Learning curve, averaged point by point over seeds.'),
  perSeed: z.array(
    z.strictObject({
      seed: z.number().int(),
      performance,
      performanceAfterLearning: performance,
      loss: finite,
      trialsToCriterion: z.number().nonnegative().nullable(),
    }),
  ),
});

const relativeCurve = z
  .array(z.number().nonnegative())
  .describe('Performance relative to the unperturbed performance, p(m) / p(0), at each magnitude (may exceed 1).');

const robustnessEntry = z.strictObject({
  magnitudes: z.array(z.number().nonnegative()),
  performance: z
    .array(performance)
    .describe('Performance at each magnitude, mean over tasks, seeds and draws (empty when skipped).'),
  auc: performance
    .nullable()
    .describe('Normalised area under `performance` (trapezoid rule ÷ magnitude range); null when skipped.'),
  skipped: z.string().optional().describe('Why the perturbation does not apply to this model.'),
  relativePerformance: relativeCurve.describe(
    'p(m) / p(0), mean over the task-seed pairs at or above their floor (`relativeFloor`, or the criterion of the task’s own score in `scores`; each task’s seeds first, then tasks); empty when skipped or when none is.',
  ),
  relativeAuc: z
    .number()
    .nonnegative()
    .nullable()
    .describe('Normalised area under `relativePerformance` (1 = no loss); null when skipped or no task counts.'),
  belowFloor: taskRecord(z.array(z.number().int())).describe(
    'Tasks left out of the relative figures, with the seeds whose unperturbed performance was below their floor (`relativeFloor`, or the criterion of the task’s own score).',
  ),
  perTask: taskRecord(
    z.strictObject({
      performance: z.array(performance),
      auc: performance,
      perSeed: z
        .array(z.array(performance))
        .describe('Performance per seed (averaged over draws): [seed][magnitude], seeds in `seeds` order.'),
      relative: relativeCurve
        .nullable()
        .describe('p(m) / p(0), mean over the seeds at or above the floor; null when no seed is.'),
      relativeAuc: z.number().nonnegative().nullable().describe('Normalised area under `relative`.'),
      perSeedRelativeAuc: z
        .array(z.number().nonnegative().nullable())
        .describe('Relative AUC per seed, seeds in `seeds` order; null for a seed below the floor.'),
    }),
  ),
});

const generalisationEntry = z.strictObject({
  curve: z.array(curvePoint).describe('Learning curve of the held-out task, averaged point by point over seeds.'),
  trialsToCriterion: z.number().nonnegative().nullable(),
  reachedCriterion: performance,
  performance: performance.describe('Final performance, mean over seeds.'),
  trainableParams: count,
  updates: z.number().nonnegative(),
  perSeed: z.array(
    z.strictObject({
      seed: z.number().int(),
      performance,
      trialsToCriterion: z.number().nonnegative().nullable(),
    }),
  ),
});

const dimensionalityEntry = z.strictObject({
  participationRatio: z.number().nonnegative(),
  pcs90: count,
  varianceExplained: z
    .array(performance)
    .describe('Cumulative fraction of variance explained by the first k components, k = 1..N.'),
});

const dimensionality = z.strictObject({
  participationRatio: z.number().nonnegative().describe('Pooled over tasks, mean over seeds.'),
  pcs90: z.number().nonnegative(),
  varianceExplained: z.array(performance).describe('Pooled curve of the first seed.'),
  perTask: taskRecord(dimensionalityEntry).describe('Per task, first seed.'),
  perSeed: z.array(
    z.strictObject({ seed: z.number().int(), participationRatio: z.number().nonnegative(), pcs90: count }),
  ),
});

const taskVariance = z.strictObject({
  seed: z.number().int(),
  tasks: z.array(z.string()),
  activeUnits: z.array(count).describe('Indices of the active units (rows of `normalised`).'),
  variance: z.array(z.array(z.number().nonnegative())).describe('Variance across conditions: [unit][task].'),
  normalised: z
    .array(z.array(performance))
    .describe("Each active unit's variances divided by its largest: [active unit][task]."),
});

const modelEntry = z.strictObject({
  strategy: z.string(),
  displayName: z.string(),
  hiddenSize: z.number().int().positive(),
  modules: z.array(z.number().int().positive()).nullable().describe('Module sizes of modular models, else null.'),
  totalParams: z.number().nonnegative().describe('Every stored parameter after learning the corpus, mean over seeds.'),
  frozenSharedParams: z.number().nonnegative().describe("Shared frozen parameters (e.g. MoLaP's modules)."),
  bytes: z.number().nonnegative().describe('Bytes of float32 storage of `totalParams`.'),
  perTask: taskRecord(perTaskEntry),
  robustness: taskRecord(robustnessEntry),
  generalisation: taskRecord(generalisationEntry).describe("Held-out tasks learned with the model's own mechanism."),
  generalisationVariants: z
    .record(z.string(), z.strictObject({ description: z.string(), tasks: taskRecord(generalisationEntry) }))
    .describe('Other mechanisms of learning the held-out tasks (e.g. multitask with only the rule weights).'),
  dimensionality: dimensionality.nullable().describe('Null when the analysis was not run.'),
  taskVariance: z.array(taskVariance).describe('Per seed; empty when the analysis was not run.'),
  stages: z
    .record(
      z.string(),
      z.strictObject({
        version: z.string().describe("The stage's version (semver)."),
        displayName: z.string(),
        perSeed: z.array(z.json()).describe('What the stage returned for each seed, in `seeds` order.'),
      }),
    )
    .optional()
    .describe("A user's analysis stages (`run.stages` of a study), by id; absent when the run had none."),
});

const interval = z
  .strictObject({
    mean: finite.describe('MoLaP − baseline, mean over the seed-task pairs both have.'),
    low: finite,
    high: finite,
    level: z.number().gt(0).lt(1).describe('Coverage of [low, high], e.g. 0.95.'),
    seeds: count.describe('Seeds resampled.'),
    tasks: count.describe('Tasks resampled.'),
    cells: count.describe('Seed-task pairs with a value.'),
    resamples: count,
  })
  .describe('Percentile bootstrap over seeds × tasks (seeded: the same results give the same interval).');

const verdict = z.enum(['supported', 'mixed', 'not-supported', 'not-tested']);

const claim = z.strictObject({
  id: z.enum(['efficiency', 'robustness', 'generalisation']),
  statement: z.string().describe("The paper's claim in one sentence."),
  rule: z.string().describe('The decision rule applied, in words.'),
  verdict,
  reason: z.string().optional().describe('Why the claim could not be tested, when it could not.'),
  molap: z.string().nullable().describe('Name of the MoLaP model compared, or null.'),
  comparisons: z.array(
    z.strictObject({
      baseline: z.string(),
      supported: z.boolean(),
      metric: z.string().describe("What is compared, e.g. 'mean AUC'."),
      molapValue: z.number().nullable(),
      baselineValue: z.number().nullable(),
      difference: interval
        .nullable()
        .describe('MoLaP − baseline of `metric` with its interval; null when no seed-task pair has both.'),
      better: z.enum(['higher', 'lower']).describe('Which sign of `difference` favours MoLaP.'),
      detail: z.string().describe('The comparison in words, with the numbers.'),
      secondary: z
        .array(
          z.strictObject({
            metric: z.string(),
            molapValue: z.number().nullable(),
            baselineValue: z.number().nullable(),
            difference: interval.nullable(),
            better: z.enum(['higher', 'lower']),
          }),
        )
        .describe('Further figures of the comparison, shown but not deciding (e.g. the absolute AUC).'),
    }),
  ),
});

/** The zod schema of `results.json` (version 6). */
export const resultsSchema = z.strictObject({
  format: z.literal(RESULTS_FORMAT),
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  createdBy: z
    .strictObject({ package: z.string(), version: z.string() })
    .describe('Package and version that wrote the file.'),
  preset: z.string().describe("Name of the run's preset (or 'custom')."),
  seed: z.number().int().describe('The first seed of the run.'),
  seeds: z.array(z.number().int()).min(1),
  corpus: z.array(z.string()).min(1).describe('Tasks learned in the main phase (the pre-training corpus).'),
  heldOut: z.array(z.string()).describe('Tasks held out of pre-training and learned afterwards (generalisation).'),
  budget: budget.describe('Per-task learning budget (interleaved strategies get steps × tasks for the curriculum).'),
  scores: taskRecord(scoreEntry).describe(
    'How the trials of each task (corpus and held out) were judged: performance, learning curves, robustness and claims all use this score.',
  ),
  taskVersions: taskRecord(z.string().min(1)).describe(
    "Version of each task of the run that declares one (semver; a plugin's tasks: their own, else their package's). The built-in Yang tasks have none: `createdBy` names the release that defined them.",
  ),
  analysisTrials: z
    .number()
    .int()
    .positive()
    .describe('Trials per task of the analysis evaluations (robustness, dimensionality).'),
  perturbations: z.array(perturbationInfo),
  relativeFloor: z
    .number()
    .gt(0)
    .max(1)
    .describe(
      "Unperturbed performance p(0) below which a task-seed pair is left out of the relative robustness figures (the budget's criterion); a task judged by its own score uses that score's criterion (`scores`).",
    ),
  models: z.record(z.string(), modelEntry),
  claims: z.array(claim),
  timings: z
    .strictObject({ total: z.number().nonnegative(), stages: z.record(z.string(), z.number().nonnegative()) })
    .describe('Seconds per stage (summed over models and seeds) and in total.'),
});

/** A `results.json` document (version 6). */
export type Results = z.infer<typeof resultsSchema>;
export type ModelResults = Results['models'][string];
export type PerTaskResults = ModelResults['perTask'][string];
export type RobustnessResults = ModelResults['robustness'][string];
export type GeneralisationResults = ModelResults['generalisation'][string];
export type DimensionalityResults = NonNullable<ModelResults['dimensionality']>;
export type TaskVarianceResults = ModelResults['taskVariance'][number];
export type Claim = Results['claims'][number];
export type ClaimComparison = Claim['comparisons'][number];
export type IntervalResults = NonNullable<ClaimComparison['difference']>;
export type ClaimVerdict = z.infer<typeof verdict>;
export type PerturbationInfo = Results['perturbations'][number];
export type TaskScoreResults = Results['scores'][string];
