/**
 * @molap/composer: MoLaP networks assembled from a module bank of @molap/primitives, with per-task weights
 * learned around the frozen modules; `molap` and `random-modules` as strategies of @molap/core.
 */
export { createMolap, type MolapContext, MolapModel } from './molap.js';
export { loadMolap, MOLAP_BANK_FOLDER, MOLAP_TASKS_FOLDER } from './molap-file.js';
export {
  initialTaskWeights,
  MOLAP_TRAINABLE_MODES,
  type MolapTrainable,
  molapNetworkConfig,
  type NewTaskContext,
  pretrainedSensoryWeights,
  sensoryBatch,
  type TaskWeights,
  taskContext,
  trainableFlags,
} from './molap-network.js';
export {
  DEFAULT_MOLAP_OPTIONS,
  MOLAP_OPTIONS,
  type MolapOptions,
  type ReadoutInit,
  type ReadoutSolver,
  resolveMolapOptions,
} from './molap-options.js';
export { MOLAP_PRESETS, type MolapPreset, type MolapPresetName } from './presets.js';
export {
  DEFAULT_RIDGE_READOUT,
  ReadoutRegression,
  type RegressionBatch,
  type RidgeReadoutOptions,
} from './ridge-readout.js';
export {
  MODULAR_TAG,
  MOLAP_META,
  MOLAP_STRATEGIES,
  molap,
  PRETRAINED_BANK_INPUT,
  RANDOM_BANK_INPUT,
  randomModules,
} from './strategies.js';
