/**
 * `defineTask`: a task written like a methods section. The author names the periods, says how conditions
 * are drawn (random), listed (test grid) and read (psychometric), and describes one trial: how long each
 * period lasts, when the fixation input goes off, what is shown on which ring, and when and where the
 * network must respond. The library writes the batch by Yang et al.'s conventions (the same renderer as the
 * 20 built-in tasks): fixation/ring/rule inputs, targets 0.05 with fixation 0.8 until the go cue and a ring
 * bump after it, the loss mask 0 / 1 / 0 / 5 with its 100 ms grace periods and the fixation column doubled,
 * input noise σ_x·√(2τ/dt), and zero padding (mask 0, target angle −1) behind shorter trials.
 */

import { TasksError } from './errors.js';
import { wrapAngle } from './ring.js';
import type { TaskScore } from './scores.js';
import {
  type Batch,
  type ChannelLayout,
  type Rng,
  TASK_API_VERSION,
  type Task,
  type TaskMeta,
  type TaskOptions,
} from './task.js';
import { yang19Layout } from './yang19/layout.js';
import { renderPlan, TrialPlan } from './yang19/plan.js';

/** How a task gets the condition of each trial in the three generation modes. */
export interface TrialConditions<Condition> {
  /** `random` mode: draws the condition of one trial (uniform draws, choices…) from `rng`. */
  sample(rng: Rng, options: TaskOptions): Condition;
  /** `test` mode: the deterministic grid of conditions (B = its length); must not use randomness. */
  grid(options: TaskOptions): readonly Condition[];
  /**
   * `psychometric` mode: checks one caller-given condition (`options.conditions[index]`) and returns it.
   * Throw an `InvalidOptionError` naming `conditions[index].<field>` for a bad value.
   */
  parse(raw: Readonly<Record<string, unknown>>, index: number): Condition;
}

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
      /** Any ring profile: `ringSize` values, one per unit (unit i prefers direction 2πi/ringSize). */
      readonly profile: ArrayLike<number>;
      readonly angle?: undefined;
    }
);

/**
 * One trial under construction (`TaskDefinition.trial`). Call `timing` first, then describe the trial with
 * the other methods; every period argument is one of the task's period names (a misspelt name fails to
 * compile). Exactly one of `respond` and `withhold` sets the go cue.
 */
