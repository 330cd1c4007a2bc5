/** `checkStrategyNames`: every strategy a comparison names is known before any work starts. */
import { errorKind, isMolapError } from '@molap/core';
import { describe, expect, it } from 'vitest';
import { checkStrategyNames, createBaselineRegistry, ewc } from '../src/index.js';

const refusal = (strategies: Parameters<typeof checkStrategyNames>[1]) => {
  try {
    checkStrategyNames(createBaselineRegistry(), strategies);
  } catch (error) {
    return error;
  }
  throw new Error(`${JSON.stringify(strategies)} was accepted`);
};

describe('checkStrategyNames', () => {
  it('accepts registered names, specs with registered names and strategy values', () => {
    expect(() =>
      checkStrategyNames(createBaselineRegistry(), ['multitask', { strategy: 'ewc', label: 'ewc-0' }, ewc]),
    ).not.toThrow();
  });

  it('refuses an unknown name as bad input, with the closest name and every registered one', () => {
    const error = refusal(['multitask', 'ewk']);
    expect(isMolapError(error) && error.code).toBe('unknown-id');
    expect(errorKind(error)).toBe('bad-input');
    expect((error as Error).message).toBe(
      'unknown strategy "ewk". Did you mean "ewc"?\n  hint: the strategies are multitask, independent, psp, ewc, si, sequential',
    );
  });

  it('refuses an unknown name inside a spec, without a guess when nothing is close', () => {
    const error = refusal([{ strategy: 'transformer' }]);
    expect((error as Error).message).toMatch(/^unknown strategy "transformer"\n {2}hint: the strategies are /);
  });
});
