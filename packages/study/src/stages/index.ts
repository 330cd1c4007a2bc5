/** The analysis stages of a study, in the order they run after a model learned the corpus. */
import { dimensionalityStage } from './dimensionality.js';
import { robustnessStage } from './robustness.js';
import { createStageRegistry, type StageRegistry, type StudyStage } from './stage.js';
import { taskVarianceStage } from './task-variance.js';

/** The built-in stages: robustness, dimensionality, task variance. */
export const STUDY_STAGES: readonly StudyStage[] = Object.freeze([
  robustnessStage,
  dimensionalityStage,
  taskVarianceStage,
]);

/**
 * The name a stage reports as in progress events and timings: a built-in stage's `analysis` switch
 * ('robustness', 'dimensionality', 'taskVariance'), a user's stage its id.
 */
export function stageName(id: string): string {
  return STUDY_STAGES.find((stage) => stage.id === id)?.analysis ?? id;
}

/** A stage registry holding the built-in stages and `more` (a user's, run when `run.stages` names them). */
export function createBuiltinStageRegistry(more: readonly StudyStage[] = []): StageRegistry {
  return createStageRegistry([...STUDY_STAGES, ...more]);
}
