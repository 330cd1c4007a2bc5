import { describe, expect, it } from 'vitest';
import { BASELINE_STRATEGIES, createBaselineRegistry } from '../src/builtins.js';
import { multitask } from '../src/multitask.js';
import { createStrategyRegistry, StrategyRegistryError } from '../src/registry.js';
import type { Strategy } from '../src/strategy.js';

const custom: Strategy<{ size: number }> = {
  name: 'lab/tiny',
  meta: { displayName: 'Tiny', paper: 'none', link: 'none', description: 'A test strategy.', schedule: 'independent' },
  defaults: { size: 1 },
  create: () => Promise.reject(new Error('not used')),
  load: () => Promise.reject(new Error('not used')),
};

describe('createStrategyRegistry', () => {
  it('registers, gets and lists strategies in order', () => {
    const registry = createStrategyRegistry().register(multitask).register(custom);
    expect(registry.names()).toEqual(['multitask', 'lab/tiny']);
    expect(registry.get('lab/tiny')).toBe(custom);
    expect(registry.has('psp')).toBe(false);
    expect(registry.list()).toEqual([multitask, custom]);
  });

  it('throws on duplicate names', () => {
    const registry = createStrategyRegistry([multitask]);
    expect(() => registry.register({ ...multitask })).toThrow(StrategyRegistryError);
    expect(() => registry.register({ ...multitask })).toThrow(/duplicate strategy name 'multitask'/);
  });

  it('lists the known names for an unknown one', () => {
    const registry = createBaselineRegistry();
    expect(() => registry.get('mutlitask')).toThrow(
      /unknown strategy 'mutlitask'.*Known strategies: multitask, independent, psp, ewc, si, sequential/,
    );
  });

  it('rejects malformed strategies with every problem', () => {
    expect(() =>
      createStrategyRegistry().register({
        ...custom,
        name: 'Bad Name',
        meta: { ...custom.meta, schedule: 'x' as never },
      }),
    ).toThrow(/name must be lower-kebab.*meta.schedule/);
  });

  it('makes a new baseline registry each time, with the built-in strategies', () => {
    const a = createBaselineRegistry();
    a.register(custom);
    expect(createBaselineRegistry().has('lab/tiny')).toBe(false);
    expect(createBaselineRegistry().list()).toEqual([...BASELINE_STRATEGIES]);
    for (const strategy of BASELINE_STRATEGIES) {
      expect(strategy.meta.paper.length).toBeGreaterThan(10);
      expect(strategy.meta.link).toMatch(/^https:\/\//);
    }
  });
});
