/**
 * The browser entry of @molap/tasks (export condition `browser`): every export of `index.ts` except those of
 * the modules that need Node (`discovery.ts`, `npz-file.ts`, `open-catalog.ts`, `starter.ts`). Bundlers pick it for web pages; Node picks
 * `index.ts`. `test/browser.test.ts` pins the difference and checks that nothing here reaches a Node module.
 */

export { recycleBatch } from './batch-pool.js';
export {
  BUILTIN_TASKS_SOURCE,
  type CatalogReport,
  describeCatalog,
  listTasks,
  type TaskCatalog,
  type TaskListing,
} from './catalog.js';
export { closestName, editDistance, unknownNameProblem } from './closest-name.js';
export {
  angleField,
  booleanField,
  type ConditionField,
  type ConditionOf,
  type CrossFieldRule,
  conditionFields,
  numberField,
} from './condition-fields.js';
export { conditionGrid, ringDirections } from './condition-grid.js';
export {
  type ConformanceOptions,
  checkTaskConformance,
} from './conformance.js';
export { defineTask, type TaskDefinition, type TaskLayout, type TrialConditions } from './define-task.js';
export { detExp, detLog } from './det-math.js';
export { InvalidOptionError } from './errors.js';
export { type DescribeTaskOptions, describeTask, type TaskDescription, taskBatch } from './inspect.js';
export {
  FIXATION_THRESHOLD,
  maskedSquaredError,
  type Performance,
  performance,
  RESPONSE_TOLERANCE,
} from './metrics.js';
export { mixBatches } from './mix.js';
export { decodeNpy, encodeNpy, type NpyArray } from './npy.js';
export {
  batchToNpyArrays,
  decodeNpz,
  decodeNpzArrays,
  encodeNpz,
  type NpzOptions,
} from './npz.js';
export {
  angleOption,
  durationOption,
  listOption,
  type NumberRule,
  numberListOption,
  numberOption,
  probabilityOption,
} from './option-checks.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_DT,
  DEFAULT_INPUT_NOISE_SIGMA,
  DEFAULT_RING_SIZE,
  DEFAULT_TASK_OPTIONS,
  DEFAULT_TAU,
  resolveTaskOptions,
  type ScalarTaskOption,
  TASK_OPTION_SPECS,
  type TaskOptionSpec,
  taskOptionRule,
} from './options.js';
export { type PeriodTiming, resolveTiming } from './period-timing.js';
export {
  type PlotTrialOptions,
  plotTrial,
} from './plot.js';
export {
  duplicateIdMessage,
  invalidPluginMessage,
  type PluginMeta,
  type PluginMetaRules,
  pluginMetaProblems,
  REGISTRY_ERROR_CODES,
  type RegistryErrorCode,
  type RegistryMessage,
  SEMVER_PATTERN,
  unknownIdMessage,
} from './plugin-shape.js';
export {
  createTaskRegistry,
  type ListOptions,
  type RegisterOptions,
  type TaskRegistry,
  type TaskRegistryOptions,
} from './registry.js';
export {
  TaskRegistryError,
  type TaskRegistryErrorCode,
  type TaskRegistryErrorDetails,
} from './registry-error.js';
export {
  addStimulusBump,
  circularDistance,
  populationVector,
  RING_BUMP_PEAK,
  RING_BUMP_WIDTH,
  RING_TARGET_BASELINE,
  ringBump,
  ringPreferredDirections,
  TWO_PI,
  wrapAngle,
  writeRingTarget,
} from './ring.js';
export { createRng } from './rng.js';
export { composeRules, corpusTaskOptions, taskRule } from './rules.js';
export { createTaskSampler, type TaskSampler, type TaskSamplerOptions, YANG19_RULE_WEIGHTS } from './sampler.js';
export { type ResponseTimingOptions, responseTimingScore, type TaskScore, YANG19_SCORE } from './scores.js';
export { STARTER_TOOL_VERSIONS, type TaskPluginNames, taskPluginFiles } from './starter-files.js';
export {
  type Batch,
  type ChannelGroup,
  type ChannelLayout,
  type GenerationMode,
  type InputRole,
  type Rng,
  TASK_API_VERSION,
  type Task,
  type TaskMeta,
  type TaskOptions,
} from './task.js';
export { type TaskFactory, type TaskFactoryOptions, taskFactory } from './task-factory.js';
export { TASK_ID_PATTERN, validateTask } from './task-validation.js';
export {
  MAX_STIMULI_PER_TRIAL,
  msToStepsFloor,
  type Stimulus,
  type TrialBuilder,
  type TrialTiming,
} from './trial-builder.js';
export { type TrialLengthStats, type TrialLengthStatsOptions, trialLengthStats } from './trial-length.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
export type { DecisionCondition, DecisionPresentation } from './yang19/decision.js';
export { YANG19_LINK, YANG19_PAPER } from './yang19/define.js';
export type { GoCondition, GoTiming } from './yang19/go.js';
export { YANG19_TASKS, yang19 } from './yang19/index.js';
export { yang19Layout } from './yang19/layout.js';
export type { MatchingCondition, MatchKind } from './yang19/matching.js';
export {
  FIXATION_TARGET,
  MASK_FIXATION_FACTOR,
  MASK_GRACE_MS,
  MASK_PRE_RESPONSE,
  MASK_RESPONSE,
  TARGET_BASELINE,
} from './yang19/plan.js';
export { YANG19_RULES, type Yang19Rule } from './yang19/rules.js';
