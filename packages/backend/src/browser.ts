/**
 * The browser entry of @molap/backend (export condition `browser`): every export of `index.ts` except those
 * of the modules that need Node (`checkpoint.ts`, `layers-export.ts`, `model-file.ts`, `select.ts`,
 * `trainer.ts`; the decoding of model files, `model-document.ts`, is here), and `createNativeEngine` from `native/browser-engine.ts` (one thread) instead of
 * `native/engine.ts` (Node worker threads). Bundlers pick it for web pages; Node picks `index.ts`.
 * `test/browser.test.ts` pins the difference and checks that nothing here reaches a Node module.
 */

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
export { createNativeEngine, type NativeEngine, type NativeEngineOptions } from './native/browser-engine.js';
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
  type BackendAttempt,
  type LoadedTfjsBackend,
  loadTfjsBackend,
  TFJS_BACKEND_ORDER,
  type TfjsBackendName,
  TfjsBackendUnavailableError,
} from './tfjs/backends.js';
export { createTfjsEngine, TfjsEngine, type TfjsEngineOptions } from './tfjs/engine.js';
export { TfjsModel } from './tfjs/model.js';
