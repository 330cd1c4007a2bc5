/**
 * @molap/core: the strategy-neutral layer of molap. Every multi-task strategy (MoLaP, random modules, the
 * baselines, a user's) is a `Strategy` value whose models implement `MultiTaskModel`; this package holds
 * that interface and what all strategies share: learning under a budget, fixed seeded evaluation, Yang's
 * criterion, parameter accounting, perturbations, seeds, the plugin registry, the error base and the
 * document files.
 */

/** The one check of molap documents lives in @molap/backend (model.json is read there); every reader uses it. */
export { checkDocument, type DocumentFormat, parseJsonDocument, parseJsonText } from '@molap/backend';
export {
  BYTES_PER_PARAMETER,
  countRnnParameters,
  parameterBytes,
  parameterUpdates,
  type RnnParameterCount,
} from './accounting.js';
export {
  BUDGET_OPTIONS,
  BUDGET_PRESETS,
  type BudgetConfigValue,
  type BudgetPresetName,
  budgetFor,
  budgetFromConfig,
  resolveBudget,
  validateBudget,
} from './budgets.js';
export {
  checkRuleBlock,
  describeRules,
  evaluationSet,
  lookUpTasks,
  type TaskGeometry,
  taskGeometry,
  taskInputNoiseStd,
} from './context.js';
export { type DiscoveredPluginRegistries, registerDiscoveredPlugins } from './discovered.js';
export {
  BAD_INPUT_CODES,
  errorKind,
  InvalidValueError,
  isMolapError,
  MOLAP_ERROR_BRAND,
  MolapError,
  type MolapErrorDetails,
  type MolapErrorKind,
  type MolapErrorLike,
} from './errors.js';
export { type BatchEvaluation, evaluateOnBatch, ParameterUploads } from './evaluation.js';
export {
  type FormattedDocument,
  readJsonDocument,
  readStrategyDocument,
  STRATEGY_FORMAT,
  STRATEGY_FORMAT_VERSION,
  STRATEGY_JSON,
  type StrategyDocument,
  writeJsonDocument,
  writeStrategyDocument,
} from './files.js';
export {
  type EngineLearningOptions,
  type EngineLearningResult,
  learnEngineModel,
  type PointEvaluation,
} from './learning.js';
export {
  DEFAULT_CRITERION,
  EVALUATION_BATCH_SIZE,
  type EvaluationBatchOptions,
  evaluationBatch,
  evaluationBatches,
  evaluationNoiseSeed,
  type TaskScheduleOptions,
  type TrainingSchedule,
  taskSchedule,
} from './learning-data.js';
export { loadSavedModel } from './load.js';
export type {
  EvaluationOptions,
  LearningBudget,
  LearningCurvePoint,
  LearnOptions,
  MultiTaskModel,
  ParameterCount,
  Perturbation,
  TaskEvaluation,
  TaskLearningRecord,
} from './model.js';
export { type EvaluatedNetwork, NetworkEvaluator } from './network-evaluator.js';
export {
  defineOptions,
  OPTION_KINDS,
  type OptionalShape,
  type OptionKind,
  type OptionSpec,
  type OptionSpecs,
  type OptionsDeclaration,
  type OptionsOf,
  type OptionValues,
  option,
} from './options.js';
export {
  inputNoiseStd,
  moduleLesionMask,
  PERTURBATION_KINDS,
  type PerturbBatchOptions,
  perturbBatch,
  perturbParameters,
  perturbRunOptions,
  silencingMask,
  validatePerturbation,
} from './perturb.js';
export { phaseSeconds, timePhase, WORK_PHASES, type WorkPhase } from './phases.js';
export {
  createRegistry,
  PLUGIN_ID_PATTERN,
  type Plugin,
  type PluginMeta,
  pluginProblems,
  type Registry,
  type RegistryOptions,
} from './registry.js';
export { scoreLabel, type TaskScoreEntry, taskScoreEntry, taskScores, YANG19_SCORE_LABEL } from './scores.js';
export { deriveSeed, SEED_PURPOSE, taskSeedKey } from './seeds.js';
export {
  type AnyStrategy,
  createStrategyRegistry,
  type GeneralisationVariant,
  LEARNING_SCHEDULES,
  type LearningSchedule,
  type ModelCreation,
  type Strategy,
  type StrategyContext,
  type StrategyInput,
  type StrategyMeta,
  type StrategyRegistry,
  strategyInput,
} from './strategy.js';
export { finishedTaskFolder, readFinishedTask, writeFinishedTask } from './task-checkpoint.js';
export {
  builtModuleUrl,
  createWorkerPool,
  runJobsInWorkers,
  type WorkerJob,
  type WorkerPool,
  type WorkerPoolOptions,
  type WorkerPoolSettings,
  workerExecArgv,
} from './workers.js';
