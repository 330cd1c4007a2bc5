export {
  type AnalysisTrialsOptions,
  analysisBatches,
  analysisNoiseSeed,
  analysisSeed,
  type StateAnalysesOptions,
  type StateDimensionality,
  stateAnalyses,
} from './analyse-model.js';
export {
  type AssembleModelOptions,
  assembleModel,
  generalisationEntry,
  meanLearningCurve,
  perTaskEntry,
  robustnessEntry,
  type SeedStages,
  type TrainingStage,
} from './assemble.js';
export {
  CLAIM_RULES,
  CLAIM_STATEMENTS,
  type ClaimInput,
  efficiencyOf,
  evaluateClaims,
  generalisationOf,
  meanAuc,
  sharedPerturbations,
} from './claims.js';
export { CovarianceAccumulator, symmetricEigenvalues } from './covariance.js';
export { mean, meanCurve, meanOrNull, normalisedAuc } from './curves.js';
export {
  componentsFor,
  cumulativeVarianceExplained,
  type Dimensionality,
  dimensionalityOf,
  dimensionalityOfEigenvalues,
  dimensionalityOfSamples,
  participationRatio,
  VARIANCE_THRESHOLD,
} from './dimensionality.js';
export { type ExampleTrial, exampleTrial } from './examples.js';
export {
  BUILTIN_PERTURBATIONS,
  createBuiltinPerturbationRegistry,
  createPerturbationRegistry,
  inputNoise,
  lesionedModules,
  magnitudeGridProblems,
  moduleLesion,
  PERTURBATION_ID_PATTERN,
  type PerturbationDefaults,
  type PerturbationMeta,
  type PerturbationRegistry,
  PerturbationRegistryError,
  type PerturbationRegistryErrorCode,
  type PerturbationSpec,
  type PerturbedModel,
  readoutNoise,
  recurrentWeightNoise,
  stateNoise,
  unitSilencing,
  validatePerturbationSpec,
} from './perturbations.js';
export {
  colourScale,
  exampleTrialSpec,
  generalisationSpec,
  learningCurvesSpec,
  MODEL_COLOURS,
  robustnessSpec,
  taskVarianceSpec,
  type VegaLiteSpec,
  varianceExplainedSpec,
} from './report/charts.js';
export { REPORT_HTML, REPORT_SECTIONS, type ReportOptions, renderReport, writeReport } from './report/render.js';
export { renderSvg } from './report/svg.js';
export {
  migrateResults,
  RESULTS_JSON,
  RESULTS_JSON_SCHEMA,
  RESULTS_MIGRATIONS,
  ResultsFileError,
  type ResultsMigration,
  readResults,
  validateResults,
  writeResults,
} from './results-file.js';
export {
  drawSeed,
  type PerturbationCurves,
  type PerturbationRun,
  type RobustnessOptions,
  resolvePerturbationRun,
  robustnessCurves,
  type TaskRobustness,
} from './robustness.js';
export {
  type Claim,
  type ClaimVerdict,
  type DimensionalityResults,
  type GeneralisationResults,
  type ModelResults,
  type PerTaskResults,
  type PerturbationInfo,
  RESULTS_FORMAT,
  RESULTS_SCHEMA_VERSION,
  type Results,
  type RobustnessResults,
  resultsSchema,
  type TaskVarianceResults,
} from './schema.js';
export {
  ACTIVE_UNIT_THRESHOLD,
  conditionGridBatch,
  normaliseTaskVariance,
  type TaskVariance,
  type TaskVarianceOptions,
  taskVariance,
  unitVarianceAcrossConditions,
} from './task-variance.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
