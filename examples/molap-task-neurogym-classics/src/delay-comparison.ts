import { defineTask, InvalidOptionError, type Task, wrapAngle } from '@molap/tasks';
import { checkDuration, numberField } from './conditions.js';
import { DELAY_COMPARISON_ID } from './ids.js';

/** Period durations of delayed comparison, in ms. */
export interface DelayComparisonTiming {
  readonly fixation: number;
  readonly stimulus1: number;
  readonly delay: number;
  readonly stimulus2: number;
  readonly decision: number;
}

/** neurogym's timing, except the decision period: 500 ms instead of 100 ms (the loss mask's grace period is 100 ms). */
export const DELAY_COMPARISON_TIMING: DelayComparisonTiming = Object.freeze({
  fixation: 500,
  stimulus1: 500,
  delay: 1000,
  stimulus2: 500,
  decision: 500,
});
/** neurogym's frequency pairs in Hz (Romo's vibrotactile flutter), each (higher, lower). */
export const DELAY_COMPARISON_PAIRS: readonly (readonly [number, number])[] = Object.freeze([
  [18, 10],
  [22, 14],
  [26, 18],
  [30, 22],
  [34, 26],
] as const);

/** Options of `createDelayComparison`. */
export interface DelayComparisonOptions {
  /** Task id. Default `neurogym/delay-comparison`. */
  readonly id?: string;
  /** Frequency pairs in Hz; a trial shows one pair in either order. Default `DELAY_COMPARISON_PAIRS`. */
  readonly pairs?: readonly (readonly [number, number])[];
  /** neurogym's `sigma`: the stimulus noise has std sigma/√dt per step (dt in ms). Default 1. */
  readonly sigma?: number;
  /** Ring-1 location of both stimuli, in radians. Default 0. */
  readonly stimulusDirection?: number;
  /** Response directions for "the first was higher" and "the second was higher", in radians. Default [0, π]. */
  readonly responseDirections?: readonly [number, number];
  /** Period durations in ms; missing fields keep `DELAY_COMPARISON_TIMING`. */
  readonly timing?: Partial<DelayComparisonTiming>;
}

/** One trial: the two frequencies in Hz, in presentation order (they must differ). */
export interface DelayComparisonCondition {
  readonly f1: number;
  readonly f2: number;
}

/**
 * Delayed comparison (neurogym `DelayComparison`; Romo's parametric working memory, as modelled by Barak,
 * Tsodyks & Romo 2010): two frequencies separated by a delay; the network reports whether the first or the
 * second was higher.
 *
 * A frequency f is shown as a bump on ring 1 at `stimulusDirection` whose strength is neurogym's encoding
 * (1 + (f − fmin)/(fmax − fmin))/2 ∈ [0.5, 1], fmin and fmax over all pairs. With `options.noise` on,
 * Gaussian noise of std sigma/√dt is added to ring 1 during both stimuli (neurogym adds it to every input
 * channel, fixation included; here fixation and rule inputs only get Yang's input noise). The fixation
 * input stays on until the decision, whose onset is the go cue; the response is `responseDirections[0]`
 * when f1 > f2, `responseDirections[1]` otherwise. Random mode: a pair and an order per trial; test mode:
 * pairs × both orders.
 */
export function createDelayComparison(options: DelayComparisonOptions = {}): Task {
  const id = options.id ?? DELAY_COMPARISON_ID;
  const pairs = options.pairs ?? DELAY_COMPARISON_PAIRS;
  const validPair = (pair: unknown) =>
    Array.isArray(pair) && pair.length === 2 && pair.every((f) => Number.isFinite(f)) && pair[0] !== pair[1];
  if (!Array.isArray(pairs) || pairs.length === 0 || !pairs.every(validPair)) {
    throw new InvalidOptionError(
      'pairs',
      pairs,
      'Pass a non-empty array of [f1, f2] frequency pairs in Hz with f1 ≠ f2.',
    );
  }
  const sigma = options.sigma ?? 1;
  if (!(sigma >= 0 && Number.isFinite(sigma)))
    throw new InvalidOptionError('sigma', sigma, 'Pass a finite number >= 0.');
  const stimulusDirection = wrapAngle(options.stimulusDirection ?? 0);
  const responseDirections = options.responseDirections ?? [0, Math.PI];
  if (!Number.isFinite(stimulusDirection) || !responseDirections.every((angle) => Number.isFinite(angle))) {
    throw new InvalidOptionError('stimulusDirection', options, 'Pass directions in radians (finite numbers).');
  }
  const timing = { ...DELAY_COMPARISON_TIMING, ...options.timing };
  for (const [period, ms] of Object.entries(timing))
    checkDuration(`timing.${period}`, ms, period === 'fixation' || period === 'delay' ? 0 : 1);
  const all = pairs.flat();
  const low = Math.min(...all);
  const span = Math.max(...all) - low;
  const strength = (f: number) => (1 + (f - low) / span) / 2;

  return defineTask({
    id,
    meta: {
      displayName: 'Delayed comparison',
      description: 'Hold a frequency in memory over a delay and report whether a second one is higher or lower.',
      paper: 'Barak, Tsodyks & Romo 2010 (J Neurosci), Neuronal population coding of parametric working memory',
      link: 'https://www.jneurosci.org/content/30/28/9424',
      tags: ['perceptual', 'working memory', 'two-alternative', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'stimulus1', 'delay', 'stimulus2', 'decision'],
    conditions: {
      sample: (rng): DelayComparisonCondition => {
        const secondHigher = rng.integer(2) === 1;
        const [a, b] = pairs[rng.integer(pairs.length)];
        return secondHigher === a < b ? { f1: a, f2: b } : { f1: b, f2: a };
      },
      grid: () =>
        pairs.flatMap(([a, b]) => [
          { f1: a, f2: b },
          { f1: b, f2: a },
        ]),
      parse: (raw, index) => {
        const f1 = numberField(raw, index, 'f1', 'Pass the first frequency in Hz.');
        const f2 = numberField(
          raw,
          index,
          'f2',
          'Pass the second frequency in Hz, different from f1.',
          (f) => f !== f1,
        );
        return { f1, f2 };
      },
    },
    trial(trial, { f1, f2 }) {
      const noise = sigma / Math.sqrt(trial.dt);
      trial.timing(timing);
      trial.fixateUntil('decision');
      trial.show({ ring: 1, during: 'stimulus1', angle: stimulusDirection, strength: strength(f1), noise });
      trial.show({ ring: 1, during: 'stimulus2', angle: stimulusDirection, strength: strength(f2), noise });
      trial.respond('decision', f1 > f2 ? responseDirections[0] : responseDirections[1]);
    },
  });
}
