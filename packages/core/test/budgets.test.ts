import { describe, expect, it } from 'vitest';
import { BUDGET_PRESETS, budgetFor, budgetFromConfig, resolveBudget } from '../src/budgets.js';
import { errorKind } from '../src/errors.js';

describe('budgets', () => {
  it('gives interleaved strategies the whole curriculum and the others the per-task budget', () => {
    const standard = BUDGET_PRESETS.standard;
    expect(budgetFor(standard, 'interleaved', 9).steps).toBe(9 * standard.steps);
    // the same learning-curve resolution per task as the other schedules
    expect(budgetFor(standard, 'interleaved', 9).evalEvery).toBe(9 * standard.evalEvery);
    expect(budgetFor(standard, 'sequential', 9)).toBe(standard);
    expect(budgetFor(standard, 'independent', 9)).toBe(standard);
  });

  it('resolves preset names and names the presets for an unknown one', () => {
    expect(resolveBudget('quick')).toBe(BUDGET_PRESETS.quick);
    expect(() => resolveBudget('slow' as never)).toThrow(/presets are quick, standard/);
  });
});

describe('budgetFromConfig', () => {
  it('takes the preset named (or the default) and lets the fields given override it', () => {
    expect(budgetFromConfig(undefined)).toEqual(BUDGET_PRESETS.standard);
    expect(budgetFromConfig(undefined, 'quick')).toEqual(BUDGET_PRESETS.quick);
    expect(budgetFromConfig('quick')).toEqual(BUDGET_PRESETS.quick);
    expect(budgetFromConfig({ preset: 'quick', steps: 5 })).toEqual({ ...BUDGET_PRESETS.quick, steps: 5 });
    expect(budgetFromConfig({ criterion: 0.5 })).toEqual({ ...BUDGET_PRESETS.standard, criterion: 0.5 });
  });

  it('refuses an unknown preset as bad input, with the closest name', () => {
    let refused: unknown;
    try {
      budgetFromConfig('quik');
    } catch (error) {
      refused = error;
    }
    expect(errorKind(refused)).toBe('bad-input');
    expect((refused as Error).message).toMatch(
      /^unknown budget preset "quik". Did you mean "quick"\?\n {2}hint: the presets are quick, standard;/,
    );
  });
});
