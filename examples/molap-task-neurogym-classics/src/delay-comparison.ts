import {
  angleOption,
  conditionFields,
  defineTask,
  listOption,
  numberField,
  numberOption,
  type Task,
  type TaskFactoryOptions,
} from '@molap/tasks';
import { DELAY_COMPARISON_ID } from './ids.js';

/** neurogym's timing in ms, except the decision period: 500 ms instead of 100 ms (the mask's grace period is 100 ms). */
export const DELAY_COMPARISON_TIMING = Object.freeze({
  fixation: 500,
  stimulus1: 500,
  delay: 1000,
  stimulus2: 500,
  decision: 500,
});
/** Period durations of delayed comparison, in ms. */
export type DelayComparisonTiming = typeof DELAY_COMPARISON_TIMING;
/** neurogym's frequency pairs in Hz (Romo's vibrotactile flutter), each (higher, lower). */
export const DELAY_COMPARISON_PAIRS: readonly (readonly [number, number])[] = Object.freeze([
  [18, 10],
  [22, 14],
  [26, 18],
  [30, 22],
  [34, 26],
] as const);

/** Options of `createDelayComparison`: `id`, `timing` (missing fields keep `DELAY_COMPARISON_TIMING`) and: */
export interface DelayComparisonOptions extends TaskFactoryOptions<keyof DelayComparisonTiming> {
  /** Frequency pairs in Hz; a trial shows one pair in either order. Default `DELAY_COMPARISON_PAIRS`. */
  readonly pairs?: readonly (readonly [number, number])[];
  /** neurogym's `sigma`: the stimulus noise has std sigma/√dt per step (dt in ms). Default 1. */
  readonly sigma?: number;
  /** Ring-1 location of both stimuli, in radians. Default 0. */
  readonly stimulusDirection?: number;
  /** Response directions for "the first was higher" and "the second was higher", in radians. Default [0, π]. */
  readonly responseDirections?: readonly [number, number];
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
  const pairs = options.pairs ?? DELAY_COMPARISON_PAIRS;
  const distinct = (pair: readonly number[]) =>
    Array.isArray(pair) && pair.length === 2 && pair.every(Number.isFinite) && pair[0] !== pair[1];
  listOption('pairs', pairs, distinct, '[f1, f2] frequency pairs in Hz with f1 ≠ f2');
  const sigma = numberOption('sigma', options.sigma ?? 1, { min: 0, what: 'the stimulus noise' });
  const stimulusDirection = angleOption('stimulusDirection', options.stimulusDirection ?? 0);
  const [first, second] = options.responseDirections ?? [0, Math.PI];
  const responses = [angleOption('responseDirections[0]', first), angleOption('responseDirections[1]', second)];
  const all = pairs.flat();
  const low = Math.min(...all);
  const span = Math.max(...all) - low;
  const strength = (f: number) => (1 + (f - low) / span) / 2;

  return defineTask({
    id: options.id ?? DELAY_COMPARISON_ID,
    meta: {
      displayName: 'Delayed comparison',
      description: 'Hold a frequency in memory over a delay and report whether a second one is higher or lower.',
      paper: 'Barak, Tsodyks & Romo 2010 (J Neurosci), Neuronal population coding of parametric working memory',
      link: 'https://www.jneurosci.org/content/30/28/9424',
      tags: ['perceptual', 'working memory', 'two-alternative', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'stimulus1', 'delay', 'stimulus2', 'decision'],
    timing: { defaults: DELAY_COMPARISON_TIMING, given: options.timing, optional: ['fixation', 'delay'] },
    layout: { rings: [1] },
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
      parse: conditionFields({
        f1: numberField('the first frequency in Hz'),
        f2: numberField('the second frequency in Hz', {
          where: { test: (f2, { f1 }) => f2 !== f1, says: 'different from f1' },
        }),
      }),
    },
    trial(trial, { f1, f2 }) {
      const noise = sigma / Math.sqrt(trial.dt);
      trial.timing();
      trial.fixateUntil('decision');
      trial.show({ ring: 1, during: 'stimulus1', angle: stimulusDirection, strength: strength(f1), noise });
      trial.show({ ring: 1, during: 'stimulus2', angle: stimulusDirection, strength: strength(f2), noise });
      trial.respond('decision', f1 > f2 ? responses[0] : responses[1]);
    },
  });
}
