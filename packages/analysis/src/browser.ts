/**
 * The browser entry of @molap/analysis (export condition `browser`): every export of `index.ts` except those
 * of the modules that need Node (`report/write.ts`, `results-file.ts`). Bundlers pick it for web pages; Node
 * picks `index.ts`. `test/browser.test.ts` pins the difference and checks that nothing here reaches a Node
 * module.
 */
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
  type EndOfCorpusEvaluation,
  type SeedStages,
  type TrainingStage,
} from './assemble.js';
export {
  BOOTSTRAP_RESAMPLES,
  BOOTSTRAP_SEED,
  type BootstrapOptions,
  bootstrapMean,
  excludesZero,
  INTERVAL_LEVEL,
  type Interval,
} from './bootstrap.js';
export { CLAIM_RULES, CLAIM_STATEMENTS, type ClaimInput, evaluateClaims } from './claims.js';
export { CovarianceAccumulator, symmetricEigenvalues } from './covariance.js';
export { mean, normalisedAuc, relativeAuc, relativeCurve } from './curves.js';
export {
  componentsFor,
  cumulativeVarianceExplained,
  type Dimensionality,
  dimensionalityOf,
  dimensionalityOfSamples,
  participationRatio,
  VARIANCE_THRESHOLD,
} from './dimensionality.js';
export { type ExampleTrial, exampleTrial } from './examples.js';
export {
  describeFailedSeed,
  FAILED_SEED_MIN_BEST,
  FAILED_SEED_RATIO,
  type FailedSeed,
  failedSeeds,
} from './failed-seeds.js';
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
  type PerturbationSpec,
  type PerturbedModel,
  readoutNoise,
  recurrentWeightNoise,
  stateNoise,
  unitSilencing,
} from './perturbations.js';
export {
  exampleTrialSpec,
  generalisationSpec,
  learningCurvesSpec,
  robustnessSpec,
  taskVarianceSpec,
  type VegaLiteSpec,
  varianceExplainedSpec,
} from './report/charts.js';
export {
  comparisonVerdict,
  REPORT_HTML,
  REPORT_SECTIONS,
  type ReportOptions,
  renderReport,
} from './report/render.js';
export { renderSvg } from './report/svg.js';
export {
  crossCheckClaims,
  migrateResults,
  parseResults,
  RESULTS_JSON,
  RESULTS_JSON_SCHEMA,
  ResultsFileError,
  type ResultsFileErrorDetails,
  validateResults,
} from './results-document.js';
export {
  type PerturbationCurves,
  type PerturbationRun,
  type RobustnessOptions,
  resolvePerturbationRun,
  robustnessCurves,
  type TaskRobustness,
} from './robustness.js';
export {
  type Claim,
  type ClaimComparison,
  type ClaimVerdict,
  type DimensionalityResults,
  type GeneralisationResults,
  type IntervalResults,
  type ModelResults,
  type PerTaskResults,
  type PerturbationInfo,
  RESULTS_FORMAT,
  RESULTS_SCHEMA_VERSION,
  type Results,
  type RobustnessResults,
  resultsSchema,
  type TaskScoreResults,
  type TaskVarianceResults,
} from './schema.js';
export { scoreLabel, taskScoreEntry, taskScores, YANG19_SCORE_LABEL } from './scores.js';
export { ACTIVE_UNIT_THRESHOLD, type TaskVariance, type TaskVarianceOptions, taskVariance } from './task-variance.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
