export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  checkpointFolderName,
  DEFAULT_CHECKPOINTS_KEPT,
  LATEST_JSON,
  readLatestCheckpoint,
  type WriteCheckpointOptions,
  writeCheckpoint,
} from './checkpoint.js';
export {
  checkDocument,
  type DocumentFormat,
  type DocumentMigration,
  type FileErrorDetails,
  ModelFileError,
  parseJsonDocument,
} from './document.js';
export {
  type Activation,
  type AdamOptions,
  type Engine,
  type EngineModel,
  type ForwardResult,
  type GradientClipping,
  type ModelOptions,
  type NoiseTrials,
  type OptimizerState,
  type OutputActivation,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
  type RunOptions,
  type TrainableFlags,
  type TrainingBatch,
} from './engine.js';
export { EVENT_LOOP_TURN_MS, giveEventLoopTurn } from './event-loop.js';
export {
  DEFAULT_INPUT_SCALE,
  DEFAULT_RECURRENT_INIT,
  DEFAULT_RECURRENT_SCALE,
  gaussianFanIn,
  glorotUniform,
  initRnnParameters,
  type RecurrentInit,
  type RnnInitOptions,
  randomOrthogonal,
  scaledIdentity,
} from './init.js';
export { parseJsonText } from './json-text.js';
export {
  EXPORTED_READOUT_LAYER,
  EXPORTED_RNN_LAYER,
  exportLayersModel,
  LAYERS_MODEL_JSON,
  LAYERS_WEIGHTS_BIN,
  type LayersExportOptions,
  type LayersModelArtifacts,
  type LayersWeightSpec,
  toLayersModelArtifacts,
} from './layers-export.js';
export {
  decodeModel,
  type JsonValue,
  type LoadedModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  type ModelFiles,
  type ModelSnapshot,
  readModelFiles,
  sha256Hex,
  WEIGHTS_BIN,
} from './model-document.js';
export { createModelFromFile, loadModel, saveModel, snapshotModel, writeFileAtomic } from './model-file.js';
export {
  DEFAULT_ADAM,
  DEFAULT_CLIPPING,
  moduleMask,
  parameterShapes,
  parameterSizes,
  type ResolvedModelOptions,
  recurrentNoiseStd,
  resolveModelOptions,
  resolveNoiseTrials,
  trainableNames,
  validateBatch,
  validateConfig,
  validateExtraGradients,
  validateOptimizerState,
  validateParameterRecord,
  validateUnitMask,
} from './model-options.js';
export { createNativeEngine, type NativeEngine, type NativeEngineOptions } from './native/engine.js';
export { fillNoise, noiseIndex, noiseSample } from './noise.js';
export {
  createRandom,
  type SeededRandom,
} from './random.js';
export {
  type Float64Parameters,
  type ReferenceAdamState,
  type ReferenceForwardResult,
  type ReferenceParameters,
  type ReferenceRunOptions,
  type ReferenceTrainStepOptions,
  referenceAdamUpdate,
  referenceClip,
  referenceForward,
  referenceGradients,
  referenceTrainStep,
} from './reference.js';
export {
  type CreateEngineOptions,
  createEngine,
  DEFAULT_ENGINE,
  describeEngineSelection,
  ENGINE_ENV,
  ENGINE_KINDS,
  type EngineAttempt,
  type EngineKind,
  type EngineSelection,
  EngineUnavailableError,
  type SelectedEngine,
  type SettingSource,
  TFJS_BACKEND_ENV,
} from './select.js';
export {
  type BackendAttempt,
  type LoadedTfjsBackend,
  loadTfjsBackend,
  TFJS_BACKEND_ORDER,
  type TfjsBackendName,
  TfjsBackendUnavailableError,
} from './tfjs/backends.js';
export { createTfjsEngine, TfjsEngine, type TfjsEngineOptions } from './tfjs/engine.js';
export { TfjsModel } from './tfjs/model.js';
export {
  deriveNoiseSeed,
  type StepContext,
  type TrainCheckpointOptions,
  TrainingDivergedError,
  type TrainOptions,
  type TrainResult,
  train,
} from './trainer.js';
