/**
 * Decision-making family (reference `_dm`, `_contextdm`, `_delaydm`, `_contextdelaydm`): two stimuli at ψ1 and
 * ψ2 (circular separation ~ U[π/2, π]); respond at the stronger one. One implementation serves the ten tasks:
 *
 * | presentation | simultaneous | delayed | what the rings show | stronger by |
 * |---|---|---|---|---|
 * | `ring1` / `ring2` | dm1 / dm2 | delaydm1 / delaydm2 | both stimuli on one ring | that ring's strengths |
 * | `context1` / `context2` | contextdm1 / contextdm2 | contextdelaydm1 / contextdelaydm2 | both rings, independent strengths per ring | the attended ring's strengths |
 * | `multi` | multidm | multidelaydm | both rings, one strength pair split between the rings | the sum over both rings |
 *
 * Strengths (`genstim`): mean m ~ U[0.8, 1.2), coh ~ coherences, sign ± → s1 = m + coh·sign, s2 = m − coh·sign;
 * coherences {0.01, 0.02, 0.04, 0.08} (simultaneous) or {0.08, 0.16, 0.32} (delayed). `multi` splits each
 * s_k as s_k ± d_k/2 with d_k = s_k·U[0.2, 0.8)·(±1). Timing (per batch): simultaneous stimOn = ⌊U[100,400)/dt⌋,
 * duration ∈ {400, 800, 1600} ms, fixation off at stimulus offset; delayed stim1On ∈ {200,400,600} ms,
 * durations ∈ {200,400,600}, delay1 ∈ {200,400,800,1600}, delay2 ~ U[100,300) ms. Response epoch 500 ms.
 */
import { TWO_PI, wrapAngle } from '../ring.js';
import type { Rng, Task, TaskOptions } from '../task.js';
import { type FieldKind, readConditions, requireTimeOrder } from './conditions.js';
import { defineYang19Task } from './define.js';
import { TrialPlan } from './plan.js';
import type { Yang19Rule } from './rules.js';
import { choose, gridSize, msToSteps, randomSign, uniformBetween, unravel } from './sampling.js';

/** Which rings show the stimuli and which strengths decide. */
export type DecisionPresentation = 'ring1' | 'ring2' | 'context1' | 'context2' | 'multi';

/**
 * `psychometric` conditions of the decision family (angles in radians, times in ms):
 * - dm1 / dm2: `{ angle1, angle2, strength1, strength2, stimulusMs }` — stimuli from 300 ms for stimulusMs,
 *   fixation off at their offset, trial ends 400 ms later.
 * - contextdm1 / contextdm2 / multidm: `{ angle1, angle2, ring1Strength1, ring1Strength2, ring2Strength1,
 *   ring2Strength2, stimulusMs }` — stimuli from 500 ms for stimulusMs, trial ends 500 ms after.
 * - delaydm1 / delaydm2: `{ angle1, angle2, strength1, strength2, stimulus1OnMs, stimulus1OffMs,
 *   stimulus2OnMs, stimulus2OffMs }` — fixation off 200 ms after stimulus 2, trial ends 300 ms later.
 * - contextdelaydm1 / contextdelaydm2 / multidelaydm: `{ angle1, angle2, ring1Strength1, ring1Strength2,
 *   ring2Strength1, ring2Strength2, delayMs }` — stimulus 1 at 300–600 ms, stimulus 2 for 300 ms from
 *   600 + delayMs, fixation off 200 ms later, trial ends 300 ms after that.
 */
export interface DecisionCondition {
  readonly angle1: number;
  readonly angle2: number;
  readonly strength1?: number;
  readonly strength2?: number;
  readonly ring1Strength1?: number;
  readonly ring1Strength2?: number;
  readonly ring2Strength1?: number;
  readonly ring2Strength2?: number;
  readonly stimulusMs?: number;
  readonly stimulus1OnMs?: number;
  readonly stimulus1OffMs?: number;
  readonly stimulus2OnMs?: number;
  readonly stimulus2OffMs?: number;
  readonly delayMs?: number;
}

