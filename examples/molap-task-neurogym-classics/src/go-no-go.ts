import { defineTask, InvalidOptionError, type Task, wrapAngle } from '@molap/tasks';
import { checkDuration } from './conditions.js';
import { GO_NO_GO_ID } from './ids.js';

/** Period durations of go/no-go, in ms. */
export interface GoNoGoTiming {
  readonly fixation: number;
  readonly stimulus: number;
  readonly delay: number;
  readonly decision: number;
}

/** neurogym's timing (no fixation period: the cue comes at once). */
export const GO_NO_GO_TIMING: GoNoGoTiming = Object.freeze({ fixation: 0, stimulus: 500, delay: 500, decision: 500 });

/** Options of `createGoNoGo`. */
export interface GoNoGoOptions {
  /** Task id. Default `neurogym/go-no-go`. */
  readonly id?: string;
  /** Ring-1 location of the go cue, and the direction of the go response, in radians. Default 0. */
  readonly goDirection?: number;
  /** Ring-1 location of the no-go cue, in radians. Default π. */
  readonly noGoDirection?: number;
  /** Period durations in ms; missing fields keep `GO_NO_GO_TIMING`. */
  readonly timing?: Partial<GoNoGoTiming>;
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
  const id = options.id ?? GO_NO_GO_ID;
  const goDirection = wrapAngle(checkAngle('goDirection', options.goDirection ?? 0));
  const noGoDirection = wrapAngle(checkAngle('noGoDirection', options.noGoDirection ?? Math.PI));
  const timing = { ...GO_NO_GO_TIMING, ...options.timing };
  for (const [period, ms] of Object.entries(timing))
    checkDuration(`timing.${period}`, ms, period === 'fixation' ? 0 : 1);

  return defineTask({
    id,
    meta: {
      displayName: 'Go/No-go',
      description: 'Respond after a delay to the go cue; keep fixating after the no-go cue.',
      paper:
        'Zhang, Yan, Zhang, Liu & Ma 2019 (eLife), Active information maintenance in working memory by a sensory cortex',
      link: 'https://elifesciences.org/articles/43191',
      tags: ['delayed response', 'go-no-go', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'stimulus', 'delay', 'decision'],
    conditions: {
      sample: (rng): GoNoGoCondition => ({ go: rng.integer(2) === 1 }),
      grid: () => [{ go: true }, { go: false }],
      parse: (raw, index) => {
        if (typeof raw.go !== 'boolean') {
          throw new InvalidOptionError(
            `conditions[${index}].go`,
            raw.go,
            'Pass go: true (respond) or go: false (keep fixating).',
          );
        }
        return { go: raw.go };
      },
    },
    trial(trial, { go }) {
      trial.timing(timing);
      trial.fixateUntil('decision');
      trial.show({ ring: 1, during: 'stimulus', angle: go ? goDirection : noGoDirection });
      if (go) trial.respond('decision', goDirection);
      else trial.withhold('decision');
    },
  });
}

function checkAngle(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(name, value, 'Pass a direction in radians (a finite number).');
  }
  return value;
}
