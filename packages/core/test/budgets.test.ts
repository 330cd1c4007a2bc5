import { describe, expect, it } from 'vitest';
import { BUDGET_PRESETS, budgetFor, resolveBudget } from '../src/budgets.js';

describe('budgets', () => {
  it('gives interleaved strategies the whole curriculum and the others the per-task budget', () => {
    const standard = BUDGET_PRESETS.standard;
    expect(budgetFor(standard, 'interleaved', 9).steps).toBe(9 * standard.steps);
    expect(budgetFor(standard, 'sequential', 9)).toBe(standard);
    expect(budgetFor(standard, 'independent', 9)).toBe(standard);
  });

  it('resolves preset names and names the presets for an unknown one', () => {
    expect(resolveBudget('quick')).toBe(BUDGET_PRESETS.quick);
    expect(() => resolveBudget('slow' as never)).toThrow(/presets are quick, standard/);
  });
});
