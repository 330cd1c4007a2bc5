/**
 * Which score judged each task, and the performance that counts as learned under it. A task's own score
 * (`Task.score` of @molap/tasks) judges its trials and may set its criterion; every other task is judged by
 * Yang et al.'s criterion at the last step, against the learning budget's criterion. `molap learn`,
 * `molap compare`, results.json (`scores`) and the report all say it with these words.
 */
import { type Task, YANG19_SCORE } from '@molap/tasks';

/** What molap calls Yang's default score in tables and the report. */
export const YANG19_SCORE_LABEL = "Yang's last-step criterion";

/** The score that judged one task, as recorded with results (results.json `scores`, comparison tables). */
export interface TaskScoreEntry {
  /** Id of the score: `yang19-last-step` (Yang's) or the task's own (e.g. `response-timing`). */
  readonly id: string;
  /** Performance in (0, 1] that counts as learned (trials to criterion): the score's own, else the budget's. */
  readonly criterion: number;
  /** What counts as a correct trial, in one sentence. */
  readonly description: string;
}

/** The score entry of one task: its own score (with its criterion, if it sets one), else Yang's. */
export function taskScoreEntry(task: Pick<Task, 'score'>, budgetCriterion: number): TaskScoreEntry {
  const score = task.score ?? YANG19_SCORE;
  return { id: score.id, criterion: score.criterion ?? budgetCriterion, description: score.description };
}

/**
 * Per task id, the score that judged it and its criterion (in the order of `tasks`).
 * @param budgetCriterion the learning budget's criterion, for tasks whose score sets none.
 */
export function taskScores(
  tasks: readonly Pick<Task, 'id' | 'score'>[],
  budgetCriterion: number,
): Record<string, TaskScoreEntry> {
  return Object.fromEntries(tasks.map((task) => [task.id, taskScoreEntry(task, budgetCriterion)]));
}

/** The score in a few words: "Yang's last-step criterion" or the task's own score id, with the criterion. */
export function scoreLabel(entry: Pick<TaskScoreEntry, 'id' | 'criterion'>): string {
  return `${entry.id === YANG19_SCORE.id ? YANG19_SCORE_LABEL : entry.id} ≥ ${entry.criterion}`;
}
