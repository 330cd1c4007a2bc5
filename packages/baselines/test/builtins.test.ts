import { describe, expect, it } from 'vitest';
import { BASELINE_STRATEGIES, createBaselineRegistry } from '../src/builtins.js';

describe('createBaselineRegistry', () => {
  it('makes a new registry each time, with the built-in strategies in order', () => {
    const a = createBaselineRegistry();
    a.register({ ...BASELINE_STRATEGIES[0], id: 'lab/tiny' });
    expect(createBaselineRegistry().has('lab/tiny')).toBe(false);
    expect(createBaselineRegistry().ids()).toEqual(['multitask', 'independent', 'psp', 'ewc', 'si', 'sequential']);
    for (const strategy of BASELINE_STRATEGIES) {
      expect(strategy.meta.paper?.length).toBeGreaterThan(10);
      expect(strategy.meta.link).toMatch(/^https:\/\//);
      expect(strategy.version).toBe('1.0.0');
    }
  });

  it('gives multitask its rule-inputs way of learning new tasks', () => {
    const multitask = createBaselineRegistry().get('multitask');
    expect(multitask.generalisationVariants?.map((variant) => variant.name)).toEqual(['rule-inputs']);
  });
});
