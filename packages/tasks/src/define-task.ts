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
import {
  builder,
  type Declarations,
  definitionError,
  MAX_STIMULI_PER_TRIAL,
  type Trial,
  type TrialBuilder,
} from './trial-builder.js';
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

/** The conditions of a batch under `options.mode`: B draws, the test grid, or the caller's list. */
function batchConditions<C>(source: TrialConditions<C>, rng: Rng, options: TaskOptions): readonly C[] {
  if (options.mode === 'test') return source.grid(options);
  if (options.mode === 'psychometric') return (options.conditions ?? []).map((raw, i) => source.parse(raw, i));
  return Array.from({ length: options.batchSize }, () => source.sample(rng, options));
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
