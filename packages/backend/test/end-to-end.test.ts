import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  createEngine,
  createModelFromFile,
  exportLayersModel,
  initRnnParameters,
  loadModel,
  type RnnConfig,
  saveModel,
  snapshotModel,
  train,
} from '../src/index.js';
import { randomBatch } from './fixtures.js';

it('runs the README flow: select an engine, initialise, train with checkpoints, save, load, export', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'molap-readme-'));
  try {
    const config: RnnConfig = {
      inputSize: 4,
      hiddenSize: 8,
      outputSize: 3,
      activation: 'softplus',
      outputActivation: 'sigmoid',
      alpha: 0.2,
      recurrentNoise: 0.05,
    };
    const engine = await createEngine({ engine: 'tfjs', tfjsBackend: 'cpu' });
    const model = engine.createModel({ config, parameters: initRnnParameters(config, { seed: 1 }) });
    const makeBatch = (step: number) => randomBatch(config, 6, 4, step);
    const result = await train({
      model,
      steps: 6,
      seed: 1,
      nextBatch: (step) => makeBatch(step),
      checkpoint: { dir: join(dir, 'checkpoints'), every: 3 },
    });
    expect(result.endStep).toBe(6);
    await saveModel(join(dir, 'model'), snapshotModel(model, { metadata: { task: 'dm1' } }));
    const reloaded = createModelFromFile(engine, await loadModel(join(dir, 'model')));
    expect(reloaded.getParameters()).toEqual(model.getParameters());
    await exportLayersModel(join(dir, 'tfjs'), { config, parameters: reloaded.getParameters() });
    expect((await readdir(join(dir, 'tfjs'))).sort()).toEqual(['model.json', 'weights.bin']);
    await engine.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
