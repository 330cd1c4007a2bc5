/**
 * Go family (reference `fdgo_`, `reactgo_`, `delaygo_`): one stimulus at ψ on one ring; respond at ψ (go) or
 * ψ + π (anti) once the go cue comes. One implementation serves the six tasks fdgo, reactgo, delaygo,
 * fdanti, reactanti, delayanti.
 *
 * | timing | stimulus | fixation input off (go cue) | random mode (per batch) |
 * |---|---|---|---|
 * | `fd` (Go, Anti) | stimOn → end of trial | fixOff | stimOn = ⌊U[300,700)/dt⌋, fixOff = stimOn + ⌊U[500,1500)/dt⌋, T = fixOff + 500 ms |
 * | `react` (RT Go, RT Anti) | stimOn → end | never (stimulus onset is the go cue) | stimOn = ⌊U[500,2500)/dt⌋, T = stimOn + 500 ms |
 * | `delay` (Dly Go, Dly Anti) | stimOn → stimOff | fixOff = stimOff + delay | stimOn ∈ {300,500,700} ms, duration ∈ {200,400,600}, delay ∈ {200,400,800,1600}, T = fixOff + 500 ms |
 *
 * ψ ~ U[0, 2π) per trial, strength 1, ring ~ {1, 2} per batch. `test` mode: 20 locations × 2 rings.
 */
import { TWO_PI, wrapAngle } from '../ring.js';
import type { Rng, Task, TaskOptions } from '../task.js';
import { readConditions, requireTimeOrder } from './conditions.js';
import { defineYang19Task } from './define.js';
import { TrialPlan } from './plan.js';
import type { Yang19Rule } from './rules.js';
import { choose, gridSize, msToSteps, uniformBetween, unravel } from './sampling.js';

/** When the go cue comes in a go-family task. */
export type GoTiming = 'fd' | 'react' | 'delay';

/**
 * `psychometric` conditions of the go family (times in ms, angles in radians, `ring` 1 or 2, default 1).
 * - fdgo / fdanti: `{ angle, stimulusMs, ring? }` — stimulus from 300 ms, fixation off at 300 + stimulusMs,
 *   trial ends 400 ms later.
 * - reactgo / reactanti: `{ angle, ring? }` — stimulus (and go cue) at 1000 ms, trial ends 400 ms later.
 * - delaygo / delayanti: `{ angle, stimulusOnMs, stimulusOffMs, delayMs, ring? }` — fixation off at
 *   stimulusOffMs + delayMs, trial ends 400 ms later.
 */
export interface GoCondition {
  readonly angle: number;
  readonly ring?: 1 | 2;
  readonly stimulusMs?: number;
  readonly stimulusOnMs?: number;
  readonly stimulusOffMs?: number;
  readonly delayMs?: number;
}

/** One trial of the go family, in steps. `stimulusOff` = `steps` for a stimulus that stays on. */
interface GoTrial {
  angle: number;
  ring: number;
  stimulusOn: number;
  stimulusOff: number;
  fixationOff: number;
  steps: number;
}

const PERIODS: Record<GoTiming, readonly string[]> = {
  fd: ['fix1', 'stim1', 'go1'],
  react: ['fix1', 'go1'],
  delay: ['fix1', 'stim1', 'delay1', 'go1'],
};

const TEST_GRID = [20, 2] as const;

/** Batch-level timing of `random` mode (drawn once per batch, as in the reference). */
function randomTiming(timing: GoTiming, rng: Rng, dt: number): Omit<GoTrial, 'angle' | 'ring'> {
  if (timing === 'fd') {
    const stimulusOn = msToSteps(uniformBetween(rng, 300, 700), dt);
    const fixationOff = stimulusOn + msToSteps(uniformBetween(rng, 500, 1500), dt);
    const steps = msToSteps(500, dt) + fixationOff;
    return { stimulusOn, stimulusOff: steps, fixationOff, steps };
  }
  if (timing === 'react') {
    const stimulusOn = msToSteps(uniformBetween(rng, 500, 2500), dt);
    const steps = msToSteps(500, dt) + stimulusOn;
    return { stimulusOn, stimulusOff: steps, fixationOff: steps, steps };
  }
  const stimulusOn = msToSteps(choose(rng, [300, 500, 700]), dt);
  const stimulusOff = stimulusOn + msToSteps(choose(rng, [200, 400, 600]), dt);
  const fixationOff = stimulusOff + msToSteps(choose(rng, [200, 400, 800, 1600]), dt);
  return { stimulusOn, stimulusOff, fixationOff, steps: fixationOff + msToSteps(500, dt) };
}

/** Fixed timing of `test` mode. */
function testTiming(timing: GoTiming, dt: number): Omit<GoTrial, 'angle' | 'ring'> {
  if (timing === 'fd') {
    const steps = msToSteps(2000, dt);
    return { stimulusOn: msToSteps(500, dt), stimulusOff: steps, fixationOff: msToSteps(1500, dt), steps };
  }
  if (timing === 'react') {
    const steps = msToSteps(2500, dt);
    return { stimulusOn: msToSteps(2000, dt), stimulusOff: steps, fixationOff: steps, steps };
  }
  return {
    stimulusOn: msToSteps(500, dt),
    stimulusOff: msToSteps(1000, dt),
    fixationOff: msToSteps(2000, dt),
    steps: msToSteps(2500, dt),
  };
}

