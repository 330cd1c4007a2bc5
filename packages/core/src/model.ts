/**
 * The multi-task model interface shared by MoLaP and every baseline strategy (`@molap/baselines`), and
 * used by the analyses (`@molap/analysis`) and the comparison harness: learn tasks, evaluate them,
 * count parameters and updates, expose hidden states, apply perturbations, save.
 *
 * A model is a mutable object that owns engine resources: `dispose()` it when done. Evaluations never
 * change the model, perturbed ones included.
 */
import type { NoiseTrials } from '@molap/backend';
import type { Batch } from '@molap/tasks';

/** How much training one task gets (or, for interleaved strategies, the whole curriculum). */
export interface LearningBudget {
  /** Optimiser steps. */
  readonly steps: number;
  /** Trials per optimiser step. */
  readonly batchSize: number;
  /** Evaluate every this many steps to draw the learning curve (0: only at the end). */
  readonly evalEvery: number;
  /** Trials per task in each evaluation (fixed, seeded evaluation batches). */
  readonly evalTrials: number;
  /**
   * Performance that counts as learned, for trials-to-criterion. Yang's criterion; default 0.9. A task whose
   * score has its own `criterion` uses that one.
   */
  readonly criterion: number;
}

/** One point of a learning curve. */
export interface LearningCurvePoint {
  /** Optimiser steps taken on this task so far. */
  readonly step: number;
  /** Trials seen on this task so far (steps × batch size). */
  readonly trials: number;
  /** Performance in [0, 1] on the evaluation batch, by the task's score (default Yang's criterion). */
  readonly performance: number;
  /** Masked squared-error loss on the evaluation batch. */
  readonly loss: number;
}

/** What learning one task cost and reached. */
export interface TaskLearningRecord {
  readonly taskId: string;
  /** Optimiser steps spent on this task. */
  readonly steps: number;
  /** Trials seen on this task. */
  readonly trials: number;
  /** Parameters trained for this task (for shared-weight strategies: all trainable weights). */
  readonly trainableParameters: number;
  /** trainableParameters × steps. */
  readonly parameterUpdates: number;
  readonly curve: readonly LearningCurvePoint[];
  /** Trials seen when the curve first reached the criterion; null if it never did. */
  readonly trialsToCriterion: number | null;
  readonly performance: number;
  readonly loss: number;
  /**
   * Id of the task's own score (`Task.score` of @molap/tasks) when it has one, which then judged every
   * point of the curve (and set the criterion); absent: Yang's last-step criterion (`yang19-last-step`).
   */
  readonly score?: string;
}

/** A perturbation applied at evaluation time; magnitudes are relative where that makes sense. */
export type Perturbation =
  /** Gaussian noise on recurrent weights, σ relative to the standard deviation of those weights. */
  | { readonly kind: 'recurrent-weight-noise'; readonly sigma: number; readonly seed: number }
  /** A random fraction of hidden units clamped to 0. */
  | { readonly kind: 'unit-silencing'; readonly fraction: number; readonly seed: number }
  /** Multiplies the input-noise σ of the evaluation trials. */
  | { readonly kind: 'input-noise'; readonly scale: number }
  /** Multiplies the recurrent (state) noise σ_rec. */
  | { readonly kind: 'state-noise'; readonly scale: number }
  /** Gaussian noise on readout weights, σ relative to their standard deviation. */
  | { readonly kind: 'readout-noise'; readonly sigma: number; readonly seed: number }
  /** Whole modules silenced (modular models only), by module index. */
  | { readonly kind: 'module-lesion'; readonly modules: readonly number[] };

/** Options of one evaluation. */
export interface EvaluationOptions {
  readonly perturbation?: Perturbation;
  /** Seed of the recurrent noise during evaluation. */
  readonly noiseSeed: number;
  /** Return hidden states [T, B, N]. */
  readonly keepStates?: boolean;
  /**
   * The batch is trials `first … first + B − 1` of a larger batch of `of` trials: its recurrent noise is
   * theirs (`RunOptions.noiseTrials` of @molap/backend), so a batch evaluated in parts of trials gives the states
   * and outputs of one evaluation of the whole. Not with an `input-noise` perturbation (its noise is drawn per
   * batch). Default: the batch is the whole batch.
   */
  readonly noiseTrials?: NoiseTrials;
}

/** Result of evaluating one task on one batch. */
export interface TaskEvaluation {
  readonly taskId: string;
  /** Performance in [0, 1] by the task's score (`score`). */
  readonly performance: number;
  /**
   * Id of the score that judged the trials: the task's own (`Task.score` of @molap/tasks), else
   * `yang19-last-step` (Yang's last-step criterion). `evaluateOnBatch` fills it in.
   */
  readonly score: string;
  readonly loss: number;
  /** ŷ [T, B, nOut]. */
  readonly outputs: Float32Array;
  /** h [T, B, N], when asked for. */
  readonly states?: Float32Array;
}

/** Parameter accounting of the whole multi-task system. */
export interface ParameterCount {
  /** Every parameter stored by the system (shared and per task). */
  readonly total: number;
  /** Parameters shared by all tasks and frozen (e.g. MoLaP's modules). */
  readonly frozenShared: number;
  /** Trainable parameters per learned task. */
  readonly trainablePerTask: Readonly<Record<string, number>>;
  /** Bytes of float32 storage for `total`. */
  readonly bytes: number;
}

/** Callbacks and controls of a learning run. */
export interface LearnOptions {
  readonly seed: number;
  /** Called after each evaluation point of each task. */
  readonly onProgress?: (taskId: string, point: LearningCurvePoint) => void | Promise<void>;
  /** Stops learning at the next step boundary (the run can be resumed from its checkpoints). */
  readonly signal?: AbortSignal;
  /** Folder for checkpoints that let an interrupted `learn` resume exactly. */
  readonly checkpointDir?: string;
}

/** The interface every multi-task learning strategy implements. */
export interface MultiTaskModel {
  /** Strategy name: 'molap', 'multitask', 'independent', 'psp', 'random-modules', 'ewc', or a user's. */
  readonly strategy: string;
  /** Hidden units of the network(s) evaluated for a task. */
  readonly hiddenSize: number;
  /** Module sizes for modular models (module lesions apply to these). */
  readonly modules?: readonly number[];
  /** Ids of the tasks learned so far, in the order they were learned. */
  learnedTasks(): readonly string[];
  /**
   * Learns tasks with the strategy's own mechanism: independently per task (MoLaP, independent), in
   * sequence (psp, ewc) or interleaved (multitask). Returns one record per task.
   */
  learn(taskIds: readonly string[], budget: LearningBudget, options: LearnOptions): Promise<TaskLearningRecord[]>;
  /** Evaluates a learned task on a batch, optionally perturbed; never changes the model. */
  evaluate(taskId: string, batch: Batch, options: EvaluationOptions): Promise<TaskEvaluation>;
  parameterCount(): ParameterCount;
  /** Saves the whole system into a folder (atomically per file). */
  save(dir: string): Promise<void>;
  dispose(): Promise<void>;
}
