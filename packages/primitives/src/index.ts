/**
 * @molap/primitives: corpus statistics turned into latent primitives (MoLaP's functional bias).
 * Array layouts are row-major; `[T, B, C]` time-major batches are `[T·B, C]` matrices.
 */

export {
  assembleModules,
  BANK_STREAM,
  type BankCorpus,
  type BankLayout,
  bankLayout,
  bankNetworkConfig,
  createRandomModuleBank,
  DEFAULT_MODULE_ACTIVATION,
  DEFAULT_MODULE_RECURRENT_NOISE,
  DEFAULT_MODULE_SIZE,
  DEFAULT_RANDOM_BANK_MODULES,
  fitTaskToBank,
  initialModuleParameters,
  type ModuleBank,
  type ModuleBankKind,
  type ModuleDynamics,
  type ModuleInitOptions,
  type ModuleLog,
  moduleConfig,
  moduleParameters,
  moduleSeed,
  type OutputGroup,
  type RandomModuleBankOptions,
  ruleChannel,
  sensoryChannels,
  type TaskFit,
  validateLayout,
} from './bank.js';
export {
  BANK_JSON,
  BANK_MODULES_FOLDER,
  checkBankExtractor,
  type ExpectedExtractor,
  MODULE_BANK_FORMAT,
  MODULE_BANK_FORMAT_VERSION,
  type ModuleBankFiles,
  readModuleBankFiles,
  validateModuleBank,
} from './bank-document.js';
export { loadModuleBank, saveModuleBank } from './bank-file.js';
export { type BuildModuleBankOptions, buildModuleBank, DEFAULT_EXTRACTOR, extractorRecord } from './build-bank.js';
export {
  type CorpusSample,
  type CorpusTaskCount,
  type CorpusTaskOptions,
  DEFAULT_CORPUS_BATCH_SIZE,
  DEFAULT_CORPUS_TRIALS_PER_TASK,
  resolveCorpusTasks,
  type SampleCorpusOptions,
  sampleCorpus,
} from './corpus.js';
export {
  type BankSummary,
  describeModuleBank,
  type ModuleSummary,
  moduleParameterCount,
  summarizeModuleBank,
} from './describe-bank.js';
export {
  type AnyLatentExtractor,
  type BankLatents,
  type ExtractionInput,
  type ExtractorMeta,
  type ExtractorRecord,
  inferredExtractor,
  type LatentExtractor,
} from './extractor.js';
export { createExtractorRegistry, type ExtractorRegistry, validateExtractor } from './extractor-registry.js';
export {
  BUILTIN_EXTRACTORS,
  type CcaExtractorOptions,
  ccaExtractor,
  createLatentExtractorRegistry,
  DEFAULT_TEACHER_TRIALS_PER_TASK,
  type PcaExtractorOptions,
  pcaExtractor,
  type TeacherCcaExtractorOptions,
  type TeacherExtractorOptions,
  teacherCcaExtractor,
  teacherExtractor,
} from './extractors.js';
export {
  DEFAULT_ICA_MAX_ITERATIONS,
  DEFAULT_ICA_TOLERANCE,
  type FastIcaOptions,
  type FastIcaResult,
  fastIca,
  IcaConvergenceError,
} from './fastica.js';
export { checkModuleFits, MODULE_FIT_FLOOR, type ModuleFitFailure, modulesBelowFloor } from './fit-floor.js';
export { type HistoryOptions, historyFeatures, type TimeMajorSequence } from './history.js';
export {
  buildLatentPool,
  type LatentPool,
  type LatentPoolOptions,
  type PoolBatch,
  poolEntryAt,
  poolModuleBatch,
} from './latent-pool.js';
export {
  DEFAULT_LATENT_COUNT,
  DEFAULT_RANK_TOLERANCE,
  DEFAULT_REGULARIZATION,
  type ExtractLatentsOptions,
  extractLatents,
  LATENT_PRIMITIVES_VERSION,
  type LatentMethod,
  type LatentPrimitives,
  numericalRank,
} from './latents.js';
export {
  DEFAULT_LATENT_MASK_WEIGHTING,
  type LatentMaskWeighting,
  latentTargetsAndMask,
  moduleTrainingBatch,
} from './module-batches.js';
export {
  FitAccumulator,
  heldOutBatches,
  type ModuleTrainingContext,
  moduleCheckpointFolder,
  type PretrainProgress,
  type TrainedModule,
  trainModule,
} from './module-training.js';
export {
  corpusLayout,
  PretrainingAbortedError,
  type PretrainModulesOptions,
  type PretrainWorkerInput,
  pretrainModules,
  runPretrainWorker,
} from './pretrain.js';
export {
  DEFAULT_PRETRAINING,
  MODULE_TRAINING_OPTIONS,
  type ModuleTrainingOptions,
  PRETRAIN_PRESETS,
  type PretrainPresetName,
  resolveModuleTraining,
} from './pretrain-options.js';
export type { CorpusProvenance, LatentSample, NumericArray } from './sample.js';
export {
  explainedVariance,
  latentTargets,
  type ReconstructionMethod,
  type ReconstructionOptions,
  reconstructTargets,
} from './targets.js';
export {
  checkTeacher,
  HOW_TO_GET_A_TEACHER,
  loadTeacher,
  type Teacher,
  type TeacherFingerprint,
  teacherChecksum,
  teacherFingerprint,
} from './teacher.js';
export {
  isTeacherLatents,
  sampleTeacherStates,
  TEACHER_LATENTS_VERSION,
  type TeacherCcaOptions,
  type TeacherLatents,
  type TeacherPcaOptions,
  type TeacherRotation,
  type TeacherStateSample,
  teacherCanonicalLatents,
  teacherLatentValues,
  teacherModel,
  teacherPrincipalLatents,
  teacherStates,
} from './teacher-latents.js';
