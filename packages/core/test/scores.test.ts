/** Which score judged each task, and with which criterion (results.json `scores`, learn and compare tables). */
import { responseTimingScore, YANG19_SCORE, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { scoreLabel, taskScoreEntry, taskScores, YANG19_SCORE_LABEL } from '../src/scores.js';

describe('taskScores', () => {
  it("gives Yang's last-step criterion and the budget's criterion to tasks without a score of their own", () => {
    const scores = taskScores(yang19.slice(0, 2), 0.9);
    expect(Object.keys(scores)).toEqual([yang19[0].id, yang19[1].id]);
    expect(scores[yang19[0].id]).toEqual({
      id: 'yang19-last-step',
      criterion: 0.9,
      description: YANG19_SCORE.description,
    });
    expect(scoreLabel(scores[yang19[0].id])).toBe(`${YANG19_SCORE_LABEL} ≥ 0.9`);
  });

  it("records a task's own score, with its own criterion when it sets one", () => {
    const timing = responseTimingScore({ toleranceMs: 80, criterion: 0.75 });
    expect(taskScoreEntry({ score: timing }, 0.9)).toEqual({
      id: 'response-timing',
      criterion: 0.75,
      description: timing.description,
    });
    expect(taskScoreEntry({ score: responseTimingScore() }, 0.9).criterion).toBe(0.9);
    expect(scoreLabel(taskScoreEntry({ score: timing }, 0.9))).toBe('response-timing ≥ 0.75');
  });
});
