/**
 * Memory saccade: a molap task. Edit the periods, the conditions and the trial below; `npm test` checks the
 * task against molap's task contract (`checkTaskConformance`), `npm run build` writes dist/tasks.js.
 *
 * A task is written like the methods section of a paper: name the periods, say how the condition of a
 * trial is drawn, listed and read, then describe one trial. `defineTask` of @molap/tasks writes the batch
 * by Yang et al.'s conventions (those of molap's 20 built-in tasks), so you never write targets, the loss
 * mask, input noise or padding yourself:
 *
 * - inputs [T, B, 1 + 2·ringSize + rules]: fixation, ring 1, ring 2, the rule block (your task's unit on);
 * - outputs [T, B, 1 + ringSize]: fixation (target 0.8 until the go cue) and the response ring (a bump at
 *   the response direction from the go cue on; 0.05 elsewhere);
 * - loss mask: 0 for the first 100 ms (MASK_GRACE_MS), 1 until the go cue, 0 for 100 ms, then 5 to the end;
 * - input noise σ_x·√(2τ/dt) on every input (options `noise`, `inputNoiseSigma`, `tau`).
 *
 * Times are in ms, angles in radians on [0, 2π).
 */
import {
  angleField,
  conditionFields,
  conditionGrid,
  defineTask,
  numberField,
  ringDirections,
  TWO_PI,
} from '@molap/tasks';

/** What varies from trial to trial. Keep it a plain object: `psychometric` mode reads it from JSON. */
export interface Condition {
  /** Cue direction, radians. */
  readonly angle: number;
  /** Delay between cue and go, ms. */
  readonly delayMs: number;
}

/** Delays drawn in training and listed in the test grid, ms. */
export const DELAYS_MS = [200, 400, 800];

export const task = defineTask({
  // Lower-kebab, best scoped ('your-lab/task-name'): unique across plugins. Also the task's rule identity.
  id: 'my-lab/memory-saccade',
  // The task's version is this package's (package.json) unless you give it one here, e.g. version: '1.0.0'.
  meta: {
    displayName: 'Memory saccade',
    description: 'Remember where a cue flashed and look there after a delay.',
    // The paper the task comes from and where to read it (shown by molap tasks show and list --json):
    // replace them with yours, or leave both out.
    paper: 'Funahashi, Bruce & Goldman-Rakic 1989 (J Neurophysiol)',
    link: 'https://doi.org/10.1152/jn.1989.61.2.331',
    tags: ['working memory', 'delayed response'],
  },
  // Period names in temporal order; a misspelt period below fails to compile.
  periods: ['fixation', 'cue', 'delay', 'go'],
  // The duration of the fixed periods, in ms (floored to whole steps of dt), checked here once. A task with
  // options merges its users' durations over these: timing: { defaults, given: options.timing }.
  timing: { defaults: { fixation: 300, cue: 200, go: 500 } },
  conditions: {
    // random mode (training): one trial's condition, from the seeded rng only.
    sample: (rng): Condition => ({
      angle: TWO_PI * rng.uniform(),
      delayMs: DELAYS_MS[rng.integer(DELAYS_MS.length)],
    }),
    // test mode: a deterministic grid (the delays × 8 directions 2πk/8), no randomness.
    grid: () => conditionGrid({ delayMs: DELAYS_MS, angle: ringDirections(8) }),
    // psychometric mode: the fields of a condition given by the caller and what each must be; a wrong one
    // is reported by name (conditions[3].delayMs). Write parse(raw, index) yourself for anything else.
    parse: conditionFields({
      angle: angleField('the cue direction'),
      delayMs: numberField('the delay in ms', { min: 0 }),
    }),
  },
  trial(trial, { angle, delayMs }) {
    // 1. How long each period lasts: the declared durations, and this trial's delay (every period not
    //    declared above must be given here).
    trial.timing({ delay: delayMs });
    // 2. The fixation input stays on until the go period: its disappearance is the go signal.
    trial.fixateUntil('go');
    // 3. What is shown: a bump at `angle` on ring 1 during the cue (or any shape: `profile: (preferred) => …`,
    //    a function of each unit's preferred direction).
    trial.show({ ring: 1, during: 'cue', angle });
    // 4. What is expected: fixate until the go period, then report `angle` (or `trial.withhold('go')`).
    trial.respond('go', angle);
  },
  // How trials are judged. Default: Yang's criterion at the last step. When *when* the network answers
  // matters (interval timing, reaction times), import responseTimingScore from @molap/tasks and use
  // score: responseTimingScore({ toleranceMs: 100 }),
});

/** Every task of the plugin: the module named by the package.json "molap.tasks" field exports `tasks`. */
export const tasks = [task];
