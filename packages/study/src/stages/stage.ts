/**
 * The analysis stages of a study: plugins that measure a trained model of one seed and return JSON data
 * (robustness curves, dimensionality of the hidden states, task variance, or a user's own). A study runs
 * each enabled stage as a job per model and seed, after the model learned the corpus. The built-in stages are
 * switched by `run.analyses`; a user's stage, registered in a `StageRegistry`, runs when `run.stages` names it,
 * and its per-seed data lands in results.json under `models.<name>.stages.<id>`.
 */

import type { PerturbationRegistry } from '@molap/analysis';
import { createRegistry, type MultiTaskModel, type Plugin, type Registry } from '@molap/core';
import type { Task, TaskOptions } from '@molap/tasks';
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
  /**
   * The task options of every batch of the study (`plan.taskOptions`: among them the rule block composed for
   * the run's tasks). Build batches with them (`evaluationBatch(task, { trials, seed, taskOptions })` of
   * @molap/core): a batch with the tasks' default options may not fit the model.
   */
  readonly taskOptions: Partial<TaskOptions>;
  /** The perturbations the plan names are looked up here. */
  readonly perturbations: PerturbationRegistry;
  readonly signal?: AbortSignal;
}

/** An analysis stage (see the module comment). */
export interface StudyStage extends Plugin {
  /**
   * The `plan.analyses` switch that turns a built-in stage on or off. A user's stage has none: it runs when
   * `run.stages` names it.
   */
  readonly analysis?: AnalysisSwitch;
  /** Measures a trained model; never changes it. Returns JSON data (at most a few MB: it goes into results.json). */
  run(model: MultiTaskModel, context: StageContext): Promise<Json>;
}

/** Analysis stages by id. */
export type StageRegistry = Registry<StudyStage>;

/** The `plan.analyses` switches of the built-in stages. */
const ANALYSIS_SWITCHES: readonly string[] = ['robustness', 'dimensionality', 'taskVariance'];

/** Ids a stage cannot take: they are the other kinds of job of a study (`train/…`, `bank/…`). */
export const RESERVED_STAGE_IDS: readonly string[] = Object.freeze(['bank', 'train', 'generalisation']);

/** Problems of a stage's own fields (the shared plugin fields are checked by the registry). */
export function stageProblems(stage: StudyStage): string[] {
  const problems: string[] = [];
  if (typeof stage.run !== 'function') problems.push('run(model, context) must be a function');
  if (stage.analysis !== undefined && !ANALYSIS_SWITCHES.includes(stage.analysis)) {
    problems.push(
      `analysis must be one of ${ANALYSIS_SWITCHES.map((name) => `'${name}'`).join(', ')} (the built-in stages' switches) or left out, got ${JSON.stringify(stage.analysis)}`,
    );
  }
  if (RESERVED_STAGE_IDS.includes(stage.id)) {
    problems.push(`the id '${stage.id}' is taken by the study's own jobs (${RESERVED_STAGE_IDS.join(', ')})`);
  }
  return problems;
}

/**
 * A new stage registry holding `stages` (registered in order; default none). `createBuiltinStageRegistry`
 * of the stages index holds the built-in ones.
 */
export function createStageRegistry(stages: readonly StudyStage[] = []): StageRegistry {
  return createRegistry<StudyStage>({
    kind: 'analysis stage',
    validate: stageProblems,
    hint: 'start from the built-in stages of @molap/study (createBuiltinStageRegistry)',
    plugins: stages,
  });
}