export interface TrialBuilder<P extends string> {
  /** Index of the trial in the batch. */
  readonly index: number;
  /** Time step in ms. */
  readonly dt: number;
  /** Units per ring. */
  readonly ringSize: number;
  /**
   * Sets the duration of every period in ms, floored to whole steps of dt; a period of 0 ms is absent
   * (zero-length). Periods follow each other in the task's period order.
   */
  timing(durations: Readonly<Record<P, number>>): void;
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

/** What a task author writes; `defineTask` turns it into a `Task`. */
export interface TaskDefinition<P extends string, Condition> {
  /** `scope/name` in lower-kebab, e.g. `mylab/interval-reproduction`. */
  readonly id: string;
  /**
   * Version of the task, semver ('1.0.0'): bump it when its trials change. Optional: a plugin task without
   * one gets its package's version at discovery.
   */
  readonly version?: string;
  /** Name, description, tags; `paper` and `link` when the task comes from a paper. */
  readonly meta: TaskMeta;
  /** Period names in temporal order, e.g. `['fixation', 'stimulus', 'delay', 'decision'] as const`. */
  readonly periods: readonly P[];
  /** Rule identity: the unit of the rule input this task switches on. Default: its id. */
  readonly rule?: string;
  /** Options this task prefers over the library defaults (e.g. a longer dt). */
  readonly defaults?: Partial<TaskOptions>;
  readonly conditions: TrialConditions<Condition>;
  /** How trials are judged (e.g. `responseTimingScore()` for timing tasks). Default: Yang's last-step criterion. */
  readonly score?: TaskScore;
  /** Describes one trial with the given condition. */
  trial(trial: TrialBuilder<P>, condition: Condition): void;
}

/** Most stimuli one trial may show. */
export const MAX_STIMULI_PER_TRIAL = 8;

/** Duration in ms → whole steps, floored (a float error of 1e-9 step is forgiven: 100 ms at dt 20 is 5). */
export function msToStepsFloor(ms: number, dt: number): number {
  return Math.floor(ms / dt + 1e-9);
}

interface Trial {
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

/** The conditions of a batch under `options.mode`: B draws, the test grid, or the caller's list. */
function batchConditions<C>(source: TrialConditions<C>, rng: Rng, options: TaskOptions): readonly C[] {
  if (options.mode === 'test') return source.grid(options);
  if (options.mode === 'psychometric') return (options.conditions ?? []).map((raw, i) => source.parse(raw, i));
  return Array.from({ length: options.batchSize }, () => source.sample(rng, options));
}

function builder<P extends string>(
  taskId: string,
  periods: readonly P[],
  index: number,
  options: TaskOptions,
  trial: Trial,
): TrialBuilder<P> {
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
    timing(durations) {
      const bounds = [0];
      for (const period of periods) {
        const ms = durations[period];
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          throw definitionError(
            `${where}: the duration of period '${period}' must be a finite number of ms >= 0, got ${ms}`,
          );
        }
        bounds.push(bounds[bounds.length - 1] + msToStepsFloor(ms, options.dt));
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
      if (stimulus.ring !== 1 && stimulus.ring !== 2)
        throw definitionError(`${where}: ring must be 1 or 2, got ${stimulus.ring}`);
      let profile: Float64Array | undefined;
      if (stimulus.profile !== undefined) {
        profile = Float64Array.from(stimulus.profile);
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
 * Builds a frozen `Task` from a definition. The layout is the Yang corpus layout (fixation, two stimulus
 * rings, the rule one-hot over `options.rules`; outputs fixation + response ring), so the task shares
 * networks, module banks and read-outs with the Yang tasks and with other plugins. The rule unit switched
 * on is the task's rule (`rule`, default its id); with no `rules` option a task alone gets the rule block
 * `composeRules([task])`, and tasks sharing a network get `composeRules(tasks)`.
 *
 * Errors in a trial description (no timing, no go cue, a go cue at step 0 or past the trial, a wrong
 * profile length) throw a RangeError naming the task and the trial.
 */
export function defineTask<const P extends string, Condition>(definition: TaskDefinition<P, Condition>): Task {
  const { id, periods, conditions } = definition;
  const frozenPeriods = Object.freeze([...periods]) as readonly P[];
  const layout = (options: TaskOptions): ChannelLayout => yang19Layout(options);
  const generate = (rng: Rng, options: TaskOptions): Batch => {
    const list = batchConditions(conditions, rng, options);
    if (list.length === 0) {
      throw new TasksError('invalid-option', `task '${id}': the ${options.mode} mode gave no trials`, {
        hint: options.mode === 'psychometric' ? 'pass at least one condition (options.conditions)' : undefined,
      });
    }
    const trials = list.map((condition, index) => {
      const trial: Trial = { bounds: [], fixationUntil: -1, go: -1, respond: true, angle: 0, stimuli: [] };
      definition.trial(builder(id, frozenPeriods, index, options, trial), condition);
      const where = `task '${id}', trial ${index}`;
      if (trial.bounds.length === 0) throw definitionError(`${where}: the trial never called timing({...})`);
      const length = trial.bounds[trial.bounds.length - 1];
      if (trial.go < 0) throw definitionError(`${where}: no go cue (call respond(period, angle) or withhold(period))`);
      if (!(trial.go > 0 && trial.go < length)) {
        throw new TasksError(
          'invalid-option',
          `${where}: the go cue (step ${trial.go}) must fall inside the trial (steps 1..${length - 1})`,
          {
            hint: `give the periods before and from it a duration of at least dt = ${options.dt} ms, or use a smaller dt`,
          },
        );
      }
      return trial;
    });
    const B = trials.length;
    const plan = new TrialPlan(B, frozenPeriods, B * MAX_STIMULI_PER_TRIAL);
    trials.forEach((trial, b) => {
      const length = trial.bounds[trial.bounds.length - 1];
      plan.steps[b] = length;
      plan.fixationOff[b] = trial.fixationUntil < 0 ? length : trial.fixationUntil;
      plan.goCue[b] = trial.go;
      plan.respond[b] = trial.respond ? 1 : 0;
      plan.responseAngle[b] = trial.angle;
      for (const [k, period] of frozenPeriods.entries()) plan.setEpoch(b, period, trial.bounds[k], trial.bounds[k + 1]);
      for (const s of trial.stimuli) plan.addStimulus(b, s.ring, s.angle, s.strength, s.on, s.off, s.profile, s.noise);
    });
    const batch = renderPlan(plan, id, options, rng, definition.rule ?? id);
    return definition.score === undefined ? batch : { ...batch, score: definition.score };
  };
  return Object.freeze({
    id,
    apiVersion: TASK_API_VERSION,
    ...(definition.version === undefined ? {} : { version: definition.version }),
    meta: Object.freeze({ ...definition.meta, tags: Object.freeze([...(definition.meta.tags ?? [])]) }),
    periods: frozenPeriods,
    ...(definition.rule === undefined ? {} : { rule: definition.rule }),
    ...(definition.score === undefined ? {} : { score: definition.score }),
    ...(definition.defaults === undefined ? {} : { defaults: Object.freeze({ ...definition.defaults }) }),
    layout,
    generate,
  });
}

/**
 * A trial function that misuses its builder (a bug in the task's definition, not in the caller's options):
 * MolapError 'task-definition', a failure (a plugin task's is reported as `task-failed`, naming the plugin).
 */
function definitionError(problem: string): TasksError {
  return new TasksError('task-definition', problem, {
    hint: "fix the task's trial function (defineTask): see the TrialBuilder documentation of @molap/tasks",
  });
}
