/**
 * @molap/baselines: the multi-task strategies MoLaP is compared with (multitask, independent, PSP, EWC,
 * sequential), as strategies of @molap/core, and `compare`, which runs any of them on the same tasks.
 */
export { BASELINE_STRATEGIES, checkStrategyNames, createBaselineRegistry } from './builtins.js';
export {
  type CompareOptions,
  type CompareProgress,
  type ComparisonContext,
  type ComparisonJob,
  type ComparisonJobResult,
  compare,
  createYang19Registry,
  runComparisonJob,
  runComparisonWorker,
  type StrategySpec,
  type WorkerInput,
} from './compare.js';
export { DEFAULT_EWC_LAMBDA, type EwcOptions, ewc, sequential } from './ewc.js';
export { type IndependentOptions, independent } from './independent.js';
export {
  loadMultitask,
  type MultitaskLoadOverrides,
  type MultitaskOptions,
  multitask,
  type NewTaskWeights,
} from './multitask.js';
export { NETWORK_DEFAULTS, NETWORK_OPTIONS, type NetworkOptions } from './options.js';
export { PspModel, type PspOptions, psp, type SuperposedLayer } from './psp.js';
export {
  type ContinualMethod,
  type RetentionPoint,
  SequentialModel,
  type SequentialOptions,
  type StepInfo,
  type TaskEndContext,
  type TaskForgetting,
} from './sequential.js';
export { DEFAULT_SI_C, DEFAULT_SI_XI, SiMethod, type SiOptions, si } from './si.js';
export {
  COMPARISON_FORMAT,
  COMPARISON_FORMAT_VERSION,
  COMPARISON_TABLE_SCHEMA,
  type ComparedStrategy,
  type ComparisonRow,
  type ComparisonRun,
  type ComparisonSummary,
  type ComparisonTable,
  parseComparisonTable,
  readComparisonTable,
  summariseComparison,
  validateComparisonTable,
} from './table.js';
