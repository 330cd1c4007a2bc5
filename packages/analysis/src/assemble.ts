/**
 * Turns the stage data of every model and seed into the `results.json` entries: means over seeds, with
 * each seed's values kept in `perSeed`. Learning curves are averaged point by point (index by index); their
 * trial counts are averaged too (they differ between seeds only for interleaved strategies, whose tasks are
 * drawn at random).
 */
import {
  InvalidValueError,
  type LearningCurvePoint,
  MolapError,
  type ParameterCount,
  type TaskLearningRecord,
} from '@molap/core';
import type { StateDimensionality } from './analyse-model.js';
import { mean, meanCurve, meanOrNull, normalisedAuc, relativeCurve } from './curves.js';
import type { PerturbationCurves } from './robustness.js';
import type {
  DimensionalityResults,
  GeneralisationResults,
  ModelResults,
  PerTaskResults,
  RobustnessResults,
  TaskVarianceResults,
} from './schema.js';
import type { TaskVariance } from './task-variance.js';

/** What the training stage of one model and seed keeps. */
export interface TrainingStage {
  readonly strategy: string;
  readonly hiddenSize: number;
  readonly modules: number[] | null;
  readonly records: TaskLearningRecord[];
  readonly parameters: ParameterCount;
  /**
   * The trained model evaluated on every corpus task once the whole corpus was learned, on the trials of its
   * learning curve, by task id. It differs from the record's performance (the curve's last point, when the task
   * had just been learned) for strategies that learn in sequence and forget. Absent in stage data written
   * before it was recorded: the record's performance stands in.
   */
  readonly endOfCorpus?: Readonly<Record<string, EndOfCorpusEvaluation>>;
}

/** A trained model's performance on one task at the end of the corpus (`TrainingStage.endOfCorpus`). */
export interface EndOfCorpusEvaluation {
  /** In [0, 1], by the task's score. */
  readonly performance: number;
  /** Masked squared error. */
  readonly loss: number;
}

/** The stage data of one seed of one model. */
export interface SeedStages {
  readonly seed: number;
  readonly training: TrainingStage;
  readonly robustness?: PerturbationCurves[];
  readonly states?: { readonly dimensionality: StateDimensionality };
  readonly taskVariance?: TaskVariance;
  /** Held-out task records by variant name ('' = the model's own mechanism), then by task id. */
  readonly generalisation: Readonly<Record<string, Readonly<Record<string, TaskLearningRecord>>>>;
}

/** Mean learning curve over seeds, point by point (truncated to the shortest curve). */
export function meanLearningCurve(curves: readonly (readonly LearningCurvePoint[])[]): PerTaskResults['curve'] {
  if (curves.length === 0) return [];
  const length = Math.min(...curves.map((curve) => curve.length));
  return Array.from({ length }, (_, i) => ({
    trials: mean(curves.map((curve) => curve[i].trials)),
    performance: mean(curves.map((curve) => curve[i].performance)),
    loss: mean(curves.map((curve) => curve[i].loss)),
  }));
}

function stepsToCriterion(record: TaskLearningRecord, batchSize: number): number | null {
  return record.trialsToCriterion === null ? null : record.trialsToCriterion / batchSize;
}

/** The per-task entry of one task over seeds. */
export function perTaskEntry(
  records: readonly TaskLearningRecord[],
  seeds: readonly number[],
  batchSize: number,
  endOfCorpus: readonly (EndOfCorpusEvaluation | undefined)[] = [],
): PerTaskResults {
  // performance at the end of the corpus; when it was not recorded, the performance after learning
  const ends = records.map((record, i) => endOfCorpus[i] ?? record);
  return {
    performance: mean(ends.map((end) => end.performance)),
    performanceAfterLearning: mean(records.map((record) => record.performance)),
    loss: mean(ends.map((end) => end.loss)),
    trainableParams: records[0].trainableParameters,
    updates: mean(records.map((record) => record.parameterUpdates)),
    steps: mean(records.map((record) => record.steps)),
    trialsToCriterion: meanOrNull(records.map((record) => record.trialsToCriterion)),
    updatesToCriterion: meanOrNull(
      records.map((record) => {
        const steps = stepsToCriterion(record, batchSize);
        return steps === null ? null : record.trainableParameters * steps;
      }),
    ),
    reachedCriterion: mean(records.map((record) => (record.trialsToCriterion === null ? 0 : 1))),
    curve: meanLearningCurve(records.map((record) => record.curve)),
    perSeed: records.map((record, i) => ({
      seed: seeds[i],
      performance: ends[i].performance,
      performanceAfterLearning: record.performance,
      loss: ends[i].loss,
      trialsToCriterion: record.trialsToCriterion,
    })),
  };
}

