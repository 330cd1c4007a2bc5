export * from './accounting.js';
export * from './evaluation.js';
export * from './learning.js';
export type * from './model.js';
export { createMolap, MOLAP_META, type MolapContext, MolapModel } from './molap.js';
export {
  loadMolap,
  MOLAP_BANK_FOLDER,
  MOLAP_JSON,
  MOLAP_SYSTEM_FORMAT,
  MOLAP_SYSTEM_FORMAT_VERSION,
  MOLAP_TASKS_FOLDER,
  saveMolapSystem,
} from './molap-file.js';
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
  taskNetworkParameters,
  trainableFlags,
} from './molap-network.js';
export {
  DEFAULT_MOLAP_OPTIONS,
  type MolapOptions,
  type ReadoutInit,
  type ReadoutSolver,
  resolveMolapOptions,
} from './molap-options.js';
export * from './perturb.js';
export { MOLAP_PRESETS, type MolapPreset, type MolapPresetName } from './presets.js';
export {
  DEFAULT_RIDGE_READOUT,
  ReadoutRegression,
  type RegressionBatch,
  type RidgeReadoutOptions,
} from './ridge-readout.js';
