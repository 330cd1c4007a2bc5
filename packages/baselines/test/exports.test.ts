/**
 * The public surface of @molap/baselines, pinned: adding, removing or renaming an export must change this list
 * too, so every change of the API is a deliberate one.
 */
import { expect, it } from 'vitest';
import { exportList, valueExports } from '../../../tools/export-list.js';

const EXPORTS = [
  'BASELINE_STRATEGIES',
  'checkStrategyNames',
  'compare',
  'type ComparedStrategy',
  'type CompareOptions',
  'type CompareProgress',
  'COMPARISON_FORMAT',
  'COMPARISON_FORMAT_VERSION',
  'COMPARISON_TABLE_SCHEMA',
  'type ComparisonContext',
  'type ComparisonJob',
  'type ComparisonJobResult',
  'type ComparisonRow',
  'type ComparisonRun',
  'type ComparisonSummary',
  'type ComparisonTable',
  'type ContinualMethod',
  'createBaselineRegistry',
  'createYang19Registry',
  'DEFAULT_EWC_LAMBDA',
  'DEFAULT_SI_C',
  'DEFAULT_SI_XI',
  'ewc',
  'type EwcOptions',
  'independent',
  'type IndependentOptions',
  'loadMultitask',
  'multitask',
  'type MultitaskLoadOverrides',
  'type MultitaskOptions',
  'NETWORK_DEFAULTS',
  'NETWORK_OPTIONS',
  'type NetworkOptions',
  'type NewTaskWeights',
  'parseComparisonTable',
  'psp',
  'PspModel',
  'type PspOptions',
  'readComparisonTable',
  'type RetentionPoint',
  'runComparisonJob',
  'runComparisonWorker',
  'sequential',
  'SequentialModel',
  'type SequentialOptions',
  'si',
  'SiMethod',
  'type SiOptions',
  'type StepInfo',
  'type StrategySpec',
  'summariseComparison',
  'type SuperposedLayer',
  'type TaskEndContext',
  'type TaskForgetting',
  'validateComparisonTable',
  'type WorkerInput',
];

it('exports exactly its public surface', async () => {
  expect(exportList(new URL('../src/index.ts', import.meta.url))).toEqual(EXPORTS);
  expect(Object.keys(await import('../src/index.js')).sort()).toEqual(valueExports(EXPORTS));
});
