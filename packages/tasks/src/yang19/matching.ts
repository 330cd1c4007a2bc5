/**
 * Matching family (reference `dms_`, `dmc_`): stimulus 1, a delay, then stimulus 2, which stays on to the end;
 * its onset is the go cue and the fixation input stays on for the whole trial. On a "go" trial the network
 * saccades to stimulus 2; on a "no-go" trial it keeps fixating (fixation target 0.8 throughout, no ring bump,
 * target angle −1). One implementation serves the four tasks:
 *
 * | task | match means | respond on |
 * |---|---|---|
 * | dmsgo (DMS) | ψ2 = ψ1 | match |
 * | dmsnogo (DNMS) | ψ2 = ψ1 | non-match |
 * | dmcgo (DMC) | same category (ψ < π) | match |
 * | dmcnogo (DNMC) | same category | non-match |
 *
 * `random` mode: rings of stimulus 1 and 2 each ~ {1, 2} per batch; DMS match ~ {0, 1} per trial, non-match
 * ψ2 = ψ1 ± U[π/9, 17π/9); DMC ψ1, ψ2 each from {0.1, 0.3, …, 1.9}·π. Timing (per batch): stim1On ∈
 * {200,400,600} ms, duration ∈ {200,400,600}, delay ∈ {200,400,800,1600}; the trial ends 500 ms (DMS) or
 * {200,400,600} ms (DMC) after stimulus 2 onset.
 */
import { circularDistance, TWO_PI, wrapAngle } from '../ring.js';
import type { Rng, Task, TaskOptions } from '../task.js';
import { readConditions } from './conditions.js';
import { defineYang19Task } from './define.js';
import { TrialPlan } from './plan.js';
import type { Yang19Rule } from './rules.js';
import { choose, gridSize, msToSteps, randomSign, uniformBetween, unravel } from './sampling.js';

/** What "match" compares. */
export type MatchKind = 'sample' | 'category';

/**
 * `psychometric` conditions of the matching family: `{ angle1, angle2, ring1?, ring2? }` (radians; rings 1 or
 * 2, default 1). Stimulus 1 at 500–800 ms, stimulus 2 from 2000 ms to the end (2500 ms). DMS/DNMS count a
 * match when the two directions are closer than 5° (π/36), DMC/DNMC when both are on the same side of π.
 */
export interface MatchingCondition {
  readonly angle1: number;
  readonly angle2: number;
  readonly ring1?: 1 | 2;
  readonly ring2?: 1 | 2;
}

interface MatchingTrial {
  angle1: number;
  angle2: number;
  ring1: number;
  ring2: number;
  stimulus1On: number;
  stimulus1Off: number;
  stimulus2On: number;
  steps: number;
}

const PERIODS = ['fix1', 'stim1', 'delay1', 'go1'] as const;
/** The 10 DMC sample directions of `random` mode: {0.1, 0.3, …, 1.9}·π. */
const CATEGORY_ANGLES = [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9].map((v) => v * Math.PI);
/** DMS/DNMS psychometric match criterion: 5°. */
const SAMPLE_MATCH_TOLERANCE = Math.PI / 36;
const TEST_GRID = [20, 2, 2] as const;

function isMatch(kind: MatchKind, angle1: number, angle2: number): boolean {
  if (kind === 'category') return angle1 < Math.PI === angle2 < Math.PI;
  return circularDistance(angle1, angle2) < SAMPLE_MATCH_TOLERANCE;
}

function randomTrials(kind: MatchKind, rng: Rng, options: TaskOptions): MatchingTrial[] {
  const dt = options.dt;
  const ring1 = choose(rng, [1, 2]);
  const ring2 = choose(rng, [1, 2]);
  const stimulus1On = msToSteps(choose(rng, [200, 400, 600]), dt);
  const stimulus1Off = stimulus1On + msToSteps(choose(rng, [200, 400, 600]), dt);
  const stimulus2On = stimulus1Off + msToSteps(choose(rng, [200, 400, 800, 1600]), dt);
  const steps = stimulus2On + msToSteps(kind === 'sample' ? 500 : choose(rng, [200, 400, 600]), dt);
  const timing = { ring1, ring2, stimulus1On, stimulus1Off, stimulus2On, steps };
  return Array.from({ length: options.batchSize }, () => {
    if (kind === 'category')
      return { ...timing, angle1: choose(rng, CATEGORY_ANGLES), angle2: choose(rng, CATEGORY_ANGLES) };
    const match = rng.integer(2);
    const separation = uniformBetween(rng, Math.PI / 9, (Math.PI * 17) / 9) * randomSign(rng);
    const angle1 = rng.uniform() * TWO_PI;
    return { ...timing, angle1, angle2: wrapAngle(angle1 + separation * (1 - match)) };
  });
}

