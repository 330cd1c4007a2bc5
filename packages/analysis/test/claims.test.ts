/** The claim decision rules on constructed results (pure functions). */
import { describe, expect, it } from 'vitest';
import { type ClaimInput, efficiencyOf, evaluateClaims, generalisationOf } from '../src/claims.js';
import type { GeneralisationResults, ModelResults, PerTaskResults } from '../src/schema.js';

const BUDGET = { steps: 100, batchSize: 10, evalEvery: 10, evalTrials: 32, criterion: 0.9 };

function task(
  trainable: number,
  steps: number,
  trialsToCriterion: (number | null)[],
  performance = 0.95,
): PerTaskResults {
  const reached = trialsToCriterion.filter((value): value is number => value !== null);
  return {
    performance,
    loss: 0.01,
    trainableParams: trainable,
    updates: trainable * steps,
    steps,
    trialsToCriterion: reached.length ? reached.reduce((a, b) => a + b) / reached.length : null,
    updatesToCriterion: null,
    reachedCriterion: reached.length / trialsToCriterion.length,
    curve: [],
    perSeed: trialsToCriterion.map((value, i) => ({ seed: i, performance, loss: 0.01, trialsToCriterion: value })),
  };
}

function heldOut(trialsToCriterion: (number | null)[], performance: number): GeneralisationResults {
  const reached = trialsToCriterion.filter((value): value is number => value !== null);
  return {
    curve: [],
    trialsToCriterion: reached.length ? reached.reduce((a, b) => a + b) / reached.length : null,
    reachedCriterion: reached.length / trialsToCriterion.length,
    performance,
    trainableParams: 10,
    updates: 1000,
    perSeed: trialsToCriterion.map((value, i) => ({ seed: i, performance, trialsToCriterion: value })),
  };
}

function model(strategy: string, entries: Partial<ModelResults>): ModelResults {
  return {
    strategy,
    displayName: strategy,
    hiddenSize: 16,
    modules: null,
    totalParams: 100,
    frozenSharedParams: 0,
    bytes: 400,
    perTask: {},
    robustness: {},
    generalisation: {},
    generalisationVariants: {},
    dimensionality: null,
    taskVariance: [],
    ...entries,
  };
}

const robust = (auc: number | null, skipped?: string) => ({
  magnitudes: [0, 1],
  performance: auc === null ? [] : [auc, auc],
  auc,
  ...(skipped ? { skipped } : {}),
  perTask: {},
});

describe('efficiency', () => {
  it('counts updates until criterion, or all steps when the criterion is never reached', () => {
    // task a: 10 × (50/10) and 10 × (150/10) → 50, 150; task b: 10 × 100 steps (never) twice
    const numbers = efficiencyOf(
      model('molap', { perTask: { a: task(10, 100, [50, 150]), b: task(10, 100, [null, null]) } }),
      10,
    );
    expect(numbers).toEqual({ params: 10, updates: (50 + 150 + 1000 + 1000) / 4, reached: 0.5 });
  });

  it('needs fewer parameters, fewer updates and at least as many tasks learned, against every baseline', () => {
    const input: ClaimInput = {
      budget: BUDGET,
      heldOut: [],
      models: {
        molap: model('molap', { perTask: { a: task(10, 100, [100]) } }),
        multitask: model('multitask', { perTask: { a: task(1000, 100, [200]) } }),
        cheap: model('independent', { perTask: { a: task(5, 100, [null]) } }),
      },
    };
    const [efficiency] = evaluateClaims(input);
    expect(efficiency.molap).toBe('molap');
    expect(efficiency.comparisons.map((c) => [c.baseline, c.supported])).toEqual([
      ['multitask', true],
      ['cheap', false],
    ]);
    expect(efficiency.verdict).toBe('mixed');
    expect(efficiency.comparisons[0].molapValue).toBe(100);
    expect(efficiency.comparisons[0].baselineValue).toBe(20_000);
    expect(efficiency.comparisons[0].detail).toMatch(/trainable parameters per task 10 vs 1,000/);
  });

  it('is not supported by a model that never reaches the criterion, however cheap', () => {
    const [efficiency] = evaluateClaims({
      budget: BUDGET,
      heldOut: [],
      models: {
        molap: model('molap', { perTask: { a: task(10, 100, [null]) } }),
        multitask: model('multitask', { perTask: { a: task(1000, 100, [null]) } }),
      },
    });
    expect(efficiency.verdict).toBe('not-supported');
  });
});

