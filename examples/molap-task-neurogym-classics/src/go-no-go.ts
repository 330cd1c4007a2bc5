import {
  angleOption,
  booleanField,
  conditionFields,
  defineTask,
  type Task,
  type TaskFactoryOptions,
} from '@molap/tasks';
import { GO_NO_GO_ID } from './ids.js';

/** neurogym's timing in ms (no fixation period: the cue comes at once). */
export const GO_NO_GO_TIMING = Object.freeze({ fixation: 0, stimulus: 500, delay: 500, decision: 500 });
/** Period durations of go/no-go, in ms. */
export type GoNoGoTiming = typeof GO_NO_GO_TIMING;

/** Options of `createGoNoGo`: `id`, `timing` (missing fields keep `GO_NO_GO_TIMING`) and the cue directions. */
export interface GoNoGoOptions extends TaskFactoryOptions<keyof GoNoGoTiming> {
  /** Ring-1 location of the go cue, and the direction of the go response, in radians. Default 0. */
  readonly goDirection?: number;
  /** Ring-1 location of the no-go cue, in radians. Default π. */
  readonly noGoDirection?: number;
}

/** One trial: a go trial (respond) or a no-go trial (keep fixating). */
export interface GoNoGoCondition {
  readonly go: boolean;
}

/**
 * Go/no-go (neurogym `GoNogo`): a cue tells whether to respond after a delay. neurogym's one-hot go and
 * no-go channels become two cue locations on ring 1 (Yang's bump, strength 1): the go cue at
 * `goDirection`, the no-go cue at `noGoDirection`, shown during `stimulus`. The fixation input stays on
 * until the decision period (its onset is the go cue). On go trials the network responds at
 * `goDirection` during the decision; on no-go trials it keeps fixating for the whole trial (target angle
 * −1), with the same loss mask. Random mode: go with probability 1/2; test mode: [go, no-go].
 */
export function createGoNoGo(options: GoNoGoOptions = {}): Task {
  const goDirection = angleOption('goDirection', options.goDirection ?? 0);
  const noGoDirection = angleOption('noGoDirection', options.noGoDirection ?? Math.PI);
  return defineTask({
    id: options.id ?? GO_NO_GO_ID,
    meta: {
      displayName: 'Go/No-go',
      description: 'Respond after a delay to the go cue; keep fixating after the no-go cue.',
      paper:
        'Zhang, Yan, Zhang, Liu & Ma 2019 (eLife), Active information maintenance in working memory by a sensory cortex',
      link: 'https://elifesciences.org/articles/43191',
      tags: ['delayed response', 'go-no-go', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'stimulus', 'delay', 'decision'],
    timing: { defaults: GO_NO_GO_TIMING, given: options.timing, optional: ['fixation'] },
    layout: { rings: [1] },
    conditions: {
      sample: (rng): GoNoGoCondition => ({ go: rng.integer(2) === 1 }),
      grid: () => [{ go: true }, { go: false }],
      parse: conditionFields({ go: booleanField('respond', 'keep fixating') }),
    },
    trial(trial, { go }) {
      trial.timing();
      trial.fixateUntil('decision');
      trial.show({ ring: 1, during: 'stimulus', angle: go ? goDirection : noGoDirection });
      if (go) trial.respond('decision', goDirection);
      else trial.withhold('decision');
    },
  });
}
