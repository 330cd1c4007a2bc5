/** The claim decision rules on constructed results (pure functions). */
import { describe, expect, it } from 'vitest';
import { robustnessFromCurves } from '../src/assemble.js';
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

const MAGNITUDES = [0, 0.5, 1];
const SEEDS = [1, 2, 3];

/**
 * Robustness of a model on tasks a, b, c in seeds 1–3: each curve starts at `start` and ends at `end`
 * (straight), with a small seed- and task-dependent wobble so that the pairs differ.
 */
function robust(start: number, end: number, floor = 0.75) {
  const curves = Object.fromEntries(
    ['a', 'b', 'c'].map((task, t) => [
      task,
      SEEDS.map((_, s) => {
        const wobble = 0.004 * (((s * 3 + t) % 4) - 1.5);
        return MAGNITUDES.map((m) => Math.min(1, start + (end - start) * m + wobble * m));
      }),
    ]),
  );
  return robustnessFromCurves(MAGNITUDES, curves, SEEDS, floor);
}

const skippedEntry = (reason: string) => ({ ...robust(1, 1), auc: null, skipped: reason, perTask: {} });

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
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: {
        molap: model('molap', { perTask: { a: task(10, 100, [100, 120]), b: task(10, 100, [100, 80]) } }),
        multitask: model('multitask', { perTask: { a: task(1000, 100, [200, 210]), b: task(1000, 100, [200, 190]) } }),
        cheap: model('independent', { perTask: { a: task(5, 100, [null, null]), b: task(5, 100, [null, null]) } }),
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
    expect(efficiency.comparisons[0].difference).toMatchObject({ mean: -19_900, seeds: 2, tasks: 2, cells: 4 });
    expect(efficiency.comparisons[0].difference!.high).toBeLessThan(0);
    expect(efficiency.comparisons[0].better).toBe('lower');
    expect(efficiency.comparisons[0].detail).toMatch(
      /MoLaP − multitask = −19,900 \[−\d[\d,]*, −\d[\d,]*\], 2 seeds × 2 tasks/,
    );
    expect(efficiency.comparisons[0].detail).toMatch(/trainable parameters per task 10 vs 1,000/);
  });

  it('allows as many trainable parameters as the baseline (random modules have MoLaP’s architecture)', () => {
    const [efficiency] = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: {
        molap: model('molap', { perTask: { a: task(10, 100, [100, 120]), b: task(10, 100, [100, 80]) } }),
        same: model('random-modules', { perTask: { a: task(10, 100, [null, 900]), b: task(10, 100, [700, 800]) } }),
      },
    });
    expect(efficiency.verdict).toBe('supported');
  });

  it('is not supported when the difference in updates is within the noise', () => {
    const [efficiency] = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: {
        molap: model('molap', { perTask: { a: task(10, 100, [100, 500]), b: task(10, 100, [900, 80]) } }),
        other: model('random-modules', { perTask: { a: task(10, 100, [500, 100]), b: task(10, 100, [100, 800]) } }),
      },
    });
    expect(efficiency.comparisons[0].difference!.low).toBeLessThan(0);
    expect(efficiency.comparisons[0].difference!.high).toBeGreaterThan(0);
    expect(efficiency.verdict).toBe('not-supported');
  });

  it('is not supported by a model that never reaches the criterion, however cheap', () => {
    const [efficiency] = evaluateClaims({
      subject: 'molap',
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
  it('is decided on the relative AUC, with the absolute AUC as a second row that does not decide', () => {
    // MoLaP learned every task to 0.8 and keeps it; multitask learned them to 1.0 and falls to 0.8
    const molap = model('molap', {
      robustness: { noise: robust(0.8, 0.8), silencing: robust(0.8, 0.78), lesion: robust(0.8, 0.5) },
    });
    const multitask = model('multitask', {
      robustness: { noise: robust(1, 0.8), silencing: robust(1, 0.8), lesion: skippedEntry('not modular') },
    });
    const [, robustness] = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: { molap, multitask },
    });
    expect(robustness.verdict).toBe('supported');
    const [comparison] = robustness.comparisons;
    expect(comparison.metric).toMatch(/relative AUC/);
    expect(comparison.molapValue!).toBeGreaterThan(0.98);
    expect(comparison.baselineValue!).toBeCloseTo(0.9, 2);
    expect(comparison.difference).toMatchObject({ seeds: 3, tasks: 3, cells: 9 });
    expect(comparison.difference!.low).toBeGreaterThan(0);
    expect(comparison.detail).toMatch(/over noise, silencing$/);
    const [absolute] = comparison.secondary;
    expect(absolute.metric).toMatch(/absolute AUC/);
    expect(absolute.difference!.high).toBeLessThan(0);
    const worse = model('ewc', { robustness: { noise: robust(0.9, 0.9), silencing: robust(0.9, 0.9) } });
    expect(evaluateClaims({ subject: 'molap', budget: BUDGET, heldOut: [], models: { molap, worse } })[1].verdict).toBe(
      'not-supported',
    );
  });

  it('counts only the task-seed pairs both models learned to the floor, and is not tested without any', () => {
    const molap = model('molap', { robustness: { noise: robust(0.8, 0.8) } });
    const unlearned = model('multitask', { robustness: { noise: robust(0.5, 0.1) } });
    const [, robustness] = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: { molap, multitask: unlearned },
    });
    expect(robustness.comparisons[0].difference).toBeNull();
    expect(robustness.comparisons[0].secondary[0].difference!.low).toBeGreaterThan(0);
    expect(robustness.verdict).toBe('not-tested');
    expect(robustness.reason).toMatch(/learned to the floor/);
  });
});

