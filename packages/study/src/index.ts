/**
 * @molap/study: a whole MoLaP study as a library call. `loadConfig` reads `molap.config.json` (a preset of it,
 * values over it); `planStudy` checks a config and turns it into a plain-JSON plan; `runStudy` runs it in a run folder:
 * pre-train the module banks, learn the corpus with every model, perturb, generalise, measure, and write
 * results.json and report.html, resuming from what an interrupted session left.
 */

export { type BankBuild, type BankEvent, type BankStep, buildPretrainedBank, randomModuleBank } from './banks.js';
export { type ClaimOptions, claimCheckpoints, IDENTITY_JSON, identityDifferences } from './checkpoint-identity.js';
export {
  type BudgetConfig,
  backendSchema,
  bankSchema,
  budgetSchema,
  compareSchema,
  DEFAULT_BUDGET_PRESET,
  DEFAULT_COMPARE_SEEDS,
  ENGINE_KINDS,
  type MolapConfig,
  type MolapConfigFile,
  mergeLayers,
  molapConfigSchema,
  molapOptionsSchema,
  networkSchema,
  perturbationRunSchema,
  presetSchema,
  RUN_PRESET_NAMES,
  type RunConfig,
  type RunPresetName,
  runSchema,
  type StrategySpecConfig,
  strategySpecSchema,
  TFJS_BACKENDS,
  taskOptionsSchema,
  tasksSchema,
} from './config.js';
export {
  CONFIG_FILE_NAME,
  type ConfigFlagValue,
  checkConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from './config-file.js';
export { checkEngineEnvironment } from './environment.js';
export {
  type CostInputs,
  costInputs,
  ESTIMATE_WORKERS,
  estimateRun,
  type JobEstimate,
  type RunEstimate,
  scheduleSeconds,
  WORK_PER_SECOND,
} from './estimate.js';
export {
  type BankShape,
  formatSeconds,
  RunClock,
  type StageCost,
  type SuiteSize,
  stageCosts,
  stageKey,
} from './eta.js';
export type { StageEvent, StudyEvent, StudyStageName } from './events.js';
export {
  type ExecutionContext,
  type ExecutorEvent,
  failedJobsError,
  type JobRunner,
  localExecutor,
  type StudyExecutor,
} from './executor.js';
export { DIVERGED_CODE, describeJob, jobFailure } from './failures.js';
export {
  createRunFolder,
  EXAMPLE_TRIALS_JSON,
  lockRunFolder,
  RUN_FORMAT,
  RUN_FORMAT_VERSION,
  RUN_JSON,
  RUN_LOCK,
  type RunRecord,
  readRunRecord,
  runPaths,
  timestamp,
} from './folder.js';
export { BANK_FOLDER, type JobFolders, type JobRunContext, MODEL_FOLDER, runStudyJob } from './job-runner.js';
export { type JobOutput, JobStore, type StoredJobOutputs } from './job-store.js';
export { type JobKind, type Json, jobId, OWN_WAY, type StudyJob, studyJobs } from './jobs.js';
export {
  assembleFinishedModels,
  type PartialResultsOptions,
  type PartialStudyResults,
} from './partial-results.js';
export {
  basePreset,
  findTask,
  type PlanContext,
  type PlannedBank,
  type PlannedBudget,
  type PlannedModel,
  planStudy,
  runSettings,
  type StudyPlan,
} from './plan.js';
export {
  ALL_MODELS,
  BUILTIN_PERTURBATION_IDS,
  DEFAULT_RUN_PRESET,
  DEFAULT_RUNS_FOLDER,
  HELD_OUT_TASKS,
  NINE_TASK_CORPUS,
  PAPER_MODELS,
  RUN_PRESETS,
  type RunSettings,
} from './presets.js';
export { resolveStudyRegistries, type StudyRegistries } from './registries.js';
export {
  type BatchEstimate,
  capAtCores,
  checkExportSize,
  checkResources,
  EXPORT_FORCE_BYTES,
  estimateBatch,
  estimateResources,
  formatBytes,
  longestTrialSteps,
  memoryLimit,
  parseByteSize,
  type ResourceInput,
  type ResourceItem,
  type ResourcePlan,
} from './resources.js';
export { assembleResults, type StudyResults } from './results.js';
export { type RunStudyOptions, runStudy, type StudyOutput } from './run-study.js';
export {
  checkResumedEngine,
  fitToMachine,
  type MachineFit,
  resumedBackend,
  type StartRunOptions,
  startRunFolder,
} from './session.js';
export { createBuiltinStageRegistry, STUDY_STAGES } from './stages/index.js';
export { type PlanRobustnessOptions, planRobustnessCurves } from './stages/robustness.js';
export {
  type AnalysisSwitch,
  createStageRegistry,
  type StageContext,
  type StageRegistry,
  type StudyStage,
} from './stages/stage.js';
export {
  DEFAULT_LEARN_MODEL,
  type LearnedModel,
  type LearnModelOptions,
  learningCheckpoints,
  learnModelInto,
  type PerturbSavedModelOptions,
  type PretrainBankOptions,
  perturbSavedModel,
  pretrainBankInto,
  pretrainingCheckpoints,
  type SavedModelRobustness,
  type StandaloneOptions,
} from './standalone.js';
export { createBuiltinStrategyRegistry } from './strategies.js';
export { type ModelSummary, type StudySummary, summariseModels, summariseStudy } from './summary.js';
export {
  createThreadExecutor,
  type LocalJobs,
  localJobs,
  runStudyJobInThread,
  THREADS_PER_DEFAULT_JOB,
  type ThreadExecutorOptions,
  type ThreadJobInput,
  type ThreadJobResult,
  withThreadBudget,
} from './thread-executor.js';
export { firstPretrainedModel, STUDY_INPUTS, type StrategyTraits, strategyTraits } from './traits.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