/** One trial, in steps. `strengths` = [ring-1 s1, ring-1 s2, ring-2 s1, ring-2 s2] (single-ring tasks use their ring's pair). */
interface DecisionTrial {
  angle1: number;
  angle2: number;
  strengths: [number, number, number, number];
  stimulus1On: number;
  stimulus1Off: number;
  stimulus2On: number;
  stimulus2Off: number;
  fixationOff: number;
  steps: number;
}

type Timing = Pick<
  DecisionTrial,
  'stimulus1On' | 'stimulus1Off' | 'stimulus2On' | 'stimulus2Off' | 'fixationOff' | 'steps'
>;

const SIMULTANEOUS_COHERENCES = [0.01, 0.02, 0.04, 0.08];
const DELAYED_COHERENCES = [0.08, 0.16, 0.32];
const SIMULTANEOUS_PERIODS = ['fix1', 'stim1', 'go1'] as const;
const DELAYED_PERIODS = ['fix1', 'stim1', 'delay1', 'stim2', 'delay2', 'go1'] as const;

function isSingleRing(presentation: DecisionPresentation): presentation is 'ring1' | 'ring2' {
  return presentation === 'ring1' || presentation === 'ring2';
}

/** Reference `genstim`: a strength pair with mean ~ U[0.8, 1.2) and difference 2·coh. */
function strengthPair(rng: Rng, coherences: readonly number[]): [number, number] {
  const mean = uniformBetween(rng, 0.8, 1.2);
  const signedCoherence = choose(rng, coherences) * randomSign(rng);
  return [mean + signedCoherence, mean - signedCoherence];
}

function randomStrengths(
  presentation: DecisionPresentation,
  rng: Rng,
  coherences: readonly number[],
): DecisionTrial['strengths'] {
  if (isSingleRing(presentation)) {
    const [s1, s2] = strengthPair(rng, coherences);
    return presentation === 'ring1' ? [s1, s2, 0, 0] : [0, 0, s1, s2];
  }
  if (presentation === 'multi') {
    // Reference quirk: this split uses the global numpy generator; here it uses the seeded rng.
    const [s1, s2] = strengthPair(rng, coherences);
    const d1 = s1 * uniformBetween(rng, 0.2, 0.8) * randomSign(rng);
    const d2 = s2 * uniformBetween(rng, 0.2, 0.8) * randomSign(rng);
    return [s1 + d1 / 2, s2 + d2 / 2, s1 - d1 / 2, s2 - d2 / 2];
  }
  const [a1, a2] = strengthPair(rng, coherences);
  const [b1, b2] = strengthPair(rng, coherences);
  return [a1, a2, b1, b2];
}

function randomTiming(delayed: boolean, rng: Rng, dt: number): Timing {
  if (!delayed) {
    const on = msToSteps(uniformBetween(rng, 100, 400), dt);
    const off = on + msToSteps(choose(rng, [400, 800, 1600]), dt);
    return simultaneous(on, off, off + msToSteps(500, dt));
  }
  const stimulus1On = msToSteps(choose(rng, [200, 400, 600]), dt);
  const stimulus1Off = stimulus1On + msToSteps(choose(rng, [200, 400, 600]), dt);
  const stimulus2On = stimulus1Off + msToSteps(choose(rng, [200, 400, 800, 1600]), dt);
  const stimulus2Off = stimulus2On + msToSteps(choose(rng, [200, 400, 600]), dt);
  const fixationOff = stimulus2Off + msToSteps(uniformBetween(rng, 100, 300), dt);
  return { stimulus1On, stimulus1Off, stimulus2On, stimulus2Off, fixationOff, steps: fixationOff + msToSteps(500, dt) };
}

/** Timing of a simultaneous trial: both stimuli in [on, off), fixation off at `off`. */
function simultaneous(on: number, off: number, steps: number): Timing {
  return { stimulus1On: on, stimulus1Off: off, stimulus2On: on, stimulus2Off: off, fixationOff: off, steps };
}

