import { describe, expect, it } from 'vitest';
import { crossCheckClaims, type Results } from '../src/index.js';

const comparison = (baseline: string) => ({
  baseline,
  supported: true,
  metric: 'm',
  molapValue: 1,
  baselineValue: 0,
  detail: '',
});
const results = (molap: string | null, baselines: string[]) =>
  ({
    models: {
      molap: { generalisationVariants: {} },
      multitask: { generalisationVariants: { 'rule-inputs': { description: '', tasks: {} } } },
    },
    claims: [{ id: 'efficiency', molap, comparisons: baselines.map(comparison) }],
  }) as unknown as Results;

describe('crossCheckClaims', () => {
  it('accepts claims about held models and their generalisation variants', () => {
    expect(crossCheckClaims(results('molap', ['multitask', 'multitask (rule-inputs)']))).toEqual([]);
    expect(crossCheckClaims(results(null, []))).toEqual([]);
  });

  it('names every claim that cites a model the document does not hold', () => {
    expect(crossCheckClaims(results('ghost', ['multitask', 'psp', 'molap (rule-inputs)']))).toEqual([
      "$.claims[0].molap: claim 'efficiency' is about model 'ghost', which $.models does not hold (it holds molap, multitask)",
      "$.claims[0].comparisons[1].baseline: claim 'efficiency' compares with 'psp', which $.models does not hold (it holds molap, multitask)",
      "$.claims[0].comparisons[2].baseline: claim 'efficiency' compares with 'molap (rule-inputs)', which $.models does not hold (it holds molap, multitask)",
    ]);
  });
});