/** The generalisation entry of one held-out task over seeds. */
export function generalisationEntry(
  records: readonly TaskLearningRecord[],
  seeds: readonly number[],
): GeneralisationResults {
  return {
    curve: meanLearningCurve(records.map((record) => record.curve)),
    trialsToCriterion: meanOrNull(records.map((record) => record.trialsToCriterion)),
    reachedCriterion: mean(records.map((record) => (record.trialsToCriterion === null ? 0 : 1))),
    performance: mean(records.map((record) => record.performance)),
    trainableParams: records[0].trainableParameters,
    updates: mean(records.map((record) => record.parameterUpdates)),
    perSeed: records.map((record, i) => ({
      seed: seeds[i],
      performance: record.performance,
      trialsToCriterion: record.trialsToCriterion,
    })),
  };
}

/**
 * The robustness entry of one perturbation from its absolute per-task, per-seed curves: means over seeds
 * and tasks, absolute AUC, and the relative figures (p(m) / p(0) of each seed whose p(0) is at least
 * the task's floor; tasks with a seed below it listed in `belowFloor`).
 * @param perTask per task id, the curve of each seed: [seed][magnitude], seeds in `seeds` order.
 * @param floor the floor of every task not in `taskFloors` (the budget's criterion).
 * @param taskFloors per task id, its own floor: the criterion of the task's own score (results.json
 *   `scores.<task>.criterion`), which judged its performance.
 */
export function robustnessFromCurves(
  magnitudes: readonly number[],
  perTaskCurves: Readonly<Record<string, readonly (readonly number[])[]>>,
  seeds: readonly number[],
  floor: number,
  taskFloors: Readonly<Record<string, number>> = {},
): RobustnessResults {
  const perTask: RobustnessResults['perTask'] = {};
  const belowFloor: RobustnessResults['belowFloor'] = {};
  for (const [taskId, curves] of Object.entries(perTaskCurves)) {
    const performance = meanCurve(curves);
    const relatives = curves.map((curve) => relativeCurve(curve, taskFloors[taskId] ?? floor));
    const kept = relatives.filter((curve): curve is number[] => curve !== null);
    const relative = kept.length > 0 ? meanCurve(kept) : null;
    const below = seeds.filter((_, i) => relatives[i] === null);
    if (below.length > 0) belowFloor[taskId] = below;
    perTask[taskId] = {
      performance,
      auc: normalisedAuc(magnitudes, performance),
      perSeed: curves.map((curve) => [...curve]),
      relative,
      relativeAuc: relative === null ? null : normalisedAuc(magnitudes, relative),
      perSeedRelativeAuc: relatives.map((curve) => (curve === null ? null : normalisedAuc(magnitudes, curve))),
    };
  }
  const entries = Object.values(perTask);
  const performance = meanCurve(entries.map((entry) => entry.performance));
  const relativeCurves = entries.map((entry) => entry.relative).filter((curve): curve is number[] => curve !== null);
  const relativePerformance = meanCurve(relativeCurves);
  return {
    magnitudes: [...magnitudes],
    performance,
    auc: normalisedAuc(magnitudes, performance),
    relativePerformance,
    relativeAuc: relativeCurves.length > 0 ? normalisedAuc(magnitudes, relativePerformance) : null,
    belowFloor,
    perTask,
  };
}

/** The robustness entry of a perturbation skipped for the model. */
export function skippedRobustness(magnitudes: readonly number[], skipped: string): RobustnessResults {
  return {
    magnitudes: [...magnitudes],
    performance: [],
    auc: null,
    skipped,
    relativePerformance: [],
    relativeAuc: null,
    belowFloor: {},
    perTask: {},
  };
}

/** The robustness entry of one perturbation over seeds (seeds in order; see `robustnessFromCurves`). */
export function robustnessEntry(
  perSeed: readonly PerturbationCurves[],
  seeds: readonly number[],
  floor: number,
  taskFloors: Readonly<Record<string, number>> = {},
): RobustnessResults {
  const first = perSeed[0];
  if (first.skipped !== undefined) return skippedRobustness(first.magnitudes, first.skipped);
  const curves: Record<string, number[][]> = {};
  for (const task of first.tasks) {
    curves[task.taskId] = perSeed.map((seed) => {
      const curve = seed.tasks.find((entry) => entry.taskId === task.taskId);
      if (!curve) {
        throw new MolapError('incompatible', `robustness of task '${task.taskId}' is missing for a seed`, {
          hint: 'the stages of the seeds come from different configurations: run the missing stage for every seed again',
        });
      }
      return curve.performance;
    });
  }
  return robustnessFromCurves(first.magnitudes, curves, seeds, floor, taskFloors);
}