function randomTrials(
  presentation: DecisionPresentation,
  delayed: boolean,
  rng: Rng,
  options: TaskOptions,
): DecisionTrial[] {
  const timing = randomTiming(delayed, rng, options.dt);
  const coherences = delayed ? DELAYED_COHERENCES : SIMULTANEOUS_COHERENCES;
  return Array.from({ length: options.batchSize }, () => {
    const separation = uniformBetween(rng, 0.5 * Math.PI, 1.5 * Math.PI) * randomSign(rng);
    const angle1 = rng.uniform() * TWO_PI;
    return {
      ...timing,
      angle1,
      angle2: wrapAngle(angle1 + separation),
      strengths: randomStrengths(presentation, rng, coherences),
    };
  });
}

/** `test` grids (spec §1.11): 20 locations × 5 strengths (single ring) or × 5 × 5 (both rings). */
function testTrials(presentation: DecisionPresentation, delayed: boolean, dt: number): DecisionTrial[] {
  const single = isSingleRing(presentation);
  const ms = (value: number) => msToSteps(value, dt);
  let timing: Timing;
  if (!delayed) timing = single ? simultaneous(ms(500), ms(2000), ms(2500)) : simultaneous(ms(500), ms(1500), ms(2000));
  else {
    timing = {
      stimulus1On: ms(500),
      stimulus1Off: ms(1000),
      stimulus2On: ms(2000),
      stimulus2Off: ms(2500),
      fixationOff: single ? ms(2700) : ms(3000),
      steps: single ? ms(3000) : ms(3500),
    };
  }
  // Strength 1 of level k: 0.8 + 0.4·k/5 (delaydm1/2: 0.5 + 1.0·k/5); strength 2 = 2 − strength 1.
  const level = (k: number) => (single && delayed ? (1.0 * k) / 5 + 0.5 : (0.4 * k) / 5 + 0.8);
  const shape = single ? [20, 5] : [20, 5, 5];
  return Array.from({ length: gridSize(shape) }, (_, b) => {
    const [location, k1, k2] = unravel(b, shape);
    const angle1 = (TWO_PI * location) / 20;
    const s1 = level(k1);
    let strengths: DecisionTrial['strengths'];
    if (presentation === 'ring1') strengths = [s1, 2 - s1, 0, 0];
    else if (presentation === 'ring2') strengths = [0, 0, s1, 2 - s1];
    else strengths = [s1, 2 - s1, level(k2), 2 - level(k2)];
    return { ...timing, angle1, angle2: wrapAngle(angle1 + Math.PI), strengths };
  });
}

