import {
  angleField,
  conditionFields,
  conditionGrid,
  defineTask,
  InvalidOptionError,
  msToStepsFloor,
  numberField,
  numberOption,
  type PeriodTiming,
  resolveTiming,
  responseTimingScore,
  ringDirections,
  type Task,
  type TaskFactoryOptions,
  TWO_PI,
} from '@molap/tasks';
import { READY_SET_GO_ID } from './ids.js';

/** neurogym's fixed period durations in ms: fixation, and the ready and set flashes (the interval is drawn per trial). */
export const READY_SET_GO_TIMING = Object.freeze({ fixation: 100, ready: 83, set: 83 });
/** Fixed period durations of ready-set-go, in ms. */
export type ReadySetGoTiming = typeof READY_SET_GO_TIMING;
/** neurogym's interval range: the ready-to-set interval is uniform in [800, 1500) ms. */
export const READY_SET_GO_MEASURE_RANGE: readonly [number, number] = Object.freeze([800, 1500]) as [number, number];
/** The test grid: 8 intervals evenly spaced over the measure range × these response directions. */
const TEST_MEASURES = 8;
const TEST_DIRECTIONS = ringDirections(2);

/** Options of `createReadySetGo`: `id`, `timing` (missing fields keep `READY_SET_GO_TIMING`) and: */
export interface ReadySetGoOptions extends TaskFactoryOptions<keyof ReadySetGoTiming> {
  /** Produced interval = gain × measured interval. Default 1. */
  readonly gain?: number;
  /** [low, high) in ms of the measured (ready onset to set onset) interval. Default [800, 1500). */
  readonly measureRange?: readonly [number, number];
}

/** One trial: the ready-to-set interval (ms) and the response direction (radians). */
export interface ReadySetGoCondition {
  readonly measure: number;
  readonly direction: number;
}

/**
 * Ready-set-go interval reproduction (neurogym `ReadySetGo`; Remington, Narain, Hosseini & Jazayeri
 * 2018): a ready flash and a set flash separated by the measured interval; the network must respond
 * gain × interval after the set flash, with no cue telling it when.
 *
 * Timing as neurogym (ready 83 ms and set 83 ms, floored to dt; interval uniform in [800, 1500) ms floored
 * to dt; ready onset to set onset = interval), with the periods made disjoint: `ready`, then `measure`
 * (the rest of the interval), `set`, `production` (gain × interval of waiting), `response` (as long
 * again). neurogym's go target is one step at the produced time; here the network responds from that step
 * to the end of the trial (the Yang target), so the go cue is the response onset. The flashes are bumps
 * at the response direction (drawn per trial, uniform on the circle) on ring 1 (ready) and ring 2 (set),
 * so that the ring output has a direction to report. The fixation input is on until the set flash ends.
 * Trials differ in length (padded). Test mode: 8 intervals evenly spaced over the range × directions {0, π}.
 * Scored by `responseTimingScore` (fixation must break within 100 ms of the produced time).
 */
export function createReadySetGo(options: ReadySetGoOptions = {}): Task {
  const gain = numberOption('gain', options.gain ?? 1, { above: 0, what: 'the gain', example: 1.5 });
  const timing: PeriodTiming<keyof ReadySetGoTiming> = {
    defaults: READY_SET_GO_TIMING,
    given: options.timing,
    optional: ['fixation'],
  };
  const flash = resolveTiming(timing).ready;
  const [low, high] = options.measureRange ?? READY_SET_GO_MEASURE_RANGE;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low > flash && high > low)) {
    throw new InvalidOptionError(
      'measureRange',
      options.measureRange,
      `Pass [low, high] in ms with ${flash} (the ready flash) < low < high, e.g. [800, 1500].`,
    );
  }

  return defineTask({
    id: options.id ?? READY_SET_GO_ID,
    meta: {
      displayName: 'Ready-set-go',
      description: 'Measure the interval between two flashes and reproduce it (times a gain) after the second.',
      paper:
        'Remington, Narain, Hosseini & Jazayeri 2018 (Neuron), Flexible sensorimotor computations through rapid reconfiguration of cortical dynamics',
      link: 'https://www.sciencedirect.com/science/article/pii/S0896627318304185',
      tags: ['timing', 'go-no-go', 'supervised', 'neurogym'],
    },
    periods: ['fixation', 'ready', 'measure', 'set', 'production', 'response'],
    timing,
    // When the network answers is the point of the task: Yang's last-step criterion would pass a network
    // that answers hundreds of ms early, so a trial counts only if fixation breaks within 100 ms of the go.
    score: responseTimingScore({ toleranceMs: 100 }),
    conditions: {
      sample: (rng): ReadySetGoCondition => ({
        measure: low + (high - low) * rng.uniform(),
        direction: TWO_PI * rng.uniform(),
      }),
      grid: () => {
        const measures = Array.from({ length: TEST_MEASURES }, (_, k) => low + ((high - low) * k) / TEST_MEASURES);
        return conditionGrid({ measure: measures, direction: TEST_DIRECTIONS });
      },
      parse: conditionFields({
        measure: numberField('the interval in ms', { above: flash, says: `> ${flash} (the ready flash)` }),
        direction: angleField('the response direction'),
      }),
    },
    trial(trial, { measure, direction }) {
      const { dt } = trial;
      // Whole steps as neurogym: the interval floored to dt, the produced interval gain × that, floored again.
      const measured = msToStepsFloor(measure, dt) * dt;
      const produced = msToStepsFloor(measured * gain, dt) * dt;
      trial.timing({ measure: measured - msToStepsFloor(flash, dt) * dt, production: produced, response: produced });
      trial.fixateUntil('production');
      trial.show({ ring: 1, during: 'ready', angle: direction });
      trial.show({ ring: 2, during: 'set', angle: direction });
      trial.respond('response', direction);
    },
  });
}
