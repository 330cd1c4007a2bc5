export {
  type CliIo,
  type CommandInput,
  type CommandSpec,
  commonOptions,
  defineCommand,
  outputOptions,
  projectOptions,
} from './command.js';
export { CONFIG_FILE_NAME, ENGINE_KINDS, PATH_KEYS, TFJS_BACKENDS } from './config/constants.js';
export { type FlagValue, type LoadConfigOptions, type LoadedConfig, loadConfig, mergeLayers } from './config/load.js';
export {
  type BudgetConfig,
  type MolapConfig,
  type MolapConfigFile,
  molapConfigSchema,
  presetSchema,
  RUN_PRESET_NAMES,
  type RunConfig,
  type RunPresetName,
  type StrategySpecConfig,
} from './config/schema.js';
export { CommandError, ExitCode, UsageError } from './errors.js';
export { COMMANDS, main, versionLine } from './main.js';
export { flag, type OptionSpec, type OptionSpecs, type ParsedOptions, parseCommandLine } from './options.js';
export { createProgress, type Progress, type ProgressMode, progressMode } from './progress.js';
export { findProject, findTask, loadTaskCatalog, type Project, type TaskCatalog } from './project.js';
export { formatSeconds, RunClock, stageCosts } from './run/eta.js';
export {
  createRunFolder,
  lockRunFolder,
  RUN_FORMAT,
  RUN_FORMAT_VERSION,
  type RunRecord,
  readRunRecord,
  runPaths,
} from './run/folder.js';
export { type RunEvent, type RunOutput, type RunPipelineOptions, runPipeline } from './run/pipeline.js';
export { type PlanContext, type PlannedBudget, type PlannedModel, planRun, type RunPlan } from './run/plan.js';
export { DEFAULT_RUN_PRESET, RUN_PRESETS, type RunSettings } from './run/presets.js';
export { formatSummary, type ModelSummary, summariseModels } from './run/summary.js';
export { PACKAGE_VERSION } from './version.js';