function psychometricTrials(
  presentation: DecisionPresentation,
  delayed: boolean,
  options: TaskOptions,
  taskId: string,
): DecisionTrial[] {
  const ms = (value: number) => msToSteps(value, options.dt);
  const single = isSingleRing(presentation);
  const strengthFields: Record<string, FieldKind> = single
    ? { strength1: 'strength', strength2: 'strength' }
    : {
        ring1Strength1: 'strength',
        ring1Strength2: 'strength',
        ring2Strength1: 'strength',
        ring2Strength2: 'strength',
      };
  let timingFields: Record<string, FieldKind>;
  if (!delayed) timingFields = { stimulusMs: 'ms' };
  else if (single) {
    timingFields = { stimulus1OnMs: 'ms', stimulus1OffMs: 'ms', stimulus2OnMs: 'ms', stimulus2OffMs: 'ms' };
  } else timingFields = { delayMs: 'ms' };
  const conditions = readConditions<string>(options, taskId, {
    angle1: 'angle',
    angle2: 'angle',
    ...strengthFields,
    ...timingFields,
  });
  return conditions.map((c, index) => {
    let timing: Timing;
    if (!delayed && single) {
      const off = ms(300) + ms(c.stimulusMs);
      timing = simultaneous(ms(300), off, ms(400) + off);
    } else if (!delayed) {
      const off = ms(500) + ms(c.stimulusMs);
      timing = simultaneous(ms(500), off, ms(500) + off);
    } else if (single) {
      requireTimeOrder(c, index, ['stimulus1OnMs', 'stimulus1OffMs', 'stimulus2OnMs', 'stimulus2OffMs']);
      const stimulus2Off = ms(c.stimulus2OffMs);
      const fixationOff = ms(200) + stimulus2Off;
      timing = {
        stimulus1On: ms(c.stimulus1OnMs),
        stimulus1Off: ms(c.stimulus1OffMs),
        stimulus2On: ms(c.stimulus2OnMs),
        stimulus2Off,
        fixationOff,
        steps: ms(300) + fixationOff,
      };
    } else {
      const stimulus1Off = ms(600);
      const stimulus2On = ms(c.delayMs) + stimulus1Off;
      const stimulus2Off = ms(300) + stimulus2On;
      const fixationOff = ms(200) + stimulus2Off;
      timing = {
        stimulus1On: ms(300),
        stimulus1Off,
        stimulus2On,
        stimulus2Off,
        fixationOff,
        steps: ms(300) + fixationOff,
      };
    }
    let strengths: DecisionTrial['strengths'];
    if (presentation === 'ring1') strengths = [c.strength1, c.strength2, 0, 0];
    else if (presentation === 'ring2') strengths = [0, 0, c.strength1, c.strength2];
    else strengths = [c.ring1Strength1, c.ring1Strength2, c.ring2Strength1, c.ring2Strength2];
    return { ...timing, angle1: c.angle1, angle2: c.angle2, strengths };
  });
}

/** Whether stimulus 1 is the stronger one under the task's rule (ties go to stimulus 2, as in the reference). */
function firstIsStronger(presentation: DecisionPresentation, s: DecisionTrial['strengths']): boolean {
  switch (presentation) {
    case 'ring1':
    case 'context1':
      return s[0] > s[1];
    case 'ring2':
    case 'context2':
      return s[2] > s[3];
    case 'multi':
      return s[0] + s[2] > s[1] + s[3];
  }
}

function decisionPlan(
  presentation: DecisionPresentation,
  delayed: boolean,
  rng: Rng,
  options: TaskOptions,
  taskId: string,
): TrialPlan {
  let trials: DecisionTrial[];
  if (options.mode === 'psychometric') trials = psychometricTrials(presentation, delayed, options, taskId);
  else if (options.mode === 'test') trials = testTrials(presentation, delayed, options.dt);
  else trials = randomTrials(presentation, delayed, rng, options);
  const plan = new TrialPlan(trials.length, delayed ? DELAYED_PERIODS : SIMULTANEOUS_PERIODS);
  const rings = presentation === 'ring1' ? [1] : presentation === 'ring2' ? [2] : [1, 2];
  trials.forEach((trial, b) => {
    plan.steps[b] = trial.steps;
    plan.fixationOff[b] = trial.fixationOff;
    plan.goCue[b] = trial.fixationOff;
    plan.responseAngle[b] = firstIsStronger(presentation, trial.strengths) ? trial.angle1 : trial.angle2;
    // Reference order: per ring, stimulus 1 then stimulus 2.
    for (const ring of rings) {
      const s = trial.strengths;
      plan.addStimulus(b, ring, trial.angle1, s[2 * (ring - 1)], trial.stimulus1On, trial.stimulus1Off);
      plan.addStimulus(b, ring, trial.angle2, s[2 * (ring - 1) + 1], trial.stimulus2On, trial.stimulus2Off);
    }
    plan.setEpoch(b, 'fix1', 0, trial.stimulus1On);
    if (delayed) {
      plan.setEpoch(b, 'stim1', trial.stimulus1On, trial.stimulus1Off);
      plan.setEpoch(b, 'delay1', trial.stimulus1Off, trial.stimulus2On);
      plan.setEpoch(b, 'stim2', trial.stimulus2On, trial.stimulus2Off);
      plan.setEpoch(b, 'delay2', trial.stimulus2Off, trial.fixationOff);
    } else {
      plan.setEpoch(b, 'stim1', trial.stimulus1On, trial.fixationOff);
    }
    plan.setEpoch(b, 'go1', trial.fixationOff, trial.steps);
  });
  return plan;
}

