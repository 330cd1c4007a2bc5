/**
 * `defineTask`: a task written like a methods section. The author names the periods, says how conditions
 * are drawn (random), listed (test grid) and read (psychometric), and describes one trial: how long each
 * period lasts, when the fixation input goes off, what is shown on which ring, and when and where the
 * network must respond. The library writes the batch by Yang et al.'s conventions (the same renderer as the
 * 20 built-in tasks): fixation/ring/rule inputs, targets 0.05 with fixation 0.8 until the go cue and a ring
 * bump after it, the loss mask 0 / 1 / 0 / 5 with its 100 ms grace periods and the fixation column doubled,
 * input noise σ_x·√(2τ/dt), and zero padding (mask 0, target angle −1) behind shorter trials.
 */

import { InvalidOptionError, TasksError } from './errors.js';
import { DEFAULT_RING_SIZE } from './options.js';
import { type PeriodTiming, resolveTiming } from './period-timing.js';
import { TWO_PI, wrapAngle } from './ring.js';
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

/**
 * The channels a task declares (`TaskDefinition.layout`). The channel layout of every `defineTask` task is
 * Yang et al.'s (`yang19Layout`: fixation, ring 1, ring 2, the rule block composed per corpus; outputs
 * fixation and the response ring), because tasks that share a network must have the same channels; what a
 * task may declare is which of those it uses and the ring size it prefers.
 */
export interface TaskLayout {
  /**
   * The input rings the task's stimuli are shown on, e.g. `[1]`; `show` on another ring is an error in the
   * task's definition. The channels of both rings stay in the layout (shared networks need them). Default [1, 2].
   */
  readonly rings?: readonly (1 | 2)[];
  /**
   * Units per ring the task is generated with by default (its `defaults.ringSize`), e.g. 16. The options of
   * a run or a corpus override it, as every task default. Default `DEFAULT_RING_SIZE` (32).
   */
  readonly ringSize?: number;
}

/**
 * What a task author writes; `defineTask` turns it into a `Task`.
 * @typeParam P the period names.
 * @typeParam Condition what varies from trial to trial.
 * @typeParam Declared the periods whose duration is declared in `timing`.
 */
export interface TaskDefinition<P extends string, Condition, Declared extends P = never> {
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
  /**
   * The rings the task uses and the ring size it prefers (`TaskLayout`). Default: both rings, 32 units.
   * The channels are Yang's whatever this says.
   */
  readonly layout?: TaskLayout;
  /**
   * The default duration of periods in ms, merged with the user's (`given`: the factory's `timing` option)
   * and validated when the task is defined (`resolveTiming`); `trial.timing()` then needs no argument for
   * them. Example: `timing: { defaults: GO_NO_GO_TIMING, given: options.timing, optional: ['fixation'] }`.
   */
  readonly timing?: PeriodTiming<Declared>;
  readonly conditions: TrialConditions<Condition>;
  /** How trials are judged (e.g. `responseTimingScore()` for timing tasks). Default: Yang's last-step criterion. */
  readonly score?: TaskScore;
  /** Describes one trial with the given condition. */
  trial(trial: TrialBuilder<P, Declared>, condition: Condition): void;
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

/** A `TrialBuilder` whose `timing` takes any subset of the periods (checked when called). */
type UntypedTrialBuilder<P extends string> = Omit<TrialBuilder<P>, 'timing'> & {
  timing(durations?: Readonly<Partial<Record<P, number>>>): void;
};

/** What `defineTask` resolved from a definition, for every trial's builder. */
interface Declarations {
  /** The declared durations in ms (defaults merged with the user's), or none. */
  readonly durations: Readonly<Record<string, number>>;
  /** The declared periods that must last at least one step. */
  readonly required: readonly string[];
  /** The input rings stimuli may use. */
  readonly rings: readonly number[];
}

function builder<P extends string>(
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
 * Builds a frozen `Task` from a definition. The layout is the Yang corpus layout (fixation, two stimulus
 * rings, the rule one-hot over `options.rules`; outputs fixation + response ring), so the task shares
 * networks, module banks and read-outs with the Yang tasks and with other plugins. The rule unit switched
 * on is the task's rule (`rule`, default its id); with no `rules` option a task alone gets the rule block
 * `composeRules([task])`, and tasks sharing a network get `composeRules(tasks)`. `layout` only says which
 * rings the task's stimuli use and its default ring size.
 *
 * The declared `timing` and `layout` are checked here: a bad duration, an unknown period or a malformed
 * layout throws an `InvalidOptionError` naming it (`timing.stimulus`, `layout.rings`). Errors in a trial
 * description (no timing, no go cue, a go cue at step 0 or past the trial, a wrong profile length, a ring
 * the layout does not list) throw a MolapError 'task-definition' naming the task and the trial.
 */
export function defineTask<const P extends string, Condition, Declared extends P = never>(
  definition: TaskDefinition<P, Condition, Declared>,
): Task {
  const { id, periods, conditions } = definition;
  const frozenPeriods = Object.freeze([...periods]) as readonly P[];
  const declared = declarations(periods, definition.timing as PeriodTiming<string> | undefined, definition.layout);
  const defaults = layoutDefaults(definition);
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
      definition.trial(builder(id, frozenPeriods, index, options, trial, declared) as never, condition);
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
    ...(defaults === undefined ? {} : { defaults: Object.freeze(defaults) }),
    layout,
    generate,
  });
}

/** The declared timing (validated: `resolveTiming`) and rings of a definition. */
function declarations(
  periods: readonly string[],
  timing: PeriodTiming<string> | undefined,
  layout: TaskLayout = {},
): Declarations {
  const durations: Readonly<Record<string, number>> = timing === undefined ? {} : resolveTiming(timing);
  for (const period of Object.keys(durations)) {
    if (!periods.includes(period)) {
      throw new InvalidOptionError(
        `timing.defaults.${period}`,
        durations[period],
        `Not a period of the task; its periods are ${periods.join(', ')}.`,
      );
    }
  }
  const optional: readonly string[] = timing?.optional ?? [];
  const rings = layout.rings ?? [1, 2];
  const distinct = (ring: unknown, i: number) => (ring === 1 || ring === 2) && rings.indexOf(ring) === i;
  if (!Array.isArray(rings) || rings.length === 0 || !rings.every(distinct)) {
    throw new InvalidOptionError(
      'layout.rings',
      rings,
      'Pass the input rings the task shows stimuli on: [1], [2] or [1, 2].',
    );
  }
  return { durations, required: Object.keys(durations).filter((period) => !optional.includes(period)), rings };
}

/** The task's default options: `defaults`, with `layout.ringSize` as the ring size. */
function layoutDefaults(
  definition: Pick<TaskDefinition<string, unknown>, 'layout' | 'defaults'>,
): Partial<TaskOptions> | undefined {
  const ringSize = definition.layout?.ringSize;
  if (ringSize === undefined) return definition.defaults === undefined ? undefined : { ...definition.defaults };
  const given = definition.defaults?.ringSize;
  if (!Number.isSafeInteger(ringSize) || ringSize < 2 || (given !== undefined && given !== ringSize)) {
    throw new InvalidOptionError(
      'layout.ringSize',
      ringSize,
      `Pass the units per ring, an integer >= 2, e.g. ${DEFAULT_RING_SIZE}${given === undefined ? '' : `, once: defaults.ringSize is ${given} (leave one of the two out)`}.`,
    );
  }
  return { ...definition.defaults, ringSize };
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
