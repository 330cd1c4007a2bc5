/**
 * The trial builder of `defineTask`: what a task's `trial(trial, condition)` calls to describe one trial
 * (`TrialBuilder`), and the record it fills for the renderer. Every period argument is one of the task's
 * period names; the durations a task declares (`TaskDefinition.timing`) fill in the periods a trial does not
 * give.
 */
import { InvalidOptionError, TasksError } from './errors.js';
import { TWO_PI, wrapAngle } from './ring.js';
import type { TaskOptions } from './task.js';

/** Ring stimulus of `TrialBuilder.show`. */
export type Stimulus<P extends string> = {
  /** Input ring, 1 or 2. */
  readonly ring: 1 | 2;
  /** The period (or the first and last of a run of consecutive periods) during which it is shown. */
  readonly during: P | readonly [P, P];
  /** Multiplies the profile. Default 1. */
  readonly strength?: number;
  /**
   * Std of extra Gaussian noise on the ring while the stimulus is shown (neurogym's stimulus noise, e.g.
   * σ/√dt), added only when the batch's `noise` option is on. Default 0.
   */
  readonly noise?: number;
} & (
  | {
      /** Direction in radians: Yang's bump (peak 0.8, width π/8) centred there. */
      readonly angle: number;
      readonly profile?: undefined;
    }
  | {
      /**
       * Any ring profile: `ringSize` values, one per unit (unit i prefers direction 2πi/ringSize), or the
       * value as a function of a unit's preferred direction in radians, e.g.
       * `(preferred) => 0.5 + Math.cos(preferred - direction) * coherence` (called once per unit).
       */
      readonly profile: ArrayLike<number> | ((preferred: number) => number);
      readonly angle?: undefined;
    }
);

/**
 * The argument of `TrialBuilder.timing`: a duration in ms for every period the task does not declare in
 * `TaskDefinition.timing`, and optionally one for a declared period (it replaces the declared one in this
 * trial). With every period declared, the argument may be left out: `trial.timing()`.
 */
export type TrialTiming<P extends string, Declared extends P = never> = [Exclude<P, Declared>] extends [never]
  ? [durations?: Readonly<Partial<Record<P, number>>>]
  : [durations: Readonly<Record<Exclude<P, Declared>, number> & Partial<Record<Declared, number>>>];

/**
 * One trial under construction (`TaskDefinition.trial`). Call `timing` first, then describe the trial with
 * the other methods; every period argument is one of the task's period names (a misspelt name fails to
 * compile). Exactly one of `respond` and `withhold` sets the go cue.
 * @typeParam P the task's period names.
 * @typeParam Declared the periods whose duration the task declares (`TaskDefinition.timing`).
 */
export interface TrialBuilder<P extends string, Declared extends P = never> {
  /** Index of the trial in the batch. */
  readonly index: number;
  /** Time step in ms. */
  readonly dt: number;
  /** Units per ring. */
  readonly ringSize: number;
  /**
   * Sets the duration of every period in ms, floored to whole steps of dt; a period of 0 ms is absent
   * (zero-length). Periods follow each other in the task's period order. The durations the task declares
   * (`TaskDefinition.timing`, merged with the user's option) fill in the periods not given here.
   * @throws InvalidOptionError `timing.<period>` when a declared period that must be present is shorter
   *   than one step of dt.
   */
  timing(...durations: TrialTiming<P, Declared>): void;
  /** The steps [start, end) of a period (after `timing`). */
  steps(period: P): readonly [start: number, end: number];
  /** The fixation input is 1 from the trial start until the start of `period` (default: to the end of the trial). */
  fixateUntil(period: P): void;
  /** Shows a stimulus on a ring (stimuli on one ring add up). */
  show(stimulus: Stimulus<P>): void;
  /**
   * The go cue is the start of `period`: the network fixates before it and reports `angle` (radians) on the
   * response ring from it to the end of the trial.
   */
  respond(period: P, angle: number): void;
  /** A no-go trial: the go cue is the start of `period`, and the network keeps fixating to the end. */
  withhold(period: P): void;
}

/** Most stimuli one trial may show. */
export const MAX_STIMULI_PER_TRIAL = 8;

/** Duration in ms → whole steps, floored (a float error of 1e-9 step is forgiven: 100 ms at dt 20 is 5). */
export function msToStepsFloor(ms: number, dt: number): number {
  return Math.floor(ms / dt + 1e-9);
}

/** The description of one trial, filled by its builder. */
export interface Trial {
  bounds: number[];
  fixationUntil: number;
  go: number;
  respond: boolean;
  angle: number;
  stimuli: {
    ring: number;
    angle: number;
    strength: number;
    on: number;
    off: number;
    profile?: Float64Array;
    noise: number;
  }[];
}

/** A `TrialBuilder` whose `timing` takes any subset of the periods (checked when called). */
export type UntypedTrialBuilder<P extends string> = Omit<TrialBuilder<P>, 'timing'> & {
  timing(durations?: Readonly<Partial<Record<P, number>>>): void;
};

