export { BUDGET_PRESETS, type BudgetPresetName, budgetFor, resolveBudget } from './budgets.js';
export { BASELINE_STRATEGIES, createBaselineRegistry } from './builtins.js';
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
export { DEFAULT_EWC_LAMBDA, type EwcOptions, empiricalFisher, ewc, sequential } from './ewc.js';
export {
  readStrategyDocument,
  STRATEGY_FORMAT,
  STRATEGY_FORMAT_VERSION,
  STRATEGY_JSON,
  type StrategyDocument,
} from './files.js';
export { type IndependentOptions, independent } from './independent.js';
export { type LoadSavedModelOptions, loadSavedModel } from './load.js';
export {
  loadMultitask,
  type MultitaskLoadOverrides,
  type MultitaskOptions,
  multitask,
  type NewTaskWeights,
} from './multitask.js';
export { NETWORK_DEFAULTS, type NetworkOptions } from './options.js';
export { binaryContext, PspModel, type PspOptions, psp, type SuperposedLayer, scaleColumns } from './psp.js';
export {
  createStrategyRegistry,
  STRATEGY_NAME_PATTERN,
  type StrategyRegistry,
  StrategyRegistryError,
  type StrategyRegistryErrorCode,
  validateStrategy,
} from './registry.js';
export { ruleColumnsOnly, ruleInputColumns } from './rule-inputs.js';
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
export type { AnyStrategy, LearningSchedule, Strategy, StrategyContext, StrategyMeta } from './strategy.js';
export {
  COMPARISON_FORMAT,
  COMPARISON_FORMAT_VERSION,
  COMPARISON_TABLE_SCHEMA,
  type ComparedStrategy,
  type ComparisonRow,
  type ComparisonRun,
  type ComparisonTable,
  validateAgainstSchema,
  validateComparisonTable,
} from './table.js';