/** `test` grid (spec §1.11): 20 locations × ring 1 × ring 2, every trial built as a responding trial. */
function testTrials(kind: MatchKind, respondOnMatch: boolean, dt: number): MatchingTrial[] {
  const stimulus1On = msToSteps(500, dt);
  const stimulus1Off = stimulus1On + msToSteps(500, dt);
  const stimulus2On = stimulus1Off + msToSteps(1200, dt);
  const steps = stimulus2On + msToSteps(500, dt);
  return Array.from({ length: gridSize(TEST_GRID) }, (_, b) => {
    const [location, ring1, ring2] = unravel(b, TEST_GRID);
    const angle1 =
      kind === 'sample'
        ? (TWO_PI * location) / 20
        : // Two halves of 10 directions: {0.1, 0.18, …, 0.82}·π and {1.1, …, 1.82}·π.
          ((location < 10 ? 0.1 : 1.1) + (0.8 * (location % 10)) / 10) * Math.PI;
    const angle2 = respondOnMatch ? angle1 : wrapAngle(angle1 + Math.PI);
    return { angle1, angle2, ring1: ring1 + 1, ring2: ring2 + 1, stimulus1On, stimulus1Off, stimulus2On, steps };
  });
}

function psychometricTrials(options: TaskOptions, taskId: string): MatchingTrial[] {
  const ms = (value: number) => msToSteps(value, options.dt);
  const fields = { angle1: 'angle', angle2: 'angle', ring1: 'ring', ring2: 'ring' } as const;
  return readConditions(options, taskId, fields).map((c) => ({
    ...c,
    stimulus1On: ms(500),
    stimulus1Off: ms(800),
    stimulus2On: ms(2000),
    steps: ms(2500),
  }));
}

function matchingPlan(
  kind: MatchKind,
  respondOnMatch: boolean,
  rng: Rng,
  options: TaskOptions,
  taskId: string,
): TrialPlan {
  let trials: MatchingTrial[];
  if (options.mode === 'psychometric') trials = psychometricTrials(options, taskId);
  else if (options.mode === 'test') trials = testTrials(kind, respondOnMatch, options.dt);
  else trials = randomTrials(kind, rng, options);
  const plan = new TrialPlan(trials.length, PERIODS);
  trials.forEach((trial, b) => {
    // DMS random/test trials: a match is ψ2 = ψ1 exactly, which the 5° criterion also recognises.
    const match = isMatch(kind, trial.angle1, trial.angle2);
    plan.steps[b] = trial.steps;
    plan.fixationOff[b] = trial.steps;
    plan.goCue[b] = trial.stimulus2On;
    plan.respond[b] = match === respondOnMatch ? 1 : 0;
    plan.responseAngle[b] = trial.angle2;
    plan.addStimulus(b, trial.ring1, trial.angle1, 1, trial.stimulus1On, trial.stimulus1Off);
    plan.addStimulus(b, trial.ring2, trial.angle2, 1, trial.stimulus2On, trial.steps);
    plan.setEpoch(b, 'fix1', 0, trial.stimulus1On);
    plan.setEpoch(b, 'stim1', trial.stimulus1On, trial.stimulus1Off);
    plan.setEpoch(b, 'delay1', trial.stimulus1Off, trial.stimulus2On);
    plan.setEpoch(b, 'go1', trial.stimulus2On, trial.steps);
  });
  return plan;
}

interface MatchingVariant {
  readonly id: Yang19Rule;
  readonly kind: MatchKind;
  readonly respondOnMatch: boolean;
  readonly displayName: string;
  readonly description: string;
}

const VARIANTS: readonly MatchingVariant[] = [
  {
    id: 'dmsgo',
    kind: 'sample',
    respondOnMatch: true,
    displayName: 'DMS',
    description:
      'Delayed match-to-sample: saccade to stimulus 2 if it is at the direction of stimulus 1, else keep fixating.',
  },
  {
    id: 'dmsnogo',
    kind: 'sample',
    respondOnMatch: false,
    displayName: 'DNMS',
    description:
      'Delayed non-match-to-sample: saccade to stimulus 2 if it differs from stimulus 1, else keep fixating.',
  },
  {
    id: 'dmcgo',
    kind: 'category',
    respondOnMatch: true,
    displayName: 'DMC',
    description:
      'Delayed match-to-category: saccade to stimulus 2 if both stimuli are in the same half-circle (ψ < π), else keep fixating.',
  },
  {
    id: 'dmcnogo',
    kind: 'category',
    respondOnMatch: false,
    displayName: 'DNMC',
    description:
      'Delayed non-match-to-category: saccade to stimulus 2 if the stimuli are in different half-circles, else keep fixating.',
  },
];

/** The four matching tasks, in reference rule order. */
export const MATCHING_FAMILY_TASKS: readonly Task[] = VARIANTS.map((variant) =>
  defineYang19Task({
    id: variant.id,
    displayName: variant.displayName,
    description: variant.description,
    tags: [
      'matching',
      'delay',
      'working-memory',
      variant.kind === 'category' ? 'category' : 'sample',
      variant.respondOnMatch ? 'go' : 'no-go',
    ],
    periods: PERIODS,
    plan: (rng, options) => matchingPlan(variant.kind, variant.respondOnMatch, rng, options, variant.id),
  }),
);