/** What `defineTask` resolved from a definition, for every trial's builder. */
export interface Declarations {
  /** The declared durations in ms (defaults merged with the user's), or none. */
  readonly durations: Readonly<Record<string, number>>;
  /** The declared periods that must last at least one step. */
  readonly required: readonly string[];
  /** The input rings stimuli may use. */
  readonly rings: readonly number[];
}

/** The builder of trial `index` of a batch, writing into `trial`. */
export function builder<P extends string>(
  taskId: string,
  periods: readonly P[],
  index: number,
  options: TaskOptions,
  trial: Trial,
  declared: Declarations,
): UntypedTrialBuilder<P> {
  const where = `task '${taskId}', trial ${index}`;
  const periodIndex = (period: P): number => {
    const k = periods.indexOf(period);
    if (k < 0) throw definitionError(`${where}: unknown period '${period}' (periods: ${periods.join(', ')})`);
    if (trial.bounds.length === 0) throw definitionError(`${where}: call timing({...}) before using periods`);
    return k;
  };
  const steps = (period: P): readonly [number, number] => {
    const k = periodIndex(period);
    return [trial.bounds[k], trial.bounds[k + 1]];
  };
  const goCue = (period: P, respond: boolean, angle: number) => {
    if (trial.go >= 0) throw definitionError(`${where}: the go cue is set twice (call respond or withhold once)`);
    trial.go = steps(period)[0];
    trial.respond = respond;
    trial.angle = angle;
  };
  return {
    index,
    dt: options.dt,
    ringSize: options.ringSize,
    timing(given) {
      const durations: Readonly<Partial<Record<string, number>>> = given ?? {};
      const merged: Partial<Record<string, number>> = { ...declared.durations, ...durations };
      const bounds = [0];
      for (const period of periods) {
        const ms = merged[period];
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          throw definitionError(
            `${where}: the duration of period '${period}' must be a finite number of ms >= 0, got ${ms}`,
          );
        }
        const steps = msToStepsFloor(ms, options.dt);
        if (steps === 0 && durations[period] === undefined && declared.required.includes(period)) {
          throw new InvalidOptionError(
            `timing.${period}`,
            ms,
            `The period lasts less than one time step (dt = ${options.dt} ms): pass at least ${options.dt} ms, or generate with a smaller dt.`,
          );
        }
        bounds.push(bounds[bounds.length - 1] + steps);
      }
      const extra = Object.keys(durations).filter((name) => !periods.includes(name as P));
      if (extra.length > 0) throw definitionError(`${where}: timing names unknown periods ${extra.join(', ')}`);
      trial.bounds = bounds;
    },
    steps,
    fixateUntil(period) {
      trial.fixationUntil = steps(period)[0];
    },
    show(stimulus) {
      const [from, last] = typeof stimulus.during === 'string' ? [stimulus.during, stimulus.during] : stimulus.during;
      const on = steps(from)[0];
      const off = steps(last)[1];
      if (!declared.rings.includes(stimulus.ring)) {
        throw definitionError(
          `${where}: ring must be one of the task's rings (layout.rings: ${declared.rings.join(', ')}), got ${stimulus.ring}`,
        );
      }
      let profile: Float64Array | undefined;
      if (stimulus.profile !== undefined) {
        const { profile: given } = stimulus;
        const n = options.ringSize;
        profile =
          typeof given === 'function'
            ? Float64Array.from({ length: n }, (_, i) => given((TWO_PI * i) / n))
            : Float64Array.from(given);
        if (profile.length !== options.ringSize || profile.some((v) => !Number.isFinite(v))) {
          throw definitionError(`${where}: a stimulus profile must hold ringSize = ${options.ringSize} finite values`);
        }
      } else if (!Number.isFinite(stimulus.angle)) {
        throw definitionError(`${where}: the stimulus angle must be a finite number of radians, got ${stimulus.angle}`);
      }
      const strength = stimulus.strength ?? 1;
      const noise = stimulus.noise ?? 0;
      if (!Number.isFinite(strength) || !(noise >= 0 && Number.isFinite(noise))) {
        throw definitionError(`${where}: stimulus strength must be finite and noise a finite std >= 0`);
      }
      if (trial.stimuli.length >= MAX_STIMULI_PER_TRIAL) {
        throw definitionError(`${where}: a trial shows at most ${MAX_STIMULI_PER_TRIAL} stimuli`);
      }
      trial.stimuli.push({
        ring: stimulus.ring,
        angle: wrapAngle(stimulus.angle ?? 0),
        strength,
        on,
        off,
        profile,
        noise,
      });
    },
    respond(period, angle) {
      if (!Number.isFinite(angle)) throw definitionError(`${where}: the response angle must be finite, got ${angle}`);
      goCue(period, true, wrapAngle(angle));
    },
    withhold(period) {
      goCue(period, false, 0);
    },
  };
}

/**
 * A trial function that misuses its builder (a bug in the task's definition, not in the caller's options):
 * MolapError 'task-definition', a failure (a plugin task's is reported as `task-failed`, naming the plugin).
 */
export function definitionError(problem: string): TasksError {
  return new TasksError('task-definition', problem, {
    hint: "fix the task's trial function (defineTask): see the TrialBuilder documentation of @molap/tasks",
  });
}
