/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('the native engine of the browser entry', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('runs on one thread by default', async () => {
    const { createNativeEngine } = await import('../src/browser.js');
    const engine = await createNativeEngine();
    expect(engine.threads).toBe(1);
    await engine.dispose();
  });

  // The threads themselves run in Chromium: apps/playground/test/playground.test.ts.
  it('refuses more threads where they cannot run, saying what is missing and what to do', async () => {
    const { createNativeEngine } = await import('../src/browser.js');
    vi.stubGlobal('crossOriginIsolated', false);
    await expect(createNativeEngine({ threads: 2 })).rejects.toMatchObject({
      code: 'invalid-option',
      problem:
        'threads: 2 cannot run here: the page is not cross-origin isolated, so it has no shared memory for threads',
      hint: expect.stringMatching(
        /Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/,
      ),
    });
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('Worker', undefined);
    await expect(createNativeEngine({ threads: 2 })).rejects.toThrow(/cannot start Web Workers/);
    vi.stubGlobal('Worker', class {});
    vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    await expect(createNativeEngine({ threads: 2 })).rejects.toMatchObject({
      problem: expect.stringMatching(/a page's main thread may not/),
      hint: expect.stringMatching(/inside a Web Worker/),
    });
  });
});
