import { defineTask, InvalidOptionError, type Task, TWO_PI, wrapAngle } from '@molap/tasks';
import { checkDuration, numberField } from './conditions.js';
import { PERCEPTUAL_DECISION_MAKING_ID } from './ids.js';

/** Period durations of perceptual decision making, in ms. */
export interface PerceptualDecisionMakingTiming {
  readonly fixation: number;
  readonly stimulus: number;
  readonly delay: number;
  readonly decision: number;
}

/**
 * neurogym's timing, except the decision period: 500 ms instead of 100 ms, because the Yang loss mask
 * ignores the first 100 ms after the go cue (grace period), which would leave no trained response step.
 */
export const PERCEPTUAL_DECISION_MAKING_TIMING: PerceptualDecisionMakingTiming = Object.freeze({
  fixation: 100,
  stimulus: 2000,
  delay: 0,
  decision: 500,
});
/** neurogym's coherences, in percent. */
export const PERCEPTUAL_DECISION_MAKING_COHERENCES: readonly number[] = Object.freeze([0, 6.4, 12.8, 25.6, 51.2]);

/** Options of `createPerceptualDecisionMaking`. */
export interface PerceptualDecisionMakingOptions {
  /** Task id. Default `neurogym/perceptual-decision-making`. */
  readonly id?: string;
  /** Coherences in percent drawn uniformly per trial (and the test grid). Default `PERCEPTUAL_DECISION_MAKING_COHERENCES`. */
  readonly coherences?: readonly number[];
  /** Number of choice directions, at k·2π/choices (neurogym's dim_ring). Default 2: 0 and π. */
  readonly choices?: number;
  /** neurogym's `sigma`: the stimulus noise has std sigma/√dt per step (dt in ms). Default 1. */
  readonly sigma?: number;
  /** Period durations in ms; missing fields keep `PERCEPTUAL_DECISION_MAKING_TIMING`. */
  readonly timing?: Partial<PerceptualDecisionMakingTiming>;
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
  const id = options.id ?? PERCEPTUAL_DECISION_MAKING_ID;
  const coherences = options.coherences ?? PERCEPTUAL_DECISION_MAKING_COHERENCES;
  if (!Array.isArray(coherences) || coherences.length === 0 || coherences.some((c) => !(c >= 0 && c <= 100))) {
    throw new InvalidOptionError(
      'coherences',
      coherences,
      'Pass a non-empty array of coherences in percent, each in [0, 100].',
    );
  }
  const choices = options.choices ?? 2;
  if (!Number.isInteger(choices) || choices < 2) {
    throw new InvalidOptionError('choices', choices, 'Pass the number of choice directions, an integer >= 2.');
  }
  const sigma = options.sigma ?? 1;
  if (!(sigma >= 0 && Number.isFinite(sigma)))
    throw new InvalidOptionError('sigma', sigma, 'Pass a finite number >= 0.');
  const timing = { ...PERCEPTUAL_DECISION_MAKING_TIMING, ...options.timing };
  for (const [period, ms] of Object.entries(timing))
    checkDuration(`timing.${period}`, ms, period === 'stimulus' || period === 'decision' ? 1 : 0);

  return defineTask({
    id,
    meta: {
      displayName: 'Perceptual decision making',
      description: 'Report which of several directions a noisy, coherence-graded stimulus favours.',
      paper:
        'Britten, Shadlen, Newsome & Movshon 1992, The analysis of visual motion: a comparison of neuronal and psychophysical performance',
      link: 'https://www.jneurosci.org/content/12/12/4745',
      tags: ['perceptual', 'two-alternative', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'stimulus', 'delay', 'decision'],
    conditions: {
      sample: (rng): PerceptualDecisionMakingCondition => ({
        direction: (TWO_PI * rng.integer(choices)) / choices,
        coherence: coherences[rng.integer(coherences.length)],
      }),
      grid: () =>
        Array.from({ length: choices }, (_, k) =>
          coherences.map((coherence) => ({ direction: (TWO_PI * k) / choices, coherence })),
        ).flat(),
      parse: (raw, index) => ({
        direction: wrapAngle(numberField(raw, index, 'direction', 'Pass the correct direction in radians.')),
        coherence: numberField(
          raw,
          index,
          'coherence',
          'Pass the coherence in percent, in [0, 100].',
          (c) => c >= 0 && c <= 100,
        ),
      }),
    },
    trial(trial, { direction, coherence }) {
      const { dt, ringSize } = trial;
      const profile = Array.from(
        { length: ringSize },
        (_, i) => 0.5 + Math.cos((TWO_PI * i) / ringSize - direction) * (coherence / 200),
      );
      trial.timing(timing);
      trial.fixateUntil('decision');
      trial.show({ ring: 1, during: 'stimulus', profile, noise: sigma / Math.sqrt(dt) });
      trial.respond('decision', direction);
    },
  });
}
