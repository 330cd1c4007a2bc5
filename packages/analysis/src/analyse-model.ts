/**
 * The analyses of one trained model for one seed: robustness curves, dimensionality of its hidden states,
 * task variance and example trials. Each returns plain data; `analyse.ts` runs them as resumable stages.
 */
import {
  deriveSeed,
  evaluationBatches,
  evaluationNoiseSeed,
  InvalidValueError,
  type MultiTaskModel,
} from '@molap/core';
import type { Batch, Task, TaskOptions } from '@molap/tasks';
import { CovarianceAccumulator } from './covariance.js';
import { type Dimensionality, dimensionalityOf } from './dimensionality.js';
import { type ExampleTrial, exampleTrial } from './examples.js';
import { ANALYSIS_TRIALS_AT_ONCE, batchParts, ignoredKeepStates } from './task-variance.js';

/** Random stream of the analysis trials: they are drawn apart from the learning-curve trials. */
const ANALYSIS_STREAM = 0x616e61;

/** The seed of the analysis evaluation trials for a run seed (distinct from the learning evaluation seed). */
export function analysisSeed(seed: number): number {
  return deriveSeed(seed, ANALYSIS_STREAM);
}

/** Options of the analysis evaluation trials. */
export interface AnalysisTrialsOptions {
  /** Trials per task. */
  readonly trials: number;
  /** Run seed; the trials come from `analysisSeed(seed)`. */
  readonly seed: number;
  readonly taskOptions?: Partial<TaskOptions>;
}

/**
 * Fixed evaluation batches of the analyses, by task id: `random` mode with input noise on, as Yang et al.
 * evaluate, drawn from `analysisSeed(seed)` and the task id (`evaluationBatches` of @molap/core: each batch is
 * made when it is asked for and not kept, so an analysis holds one task's trials at a time).
 */
export function analysisBatches(tasks: readonly Task[], options: AnalysisTrialsOptions): ReadonlyMap<string, Batch> {
  return evaluationBatches(tasks, {
    trials: options.trials,
    seed: analysisSeed(options.seed),
    ...(options.taskOptions ? { taskOptions: options.taskOptions } : {}),
  });
}

/** The recurrent-noise seed of a task's analysis evaluations. */
export function analysisNoiseSeed(seed: number, taskId: string): number {
  return evaluationNoiseSeed(analysisSeed(seed), taskId);
}

/** Dimensionality of a model's hidden states, pooled over tasks and per task. */
export interface StateDimensionality {
  readonly pooled: Dimensionality;
  readonly perTask: Record<string, Dimensionality>;
}

/** Options of `stateAnalyses`. */
export interface StateAnalysesOptions {
  readonly batches: ReadonlyMap<string, Batch>;
  /** Run seed (for the noise seeds). */
  readonly seed: number;
  /** Model name recorded in the example trials. */
  readonly modelName: string;
  readonly signal?: AbortSignal;
  /** Trials evaluated at a time (default `ANALYSIS_TRIALS_AT_ONCE`, 32); the results do not depend on it. */
  readonly trialsAtOnce?: number;
}

/**
 * Runs each task's analysis batch once, unperturbed, keeping the states: the covariance of the states of
 * every real time step of every trial gives the dimensionality per task and pooled over tasks (all samples
 * together), and trial 0 of each batch becomes the task's example trial. The batch runs in parts of
 * `trialsAtOnce` trials, each drawing the recurrent noise its trials have in the whole batch (`noiseTrials`), so
 * the figures are those of one pass over the batch, to the bit, with a part's memory (for strategies that pass
 * `noiseTrials` on to the engine, as every built-in one does).
 *
 * For models with separate networks per task (independent RNNs) the pooled covariance mixes the units of
 * different networks that share an index; read it per task there.
 */
export async function stateAnalyses(
  model: MultiTaskModel,
  options: StateAnalysesOptions,
): Promise<{ dimensionality: StateDimensionality; examples: ExampleTrial[] }> {
  const n = model.hiddenSize;
  const pooled = new CovarianceAccumulator(n);
  const perTask: Record<string, Dimensionality> = {};
  const examples: ExampleTrial[] = [];
  const atOnce = options.trialsAtOnce ?? ANALYSIS_TRIALS_AT_ONCE;
  if (!(Number.isSafeInteger(atOnce) && atOnce >= 1)) {
    throw new InvalidValueError(`trialsAtOnce must be an integer >= 1, got ${String(atOnce)}`);
  }
  for (const [taskId, batch] of options.batches) {
    const accumulator = new CovarianceAccumulator(n);
    for (const { first, part, whole } of batchParts(batch, atOnce)) {
      options.signal?.throwIfAborted();
      const evaluation = await model.evaluate(taskId, part, {
        noiseSeed: analysisNoiseSeed(options.seed, taskId),
        keepStates: true,
        ...(whole ? {} : { noiseTrials: { first, of: batch.batchSize } }),
      });
      if (!evaluation.states) throw ignoredKeepStates(model.strategy);
      accumulator.addStates(evaluation.states, part.steps, part.batchSize, part.trialSteps);
      if (first === 0) {
        examples.push(exampleTrial({ model: options.modelName, seed: options.seed }, part, evaluation.outputs));
      }
    }
    perTask[taskId] = dimensionalityOf(accumulator);
    pooled.merge(accumulator);
  }
  return { dimensionality: { pooled: dimensionalityOf(pooled), perTask }, examples };
}
