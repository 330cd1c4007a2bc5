import {
  angleField,
  conditionFields,
  conditionGrid,
  defineTask,
  numberField,
  numberListOption,
  numberOption,
  ringDirections,
  type Task,
  type TaskFactoryOptions,
} from '@molap/tasks';
import { PERCEPTUAL_DECISION_MAKING_ID } from './ids.js';

/**
 * neurogym's timing in ms, except the decision period: 500 ms instead of 100 ms, because the Yang loss mask
 * ignores the first 100 ms after the go cue (grace period), which would leave no trained response step.
 */
export const PERCEPTUAL_DECISION_MAKING_TIMING = Object.freeze({
  fixation: 100,
  stimulus: 2000,
  delay: 0,
  decision: 500,
});
/** Period durations of perceptual decision making, in ms. */
export type PerceptualDecisionMakingTiming = typeof PERCEPTUAL_DECISION_MAKING_TIMING;
/** neurogym's coherences, in percent. */
export const PERCEPTUAL_DECISION_MAKING_COHERENCES: readonly number[] = Object.freeze([0, 6.4, 12.8, 25.6, 51.2]);

/** Options of `createPerceptualDecisionMaking`: `id`, `timing` (default `PERCEPTUAL_DECISION_MAKING_TIMING`) and: */
export interface PerceptualDecisionMakingOptions extends TaskFactoryOptions<keyof PerceptualDecisionMakingTiming> {
  /** Coherences in percent drawn uniformly per trial (and the test grid). Default `PERCEPTUAL_DECISION_MAKING_COHERENCES`. */
  readonly coherences?: readonly number[];
  /** Number of choice directions, at k·2π/choices (neurogym's dim_ring). Default 2: 0 and π. */
  readonly choices?: number;
  /** neurogym's `sigma`: the stimulus noise has std sigma/√dt per step (dt in ms). Default 1. */
  readonly sigma?: number;
}

/** One trial: the correct direction (radians) and the coherence (percent). */
export interface PerceptualDecisionMakingCondition {
  readonly direction: number;
  readonly coherence: number;
}

/**
 * Perceptual decision making (neurogym `PerceptualDecisionMaking`; Britten et al. 1992): a noisy
 * stimulus on ring 1 favours one of `choices` directions by its coherence; after the stimulus (and delay)
 * the fixation input goes off and the network reports the favoured direction on the response ring.
 *
 * Stimulus on ring 1 during `stimulus`: x_i = 0.5 + cos(pref_i − direction)·coherence/200 plus, when
 * `options.noise` is on, Gaussian noise of std sigma/√dt per unit and step. Fixation
 * input 1 until the decision period (neurogym switches it off after its fixation period, leaving the go
 * cue implicit; here the go cue is the decision onset, as in Yang et al.). Yang's input noise is added on
 * top, as for every molap task. Random mode: direction and coherence per trial; test mode: the grid
 * choices × coherences (B = choices·coherences).
 */
export function createPerceptualDecisionMaking(options: PerceptualDecisionMakingOptions = {}): Task {
  const coherences = options.coherences ?? PERCEPTUAL_DECISION_MAKING_COHERENCES;
  numberListOption('coherences', coherences, { min: 0, max: 100, what: 'coherences in percent' });
  const choices = options.choices ?? 2;
  numberOption('choices', choices, { integer: true, min: 2, what: 'the number of choice directions' });
  const sigma = numberOption('sigma', options.sigma ?? 1, { min: 0, what: 'the stimulus noise' });
  const directions = ringDirections(choices);
  return defineTask({
    id: options.id ?? PERCEPTUAL_DECISION_MAKING_ID,
    meta: {
      displayName: 'Perceptual decision making',
      description: 'Report which of several directions a noisy, coherence-graded stimulus favours.',
      paper:
        'Britten, Shadlen, Newsome & Movshon 1992, The analysis of visual motion: a comparison of neuronal and psychophysical performance',
      link: 'https://www.jneurosci.org/content/12/12/4745',
      tags: ['perceptual', 'two-alternative', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'stimulus', 'delay', 'decision'],
    timing: { defaults: PERCEPTUAL_DECISION_MAKING_TIMING, given: options.timing, optional: ['fixation', 'delay'] },
    layout: { rings: [1] },
    conditions: {
      sample: (rng): PerceptualDecisionMakingCondition => ({
        direction: directions[rng.integer(choices)],
        coherence: coherences[rng.integer(coherences.length)],
      }),
      grid: () => conditionGrid({ direction: directions, coherence: coherences }),
      parse: conditionFields({
        direction: angleField('the correct direction'),
        coherence: numberField('the coherence in percent', { min: 0, max: 100 }),
      }),
    },
    trial(trial, { direction, coherence }) {
      const profile = (preferred: number) => 0.5 + Math.cos(preferred - direction) * (coherence / 200);
      trial.timing();
      trial.fixateUntil('decision');
      trial.show({ ring: 1, during: 'stimulus', profile, noise: sigma / Math.sqrt(trial.dt) });
      trial.respond('decision', direction);
    },
  });
}
