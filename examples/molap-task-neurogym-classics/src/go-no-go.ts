import {
  InvalidOptionError,
  type Rng,
  ringBump,
  TASK_API_VERSION,
  type Task,
  type TaskOptions,
  wrapAngle,
} from '@molap/tasks';
import {
  addInputNoise,
  addRingInput,
  allocateBatch,
  classicLayout,
  finishBatch,
  periodBounds,
  writeFixationAndRule,
  writeResponse,
} from './classic-batch.js';
import { type ConditionSource, checkDuration, trialConditions } from './conditions.js';
import { classicDefaults, GO_NO_GO_ID } from './ids.js';

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

const PERIODS = ['fixation', 'stimulus', 'delay', 'decision'] as const;

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
  for (const period of PERIODS) checkDuration(`timing.${period}`, timing[period], period === 'fixation' ? 0 : 1);

  const source: ConditionSource<GoNoGoCondition> = {
    sample: (rng) => ({ go: rng.integer(2) === 1 }),
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
  };

  return {
    id,
    apiVersion: TASK_API_VERSION,
    meta: {
      displayName: 'Go/No-go',
      description: 'Respond after a delay to the go cue; keep fixating after the no-go cue.',
      paper:
        'Zhang, Yan, Zhang, Liu & Ma 2019 (eLife), Active information maintenance in working memory by a sensory cortex',
      link: 'https://elifesciences.org/articles/43191',
      tags: ['delayed response', 'go-no-go', 'supervised', 'neurogym'],
    },
    periods: PERIODS,
    defaults: classicDefaults(id),
    layout: classicLayout,
    generate(rng: Rng, taskOptions: TaskOptions) {
      const { dt, ringSize } = taskOptions;
      const conditions = trialConditions(source, rng, taskOptions);
      const bounds = periodBounds(
        PERIODS.map((period) => timing[period]),
        dt,
      );
      const [, stimulusStart, stimulusEnd, decisionStart] = bounds;
      const batch = allocateBatch(
        id,
        PERIODS,
        taskOptions,
        conditions.map(() => bounds),
      );
      const goCue = Float32Array.from(ringBump(goDirection, ringSize));
      const noGoCue = Float32Array.from(ringBump(noGoDirection, ringSize));
      conditions.forEach(({ go }, b) => {
        writeFixationAndRule(batch, b, 0, decisionStart);
        addRingInput(batch, b, 1, stimulusStart, stimulusEnd, go ? goCue : noGoCue);
        writeResponse(batch, b, decisionStart, go ? goDirection : undefined);
      });
      addInputNoise(batch, rng, taskOptions);
      return finishBatch(batch);
    },
  };
}

function checkAngle(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(name, value, 'Pass a direction in radians (a finite number).');
  }
  return value;
}
