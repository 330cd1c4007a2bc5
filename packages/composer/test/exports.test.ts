/**
 * The public surface of @molap/composer, pinned: adding, removing or renaming an export must change this list
 * too, so every change of the API is a deliberate one.
 */
import { expect, it } from 'vitest';
import { exportList, valueExports } from '../../../tools/export-list.js';

const EXPORTS = [
  'createMolap',
  'DEFAULT_MOLAP_OPTIONS',
  'DEFAULT_RIDGE_READOUT',
  'initialTaskWeights',
  'loadMolap',
  'MODULAR_TAG',
  'molap',
  'MOLAP_BANK_FOLDER',
  'MOLAP_META',
  'MOLAP_OPTIONS',
  'MOLAP_PRESETS',
  'MOLAP_STRATEGIES',
  'MOLAP_TASKS_FOLDER',
  'MOLAP_TRAINABLE_MODES',
  'type MolapContext',
  'MolapModel',
  'molapNetworkConfig',
  'type MolapOptions',
  'type MolapPreset',
  'type MolapPresetName',
  'type MolapTrainable',
  'type NewTaskContext',
  'PRETRAINED_BANK_INPUT',
  'pretrainedSensoryWeights',
  'RANDOM_BANK_INPUT',
  'randomModules',
  'type ReadoutInit',
  'ReadoutRegression',
  'type ReadoutSolver',
  'type RegressionBatch',
  'resolveMolapOptions',
  'type RidgeReadoutOptions',
  'sensoryBatch',
  'taskContext',
  'type TaskWeights',
  'trainableFlags',
];

it('exports exactly its public surface', async () => {
  expect(exportList(new URL('../src/index.ts', import.meta.url))).toEqual(EXPORTS);
  expect(Object.keys(await import('../src/index.js')).sort()).toEqual(valueExports(EXPORTS));
});