function psychometricTrials(timing: GoTiming, options: TaskOptions, taskId: string): GoTrial[] {
  const dt = options.dt;
  if (timing === 'fd') {
    return readConditions(options, taskId, { angle: 'angle', stimulusMs: 'ms', ring: 'ring' }).map((c) => {
      const stimulusOn = msToSteps(300, dt);
      const fixationOff = stimulusOn + msToSteps(c.stimulusMs, dt);
      const steps = msToSteps(400, dt) + fixationOff;
      return { angle: c.angle, ring: c.ring, stimulusOn, stimulusOff: steps, fixationOff, steps };
    });
  }
  if (timing === 'react') {
    return readConditions(options, taskId, { angle: 'angle', ring: 'ring' }).map((c) => {
      const stimulusOn = msToSteps(1000, dt);
      const steps = msToSteps(400, dt) + stimulusOn;
      return { angle: c.angle, ring: c.ring, stimulusOn, stimulusOff: steps, fixationOff: steps, steps };
    });
  }
  const fields = { angle: 'angle', stimulusOnMs: 'ms', stimulusOffMs: 'ms', delayMs: 'ms', ring: 'ring' } as const;
  return readConditions(options, taskId, fields).map((c, index) => {
    requireTimeOrder(c, index, ['stimulusOnMs', 'stimulusOffMs']);
    const stimulusOff = msToSteps(c.stimulusOffMs, dt);
    const fixationOff = stimulusOff + msToSteps(c.delayMs, dt);
    const steps = msToSteps(400, dt) + fixationOff;
    return { angle: c.angle, ring: c.ring, stimulusOn: msToSteps(c.stimulusOnMs, dt), stimulusOff, fixationOff, steps };
  });
}

function goTrials(timing: GoTiming, rng: Rng, options: TaskOptions, taskId: string): GoTrial[] {
  if (options.mode === 'psychometric') return psychometricTrials(timing, options, taskId);
  if (options.mode === 'test') {
    const shared = testTiming(timing, options.dt);
    return Array.from({ length: gridSize(TEST_GRID) }, (_, b) => {
      const [location, ring] = unravel(b, TEST_GRID);
      return { ...shared, angle: (TWO_PI * location) / TEST_GRID[0], ring: ring + 1 };
    });
  }
  const shared = randomTiming(timing, rng, options.dt);
  const ring = choose(rng, [1, 2]);
  return Array.from({ length: options.batchSize }, () => ({ ...shared, ring, angle: rng.uniform() * TWO_PI }));
}

function goPlan(timing: GoTiming, anti: boolean, rng: Rng, options: TaskOptions, taskId: string): TrialPlan {
  const trials = goTrials(timing, rng, options, taskId);
  const plan = new TrialPlan(trials.length, PERIODS[timing]);
  trials.forEach((trial, b) => {
    const goCue = timing === 'react' ? trial.stimulusOn : trial.fixationOff;
    plan.steps[b] = trial.steps;
    plan.fixationOff[b] = trial.fixationOff;
    plan.goCue[b] = goCue;
    plan.responseAngle[b] = anti ? wrapAngle(trial.angle + Math.PI) : trial.angle;
    plan.addStimulus(b, trial.ring, trial.angle, 1, trial.stimulusOn, trial.stimulusOff);
    plan.setEpoch(b, 'fix1', 0, trial.stimulusOn);
    if (timing === 'fd') plan.setEpoch(b, 'stim1', trial.stimulusOn, trial.fixationOff);
    if (timing === 'delay') {
      plan.setEpoch(b, 'stim1', trial.stimulusOn, trial.stimulusOff);
      plan.setEpoch(b, 'delay1', trial.stimulusOff, trial.fixationOff);
    }
    plan.setEpoch(b, 'go1', goCue, trial.steps);
  });
  return plan;
}

interface GoVariant {
  readonly id: Yang19Rule;
  readonly timing: GoTiming;
  readonly anti: boolean;
  readonly displayName: string;
  readonly description: string;
}

const VARIANTS: readonly GoVariant[] = [
  {
    id: 'fdgo',
    timing: 'fd',
    anti: false,
    displayName: 'Go',
    description: 'A stimulus appears and stays on; when the fixation cue goes off, saccade to the stimulus direction.',
  },
  {
    id: 'reactgo',
    timing: 'react',
    anti: false,
    displayName: 'RT Go',
    description:
      'Keep fixating until a stimulus appears, then saccade to it at once (reaction time; the fixation cue stays on).',
  },
  {
    id: 'delaygo',
    timing: 'delay',
    anti: false,
    displayName: 'Dly Go',
    description: 'A brief stimulus, then a delay; when the fixation cue goes off, saccade to the remembered direction.',
  },
  {
    id: 'fdanti',
    timing: 'fd',
    anti: true,
    displayName: 'Anti',
    description: 'As Go, but saccade to the direction opposite the stimulus (ψ + π).',
  },
  {
    id: 'reactanti',
    timing: 'react',
    anti: true,
    displayName: 'RT Anti',
    description: 'As RT Go, but saccade to the direction opposite the stimulus (ψ + π).',
  },
  {
    id: 'delayanti',
    timing: 'delay',
    anti: true,
    displayName: 'Dly Anti',
    description: 'As Dly Go, but saccade to the direction opposite the remembered stimulus (ψ + π).',
  },
];

const TIMING_TAGS: Record<GoTiming, readonly string[]> = {
  fd: [],
  react: ['reaction-time'],
  delay: ['delay', 'working-memory'],
};

/** The six go-family tasks, in reference rule order of their ids. */
export const GO_FAMILY_TASKS: readonly Task[] = VARIANTS.map((variant) =>
  defineYang19Task({
    id: variant.id,
    displayName: variant.displayName,
    description: variant.description,
    tags: [variant.anti ? 'anti' : 'go', ...TIMING_TAGS[variant.timing]],
    periods: PERIODS[variant.timing],
    plan: (rng, options) => goPlan(variant.timing, variant.anti, rng, options, variant.id),
  }),
);
