/**
 * Task-owned scores. A task may say how its trials are judged (`Task.score`); its batches carry that score
 * (`Batch.score`), and `performance` of this package, which every evaluation in molap goes through, uses it.
 * Without one, trials are judged by Yang et al.'s criterion at their last step (`YANG19_SCORE`).
 */

import { TasksError } from './errors.js';
import { FIXATION_THRESHOLD, RESPONSE_TOLERANCE, yangCorrect } from './metrics.js';
import { circularDistance, populationVector } from './ring.js';
import type { Batch } from './task.js';

/** How the trials of a task are judged. A plain value; `score` must be pure and deterministic. */
export interface TaskScore {
  /** Stable id recorded with results, e.g. `yang19-last-step`, `response-timing`, `my-lab/choice-accuracy`. */
  readonly id: string;
  /** One sentence: what counts as a correct trial. */
  readonly description: string;
  /** Performance that counts as learned (trials to criterion). Default: the learning budget's (Yang: 0.9). */
  readonly criterion?: number;
  /**
   * Judges each trial of `batch` from the network outputs.
   * @param outputs ŷ [T, B, nOut], time-major like the batch.
   * @returns B values in [0, 1], one per trial (1 = correct).
   */
  score(outputs: Float32Array | Float64Array, batch: Batch): ArrayLike<number>;
}

/** Yang et al.'s criterion (`get_perf`): each trial judged at its last real step. The default score. */
export const YANG19_SCORE: TaskScore = Object.freeze({
  id: 'yang19-last-step',
  description:
    'Correct when, at the last step of the trial, the fixation output is > 0.5 on a fixate trial, or <= 0.5 with the ring read-out within 0.2π of the target direction.',
  score: (outputs: Float32Array | Float64Array, batch: Batch) => yangCorrect(outputs, batch),
});

/** Options of `responseTimingScore`. */
export interface ResponseTimingOptions {
  /** How far from the go cue the fixation output may break, in ms, either way. Default 100. */
  readonly toleranceMs?: number;
  /** Steps at the start of the trial not judged, in ms (the loss mask's grace period). Default 100. */
  readonly settleMs?: number;
  /** Performance that counts as learned. Default: the budget's. */
  readonly criterion?: number;
}

/**
 * A score for tasks where *when* the network responds matters (interval timing, reaction tasks): a trial is
 * correct when the fixation output stays > 0.5 from `settleMs` until `toleranceMs` before the go cue, then
 * (response trials) stays <= 0.5 from `toleranceMs` after the go cue to the end with the ring read-out at
 * the last step within 0.2π of the target direction, or (no-go trials) stays > 0.5 to the end. A response
 * hundreds of ms early fails, which Yang's last-step criterion cannot see.
 */
export function responseTimingScore(options: ResponseTimingOptions = {}): TaskScore {
  const toleranceMs = options.toleranceMs ?? 100;
  const settleMs = options.settleMs ?? 100;
  if (!(toleranceMs >= 0 && Number.isFinite(toleranceMs)) || !(settleMs >= 0 && Number.isFinite(settleMs))) {
    throw new TasksError(
      'invalid-option',
      'responseTimingScore: toleranceMs and settleMs must be finite numbers of ms >= 0',
    );
  }
  return Object.freeze({
    id: 'response-timing',
    description: `Correct when the fixation output breaks within ${toleranceMs} ms of the go cue (never on no-go trials) and the final ring read-out is within 0.2π of the target.`,
    ...(options.criterion === undefined ? {} : { criterion: options.criterion }),
    score(outputs: Float32Array | Float64Array, batch: Batch): Float64Array {
      const { batchSize: B, outputSize, dt } = batch;
      const fixation = batch.layout.outputs.find((group) => group.role === 'fixation');
      const ring = batch.layout.outputs.find((group) => group.role === 'response');
      if (!fixation || !ring) {
        throw new TasksError('incompatible', 'responseTimingScore needs a fixation and a response output group', {
          hint: 'score tasks without them with a score of their own',
        });
      }
      const tolerance = Math.round(toleranceMs / dt);
      const settle = Math.round(settleMs / dt);
      const values = new Float64Array(B);
      const fixating = (t: number, b: number) =>
        outputs[(t * B + b) * outputSize + fixation.start] > FIXATION_THRESHOLD;
      for (let b = 0; b < B; b++) {
        const end = batch.trialSteps[b];
        const go = batch.goCue[b];
        const target = batch.targetAngle[(end - 1) * B + b];
        let ok = true;
        const holdUntil = target < 0 ? end : go - tolerance;
        for (let t = settle; t < holdUntil && ok; t++) ok = fixating(t, b);
        if (target >= 0) {
          for (let t = Math.max(go + tolerance, 0); t < end && ok; t++) ok = !fixating(t, b);
          const row = ((end - 1) * B + b) * outputSize;
          ok &&= circularDistance(target, populationVector(outputs, row + ring.start, ring.size)) < RESPONSE_TOLERANCE;
        }
        values[b] = ok ? 1 : 0;
      }
      return values;
    },
  });
}
