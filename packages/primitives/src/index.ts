/**
 * @molap/primitives: corpus statistics turned into latent primitives (MoLaP's functional bias).
 * Array layouts are row-major; `[T, B, C]` time-major batches are `[T·B, C]` matrices.
 */

export {
  type CorpusSample,
  type CorpusTaskCount,
  type CorpusTaskOptions,
  DEFAULT_CORPUS_BATCH_SIZE,
  DEFAULT_CORPUS_TRIALS_PER_TASK,
  type SampleCorpusOptions,
  sampleCorpus,
} from './corpus.js';
export { type HistoryOptions, historyFeatures, type TimeMajorSequence } from './history.js';
export {
  DEFAULT_LATENT_COUNT,
  DEFAULT_RANK_TOLERANCE,
  DEFAULT_REGULARIZATION,
  type ExtractLatentsOptions,
  extractLatents,
  LATENT_PRIMITIVES_VERSION,
  type LatentMethod,
  type LatentPrimitives,
} from './latents.js';
export type { CorpusProvenance, LatentSample, NumericArray } from './sample.js';
export {
  explainedVariance,
  latentTargets,
  type ReconstructionMethod,
  type ReconstructionOptions,
  reconstructTargets,
} from './targets.js';
