/**
 * Which score judged each task of a run: the `scores` section of results.json and the words the report uses
 * for it. The functions live in @molap/core (`molap learn` and `molap compare` say the same); this package
 * re-exports them under the names it has always had.
 */
export { scoreLabel, taskScoreEntry, taskScores, YANG19_SCORE_LABEL } from '@molap/core';
