/** What `molap learn` prints: one row per task the model learned. */
import { scoreLabel } from '@molap/core';
import type { LearnedModel } from '@molap/study';
import { formatNumber, formatTable } from '../output.js';

/**
 * The learned model as a table: per task its final performance, trials to criterion (– when not reached),
 * trainable parameters, parameter updates and the score that judged it.
 */
export function formatLearned(learned: LearnedModel): string {
  const rows = learned.records.map((record) => [
    record.taskId,
    record.performance.toFixed(3),
    record.trialsToCriterion === null ? '–' : String(record.trialsToCriterion),
    formatNumber(record.trainableParameters, 0),
    formatNumber(record.parameterUpdates, 0),
    // Which score judged the task, with the criterion its trials to criterion count against.
    scoreLabel(learned.scores[record.taskId]),
  ]);
  return formatTable(['task', 'performance', 'trials to criterion', 'trainable', 'updates', 'score'], rows);
}
