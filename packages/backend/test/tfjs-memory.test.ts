import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsEngine } from '../src/tfjs/engine.js';
import { randomBatch, randomParameters, smallConfig } from './fixtures.js';

describe('tfjs engine memory', () => {
  it('keeps tf.memory().numTensors constant over 1,000 training steps and every kind of pass', async () => {
    const engine = await createTfjsEngine({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const config = smallConfig({ hiddenSize: 4, modules: [2, 2], recurrentNoise: 0.05 });
    const model = engine.createModel({
      config,
      parameters: randomParameters(config, 1),
      clipping: { kind: 'norm', maxNorm: 1 },
    });
    const batch = randomBatch(config, 4, 2, 2);
    const extraGradients = { outputBias: new Float32Array(2).fill(0.1) };
    await model.trainStep(batch, { noiseSeed: 0 });
    const afterFirstStep = tf.memory().numTensors;
    for (let step = 1; step < 1000; step++) {
      await model.trainStep(batch, { noiseSeed: step, ...(step % 2 ? { extraGradients } : {}) });
    }
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    await model.forward(batch, { noiseSeed: 1, keepStates: true, unitMask: new Float32Array([1, 0, 1, 1]) });
    await model.gradients(batch, { noiseScale: 0 });
    model.setParameters(model.getParameters());
    model.setOptimizerState(model.getOptimizerState());
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    await expect(model.forward({ ...batch, inputs: new Float32Array(1) })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await engine.dispose();
  });

  it('releases every model of an engine on engine.dispose()', async () => {
    const engine = await createTfjsEngine({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const config = smallConfig();
    for (let i = 0; i < 3; i++) engine.createModel({ config, parameters: randomParameters(config, i) });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    await engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