describe('generalisation', () => {
  it('counts unreached held-out tasks at the whole budget and compares every way a baseline learns', () => {
    expect(generalisationOf({ x: heldOut([100, null], 0.5) }, 1000)).toEqual({
      trials: 550,
      reached: 0.5,
      performance: 0.5,
    });
    const molap = model('molap', { generalisation: { x: heldOut([200, 300], 0.95), y: heldOut([250, 200], 0.95) } });
    const multitask = model('multitask', {
      generalisation: { x: heldOut([100, 200], 0.97), y: heldOut([150, 100], 0.97) },
      generalisationVariants: {
        'rule-inputs': {
          description: 'rule weights only',
          tasks: { x: heldOut([null, null], 0.3), y: heldOut([null, 900], 0.3) },
        },
      },
    });
    const claims = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: ['x', 'y'],
      models: { molap, multitask },
    });
    const generalisation = claims[2];
    expect(generalisation.comparisons.map((c) => [c.baseline, c.supported])).toEqual([
      ['multitask', false],
      ['multitask (rule-inputs)', true],
    ]);
    expect(generalisation.verdict).toBe('mixed');
    // equal trials: the higher final performance decides
    const tie = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: ['x'],
      models: {
        molap: model('molap', { generalisation: { x: heldOut([null, null], 0.6) } }),
        other: model('psp', { generalisation: { x: heldOut([null, null], 0.4) } }),
      },
    })[2];
    expect(tie.verdict).toBe('supported');
  });
});

describe('claims that cannot be decided', () => {
  it('are not tested, with the reason', () => {
    const withoutMolap = evaluateClaims({
      subject: null,
      budget: BUDGET,
      heldOut: ['x'],
      models: { multitask: model('multitask', {}) },
    });
    expect(withoutMolap.map((claim) => claim.verdict)).toEqual(['not-tested', 'not-tested', 'not-tested']);
    expect(withoutMolap[0].reason).toMatch(/no MoLaP model/);
    const alone = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: { molap: model('molap', {}) },
    });
    expect(alone[0].reason).toMatch(/no other model/);
    const noHeldOut = evaluateClaims({
      subject: 'molap',
      budget: BUDGET,
      heldOut: [],
      models: { molap: model('molap', {}), multitask: model('multitask', {}) },
    });
    expect(noHeldOut[1].reason).toMatch(/no perturbation/);
    expect(noHeldOut[2].reason).toMatch(/holds no task out/);
  });

  it('refuses a subject that is not a model of the run, naming the models', () => {
    expect(() =>
      evaluateClaims({ subject: 'molab', budget: BUDGET, heldOut: [], models: { molap: model('molap', {}) } }),
    ).toThrow(/the claims' subject "molab" is not a model of the run[\s\S]*name one of the run's models \(molap\)/);
  });
});

describe('the subject of the claims', () => {
  it('is the model the input names, whatever its strategy is called', () => {
    const models = {
      variant: model('my-molap-variant', { perTask: { a: task(10, 100, [100, 120]), b: task(10, 100, [100, 80]) } }),
      multitask: model('multitask', { perTask: { a: task(1000, 100, [200, 210]), b: task(1000, 100, [200, 190]) } }),
    };
    const [efficiency] = evaluateClaims({ subject: 'variant', budget: BUDGET, heldOut: [], models });
    expect(efficiency.molap).toBe('variant');
    expect(efficiency.comparisons.map((c) => [c.baseline, c.supported])).toEqual([['multitask', true]]);
  });
});
