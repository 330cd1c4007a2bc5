/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { expect, it } from 'vitest';
import { browserEntryDifference, nodeImportsOf } from '../../../tools/browser-entry.js';

/** Exports that read or write files (models, checkpoints, layers exports), run worker threads, or choose an engine among them: Node only. */
const NODE_ONLY = [
  'CHECKPOINT_FORMAT',
  'CHECKPOINT_FORMAT_VERSION',
  'checkpointFolderName',
  'createEngine',
  'type CreateEngineOptions',
  'createModelFromFile',
  'DEFAULT_CHECKPOINTS_KEPT',
  'DEFAULT_ENGINE',
  'deriveNoiseSeed',
  'describeEngineSelection',
  'ENGINE_ENV',
  'ENGINE_KINDS',
  'type EngineAttempt',
  'type EngineKind',
  'type EngineSelection',
  'EngineUnavailableError',
  'EXPORTED_READOUT_LAYER',
  'EXPORTED_RNN_LAYER',
  'exportLayersModel',
  'LATEST_JSON',
  'LAYERS_MODEL_JSON',
  'LAYERS_WEIGHTS_BIN',
  'type LayersExportOptions',
  'type LayersModelArtifacts',
  'type LayersWeightSpec',
  'loadModel',
  'readLatestCheckpoint',
  'saveModel',
  'type SelectedEngine',
  'type SettingSource',
  'snapshotModel',
  'type StepContext',
  'TFJS_BACKEND_ENV',
  'toLayersModelArtifacts',
  'train',
  'type TrainCheckpointOptions',
  'TrainingDivergedError',
  'type TrainOptions',
  'type TrainResult',
  'writeCheckpoint',
  'type WriteCheckpointOptions',
  'writeFileAtomic',
];

it('exports everything but the Node-only names', () => {
  expect(browserEntryDifference(new URL('../src/', import.meta.url))).toEqual({ nodeOnly: NODE_ONLY, browserOnly: [] });
});

it('reaches no Node built-in', () => {
  expect(nodeImportsOf(new URL('../src/browser.ts', import.meta.url))).toEqual([]);
});

it('runs the native engine on one thread, and refuses more with a hint', async () => {
  const { createNativeEngine } = await import('../src/browser.js');
  const engine = await createNativeEngine();
  expect(engine.threads).toBe(1);
  await engine.dispose();
  await expect(createNativeEngine({ threads: 2 })).rejects.toThrow(/one thread in a browser for now; pass threads: 1/);
});
