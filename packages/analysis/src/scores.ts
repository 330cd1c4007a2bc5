/**
 * Which score judged each task of a run: the `scores` section of results.json and the words the report uses
 * for it. A task's own score (`Task.score` of @molap/tasks) judges its trials and may set its criterion;
 * every other task is judged by Yang et al.'s criterion at the last step, against the budget's criterion.
 */
import { type Task, YANG19_SCORE } from '@molap/tasks';
import type { Results, TaskScoreResults } from './schema.js';

/** What the report calls Yang's default score. */
export const YANG19_SCORE_LABEL = "Yang's last-step criterion";

/** The score entry of one task: its own score (with its criterion, if it sets one), else Yang's. */
export function taskScoreEntry(task: Pick<Task, 'score'>, budgetCriterion: number): TaskScoreResults {
  const score = task.score ?? YANG19_SCORE;
  return { id: score.id, criterion: score.criterion ?? budgetCriterion, description: score.description };
}

/**
 * The `scores` section of results.json: per task id, the score that judged it and its criterion.
 * @param budgetCriterion the learning budget's criterion, for tasks whose score sets none.
 */
export function taskScores(tasks: readonly Pick<Task, 'id' | 'score'>[], budgetCriterion: number): Results['scores'] {
  return Object.fromEntries(tasks.map((task) => [task.id, taskScoreEntry(task, budgetCriterion)]));
}

/** The score in a few words: "Yang's last-step criterion" or the task's own score id, with the criterion. */
export function scoreLabel(entry: TaskScoreResults): string {
  return `${entry.id === YANG19_SCORE.id ? YANG19_SCORE_LABEL : entry.id} ≥ ${entry.criterion}`;
}