function dimensionalityEntry(
  perSeed: readonly { seed: number; dimensionality: StateDimensionality }[],
): DimensionalityResults {
  const first = perSeed[0].dimensionality;
  return {
    participationRatio: mean(perSeed.map((entry) => entry.dimensionality.pooled.participationRatio)),
    pcs90: mean(perSeed.map((entry) => entry.dimensionality.pooled.pcs90)),
    varianceExplained: first.pooled.varianceExplained,
    perTask: Object.fromEntries(
      Object.entries(first.perTask).map(([taskId, value]) => [
        taskId,
        {
          participationRatio: value.participationRatio,
          pcs90: value.pcs90,
          varianceExplained: value.varianceExplained,
        },
      ]),
    ),
    perSeed: perSeed.map((entry) => ({
      seed: entry.seed,
      participationRatio: entry.dimensionality.pooled.participationRatio,
      pcs90: entry.dimensionality.pooled.pcs90,
    })),
  };
}

/** Options of `assembleModel`. */
export interface AssembleModelOptions {
  readonly displayName: string;
  readonly corpus: readonly string[];
  readonly heldOut: readonly string[];
  readonly batchSize: number;
  /**
   * Unperturbed performance below which a task-seed pair is left out of the relative robustness figures
   * (results.json's `relativeFloor`; the study uses the learning criterion).
   */
  readonly relativeFloor: number;
  /**
   * Per task id, the floor of a task judged by its own score: that score's criterion (results.json
   * `scores.<task>.criterion`). Tasks not listed use `relativeFloor`.
   */
  readonly taskFloors?: Readonly<Record<string, number>>;
  /** Variant names and descriptions (besides the model's own mechanism). */
  readonly variants: readonly { readonly name: string; readonly description: string }[];
}

/** The `models.<name>` entry of results.json from every seed's stage data (seeds in run order). */
export function assembleModel(stages: readonly SeedStages[], options: AssembleModelOptions): ModelResults {
  if (stages.length === 0) throw new InvalidValueError('assembleModel needs the stages of at least one seed');
  const seeds = stages.map((stage) => stage.seed);
  const first = stages[0].training;
  const recordsOf = (taskId: string) =>
    stages.map((stage) => {
      const record = stage.training.records.find((entry) => entry.taskId === taskId);
      if (!record) {
        throw new MolapError('incompatible', `the training records of seed ${stage.seed} have no task '${taskId}'`, {
          hint: 'the stages of the seeds come from different configurations: run the missing stage for every seed again',
        });
      }
      return record;
    });
  const perTask = Object.fromEntries(
    options.corpus.map((taskId) => [
      taskId,
      perTaskEntry(
        recordsOf(taskId),
        seeds,
        options.batchSize,
        stages.map((stage) => stage.training.endOfCorpus?.[taskId]),
      ),
    ]),
  );

  const robustness: ModelResults['robustness'] = {};
  const withRobustness = stages.filter((stage) => stage.robustness !== undefined);
  if (withRobustness.length === stages.length && stages.length > 0) {
    for (const curves of stages[0].robustness ?? []) {
      robustness[curves.id] = robustnessEntry(
        stages.map((stage) => {
          const found = stage.robustness?.find((entry) => entry.id === curves.id);
          if (!found) {
            throw new MolapError('incompatible', `perturbation '${curves.id}' is missing for seed ${stage.seed}`, {
              hint: 'the stages of the seeds come from different configurations: run the missing stage for every seed again',
            });
          }
          return found;
        }),
        seeds,
        options.relativeFloor,
        options.taskFloors,
      );
    }
  }

  const generalisationOf = (variant: string) => {
    const tasks: Record<string, GeneralisationResults> = {};
    for (const taskId of options.heldOut) {
      const records = stages.map((stage) => stage.generalisation[variant]?.[taskId]);
      if (records.every((record): record is TaskLearningRecord => record !== undefined)) {
        tasks[taskId] = generalisationEntry(records, seeds);
      }
    }
    return tasks;
  };

  const states = stages.every((stage) => stage.states !== undefined)
    ? stages.map((stage) => ({ seed: stage.seed, dimensionality: stage.states!.dimensionality }))
    : undefined;

  return {
    strategy: first.strategy,
    displayName: options.displayName,
    hiddenSize: first.hiddenSize,
    modules: first.modules,
    totalParams: mean(stages.map((stage) => stage.training.parameters.total)),
    frozenSharedParams: mean(stages.map((stage) => stage.training.parameters.frozenShared)),
    bytes: mean(stages.map((stage) => stage.training.parameters.bytes)),
    perTask,
    robustness,
    generalisation: generalisationOf(''),
    generalisationVariants: Object.fromEntries(
      options.variants.map((variant) => [
        variant.name,
        { description: variant.description, tasks: generalisationOf(variant.name) },
      ]),
    ),
    dimensionality: states ? dimensionalityEntry(states) : null,
    taskVariance: stages
      .filter((stage) => stage.taskVariance !== undefined)
      .map((stage): TaskVarianceResults => ({ seed: stage.seed, ...stage.taskVariance! })),
  };
}
