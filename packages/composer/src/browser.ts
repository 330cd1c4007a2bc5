/**
 * The browser entry of @molap/composer (export condition `browser`): every export of `index.ts` except those
 * of the modules that need Node: `MolapModel` and `createMolap` (`molap.ts`: learning with checkpoint
 * folders), `loadMolap` (`molap-file.ts`) and the strategies built on them (`strategies.ts`). What assembles a
 * task's MoLaP network stays: `molapNetworkConfig`, `initialTaskWeights`, `trainableFlags`, `sensoryBatch`,
 * the options and presets, and the ridge readout; the playground trains MoLaP live with them. Bundlers pick
 * this entry for web pages; Node picks `index.ts`. `test/browser.test.ts` pins the difference and checks
 * that nothing here reaches a Node module.
 */
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