describe('robustness', () => {
  it('compares mean AUCs over the perturbations neither model skipped', () => {
    const molap = model('molap', {
      robustness: { noise: robust(0.8), silencing: robust(0.5), lesion: robust(0.1) },
    });
    const multitask = model('multitask', {
      robustness: { noise: robust(0.7), silencing: robust(0.5), lesion: robust(null, 'not modular') },
    });
    const [, robustness] = evaluateClaims({ budget: BUDGET, heldOut: [], models: { molap, multitask } });
    expect(robustness.verdict).toBe('supported');
    expect(robustness.comparisons[0].molapValue).toBeCloseTo(0.65, 12);
    expect(robustness.comparisons[0].baselineValue).toBeCloseTo(0.6, 12);
    expect(robustness.comparisons[0].detail).toMatch(/over noise, silencing$/);
    const worse = model('ewc', { robustness: { noise: robust(0.9), silencing: robust(0.9) } });
    expect(evaluateClaims({ budget: BUDGET, heldOut: [], models: { molap, worse } })[1].verdict).toBe('not-supported');
  });
});

describe('generalisation', () => {
  it('counts unreached held-out tasks at the whole budget and compares every way a baseline learns', () => {
    expect(generalisationOf({ x: heldOut([100, null], 0.5) }, 1000)).toEqual({
      trials: 550,
      reached: 0.5,
      performance: 0.5,
    });
    const molap = model('molap', { generalisation: { x: heldOut([200, 300], 0.95) } });
    const multitask = model('multitask', {
      generalisation: { x: heldOut([100, 200], 0.97) },
      generalisationVariants: {
        'rule-inputs': { description: 'rule weights only', tasks: { x: heldOut([null, null], 0.3) } },
      },
    });
    const claims = evaluateClaims({ budget: BUDGET, heldOut: ['x'], models: { molap, multitask } });
    const generalisation = claims[2];
    expect(generalisation.comparisons.map((c) => [c.baseline, c.supported])).toEqual([
      ['multitask', false],
      ['multitask (rule-inputs)', true],
    ]);
    expect(generalisation.verdict).toBe('mixed');
    // equal trials: the higher final performance decides
    const tie = evaluateClaims({
      budget: BUDGET,
      heldOut: ['x'],
      models: {
        molap: model('molap', { generalisation: { x: heldOut([null], 0.6) } }),
        other: model('psp', { generalisation: { x: heldOut([null], 0.4) } }),
      },
    })[2];
    expect(tie.verdict).toBe('supported');
  });
});

describe('claims that cannot be decided', () => {
  it('are not tested, with the reason', () => {
    const withoutMolap = evaluateClaims({
      budget: BUDGET,
      heldOut: ['x'],
      models: { multitask: model('multitask', {}) },
    });
    expect(withoutMolap.map((claim) => claim.verdict)).toEqual(['not-tested', 'not-tested', 'not-tested']);
    expect(withoutMolap[0].reason).toMatch(/no MoLaP model/);
    const alone = evaluateClaims({ budget: BUDGET, heldOut: [], models: { molap: model('molap', {}) } });
    expect(alone[0].reason).toMatch(/no other model/);
    const noHeldOut = evaluateClaims({
      budget: BUDGET,
      heldOut: [],
      models: { molap: model('molap', {}), multitask: model('multitask', {}) },
    });
    expect(noHeldOut[1].reason).toMatch(/no perturbation/);
    expect(noHeldOut[2].reason).toMatch(/holds no task out/);
  });
});
