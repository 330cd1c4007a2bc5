/**
 * The analysis stages of a study: plugins that measure a trained model of one seed and return JSON data
 * (robustness curves, dimensionality of the hidden states, task variance, or a user's own). A study runs
 * each enabled stage as a job per model and seed, after the model learned the corpus.
 */

import type { PerturbationRegistry } from '@molap/analysis';
import type { MultiTaskModel, Plugin } from '@molap/core';
import type { Task } from '@molap/tasks';
import type { Json } from '../jobs.js';
import type { StudyPlan } from '../plan.js';

/** Switches of `plan.analyses` a stage answers to. */
export type AnalysisSwitch = 'robustness' | 'dimensionality' | 'taskVariance';

/** What a stage gets. */
export interface StageContext {
  readonly plan: StudyPlan;
  readonly seed: number;
  /** The model's name in the study. */
  readonly modelName: string;
  /** The corpus tasks, in plan order. */
  readonly corpusTasks: readonly Task[];
  /** The perturbations the plan names are looked up here. */
  readonly perturbations: PerturbationRegistry;
  readonly signal?: AbortSignal;
}

/** An analysis stage (see the module comment). */
export interface StudyStage extends Plugin {
  /** The `plan.analyses` switch that turns it on or off. */
  readonly analysis: AnalysisSwitch;
  /** Measures a trained model; never changes it. */
  run(model: MultiTaskModel, context: StageContext): Promise<Json>;
}
