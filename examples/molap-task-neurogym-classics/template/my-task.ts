/**
 * Template of a molap task. Copy this file into your plugin's `src/`, rename the task, and export it from
 * the module your package.json `molap.tasks` field names (`export const tasks = [myTask]`).
 *
 * A task is written like the methods section of a paper: name the periods, say how the condition of a
 * trial is drawn, listed and read, then describe one trial. `defineTask` of @molap/tasks writes the batch
 * by Yang et al.'s conventions (the same as the 20 built-in tasks), so you never write targets, the loss
 * mask, input noise or padding yourself:
 *
 * - inputs [T, B, 1 + 2·ringSize + rules]: fixation, ring 1, ring 2, the rule one-hot (your task's unit on);
 * - outputs [T, B, 1 + ringSize]: fixation (target 0.8 until the go cue) and the response ring (a bump at
 *   the response direction from the go cue on; 0.05 elsewhere);
 * - loss mask: 0 for the first 100 ms (MASK_GRACE_MS), 1 until the go cue, 0 for 100 ms, then 5 to the end;
 * - input noise σ_x·√(2τ/dt) on every input (options `noise`, `inputNoiseSigma`, `tau`).
 */
import { defineTask, InvalidOptionError, TWO_PI, wrapAngle } from '@molap/tasks';

/** What varies from trial to trial. Keep it a plain object: `psychometric` mode reads it from JSON. */
export interface MyCondition {
  /** Cue direction, radians. */
  readonly angle: number;
  /** Delay between cue and go, ms. */
  readonly delayMs: number;
}

const DELAYS_MS = [200, 400, 800];

export const myTask = defineTask({
  // Scoped, lower-kebab: 'your-lab/task-name'. It is also the task's rule identity.
  id: 'my-lab/memory-saccade',
  meta: {
    displayName: 'Memory saccade',
    description: 'Remember where a cue flashed and look there after a delay.',
    paper: 'Funahashi, Bruce & Goldman-Rakic 1989 (J Neurophysiol)',
    link: 'https://doi.org/10.1152/jn.1989.61.2.331',
    tags: ['working memory', 'delayed response'],
  },
  // Period names in temporal order. `as const` is implied: a misspelt period below fails to compile.
  periods: ['fixation', 'cue', 'delay', 'go'],
  conditions: {
    // random mode (training): one trial's condition, from the seeded rng only.
    sample: (rng): MyCondition => ({
      angle: TWO_PI * rng.uniform(),
      delayMs: DELAYS_MS[rng.integer(DELAYS_MS.length)],
    }),
    // test mode: a deterministic grid (8 directions × the delays), no randomness.
    grid: () =>
      DELAYS_MS.flatMap((delayMs) => Array.from({ length: 8 }, (_, k) => ({ angle: (TWO_PI * k) / 8, delayMs }))),
    // psychometric mode: check a condition given by the caller; name the field when it is wrong.
    parse: (raw, index) => {
      if (typeof raw.angle !== 'number' || typeof raw.delayMs !== 'number' || !(raw.delayMs >= 0)) {
        throw new InvalidOptionError(`conditions[${index}]`, raw, 'Pass { angle: radians, delayMs: ms >= 0 }.');
      }
      return { angle: wrapAngle(raw.angle), delayMs: raw.delayMs };
    },
  },
  trial(trial, { angle, delayMs }) {
    // 1. How long each period lasts, in ms (floored to whole steps of dt). Every period must be named.
    trial.timing({ fixation: 300, cue: 200, delay: delayMs, go: 500 });
    // 2. The fixation input stays on until the go period: its disappearance is the go signal.
    trial.fixateUntil('go');
    // 3. What is shown: a bump at `angle` on ring 1 during the cue (or `profile: [...]` for any shape).
    trial.show({ ring: 1, during: 'cue', angle });
    // 4. What is expected: fixate until the go period, then report `angle` (or `trial.withhold('go')`).
    trial.respond('go', angle);
  },
});

// In your tests: expect(checkTaskConformance(myTask)).toEqual([]).
