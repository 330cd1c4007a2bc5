/** The analysis stages of a study, in the order they run after a model learned the corpus. */
import { dimensionalityStage } from './dimensionality.js';
import { robustnessStage } from './robustness.js';
import type { StudyStage } from './stage.js';
import { taskVarianceStage } from './task-variance.js';

/** The built-in stages: robustness, dimensionality, task variance. */
export const STUDY_STAGES: readonly StudyStage[] = Object.freeze([
  robustnessStage,
  dimensionalityStage,
  taskVarianceStage,
]);
