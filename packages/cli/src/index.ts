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
  type StrategySpecConfig,
} from './config/schema.js';
export { CommandError, ExitCode, UsageError } from './errors.js';
export { COMMANDS, main, versionLine } from './main.js';
export { flag, type OptionSpec, type OptionSpecs, type ParsedOptions, parseCommandLine } from './options.js';
export { createProgress, type Progress, type ProgressMode, progressMode } from './progress.js';
export { findProject, findTask, loadTaskCatalog, type Project, type TaskCatalog } from './project.js';
export { PACKAGE_VERSION } from './version.js';