interface DecisionVariant {
  readonly id: Yang19Rule;
  readonly presentation: DecisionPresentation;
  readonly delayed: boolean;
  readonly displayName: string;
  readonly description: string;
}

const VARIANTS: readonly DecisionVariant[] = [
  {
    id: 'dm1',
    presentation: 'ring1',
    delayed: false,
    displayName: 'DM 1',
    description: 'Two stimuli on ring 1 at once; when the fixation cue goes off, saccade to the stronger one.',
  },
  {
    id: 'dm2',
    presentation: 'ring2',
    delayed: false,
    displayName: 'DM 2',
    description: 'Two stimuli on ring 2 at once; when the fixation cue goes off, saccade to the stronger one.',
  },
  {
    id: 'contextdm1',
    presentation: 'context1',
    delayed: false,
    displayName: 'Ctx DM 1',
    description:
      'Both rings show the two stimuli with independent strengths; choose the stronger one on ring 1 and ignore ring 2.',
  },
  {
    id: 'contextdm2',
    presentation: 'context2',
    delayed: false,
    displayName: 'Ctx DM 2',
    description:
      'Both rings show the two stimuli with independent strengths; choose the stronger one on ring 2 and ignore ring 1.',
  },
  {
    id: 'multidm',
    presentation: 'multi',
    delayed: false,
    displayName: 'MultSen DM',
    description: 'Both rings show the two stimuli; choose the one whose strength summed over the two rings is larger.',
  },
  {
    id: 'delaydm1',
    presentation: 'ring1',
    delayed: true,
    displayName: 'Dly DM 1',
    description: 'Two stimuli on ring 1 separated by a delay; after a second delay, saccade to the stronger one.',
  },
  {
    id: 'delaydm2',
    presentation: 'ring2',
    delayed: true,
    displayName: 'Dly DM 2',
    description: 'Two stimuli on ring 2 separated by a delay; after a second delay, saccade to the stronger one.',
  },
  {
    id: 'contextdelaydm1',
    presentation: 'context1',
    delayed: true,
    displayName: 'Ctx Dly DM 1',
    description: 'Delayed version of Ctx DM 1: stimuli one after the other on both rings; ring 1 decides.',
  },
  {
    id: 'contextdelaydm2',
    presentation: 'context2',
    delayed: true,
    displayName: 'Ctx Dly DM 2',
    description: 'Delayed version of Ctx DM 2: stimuli one after the other on both rings; ring 2 decides.',
  },
  {
    id: 'multidelaydm',
    presentation: 'multi',
    delayed: true,
    displayName: 'MultSen Dly DM',
    description: 'Delayed version of MultSen DM: the stimulus with the larger summed strength over both rings wins.',
  },
];

function tagsOf(variant: DecisionVariant): string[] {
  const tags = ['decision-making'];
  if (variant.delayed) tags.push('delay', 'working-memory');
  if (variant.presentation === 'context1' || variant.presentation === 'context2') tags.push('context');
  if (variant.presentation === 'multi') tags.push('multisensory');
  return tags;
}

/** The ten decision-making tasks, in reference rule order. */
export const DECISION_FAMILY_TASKS: readonly Task[] = VARIANTS.map((variant) =>
  defineYang19Task({
    id: variant.id,
    displayName: variant.displayName,
    description: variant.description,
    tags: tagsOf(variant),
    periods: variant.delayed ? DELAYED_PERIODS : SIMULTANEOUS_PERIODS,
    plan: (rng, options) => decisionPlan(variant.presentation, variant.delayed, rng, options, variant.id),
  }),
);
