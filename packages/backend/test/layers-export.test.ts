import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activation } from '../src/engine.js';
import { exportLayersModel, toLayersModelArtifacts } from '../src/layers-export.js';
import { referenceForward } from '../src/reference.js';
import { loadTfjsBackend } from '../src/tfjs/backends.js';
import { randomBatch, randomParameters, relativeError, smallConfig } from './fixtures.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-layers-export-'));
  await loadTfjsBackend('cpu');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Loads an exported folder like tfjs-node's file:// handler: model.json, then the files of its manifest. */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const [group] = json.weightsManifest;
      const buffers = await Promise.all(group.paths.map((path: string) => readFile(join(dir, path))));
      const bytes = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/** [T, B, C] time-major → [B, T, C] batch-major. */
function batchMajor(values: ArrayLike<number>, steps: number, batchSize: number, channels: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let t = 0; t < steps; t++)
    for (let b = 0; b < batchSize; b++)
      for (let c = 0; c < channels; c++)
        out[(b * steps + t) * channels + c] = values[(t * batchSize + b) * channels + c];
  return out;
}

describe('export to a tfjs LayersModel', () => {
  const cases: { activation: Activation; modules?: number[]; linear: boolean }[] = [
    { activation: 'softplus', linear: false },
    { activation: 'relu', modules: [2, 3], linear: false },
    { activation: 'tanh', modules: [1, 4], linear: true },
  ];
  it.each(cases)(
    'tf.loadLayersModel loads it and reproduces the outputs (%o)',
    async ({ activation, modules, linear }) => {
      const config = smallConfig({
        activation,
        modules,
        recurrentNoise: 0.05,
        outputActivation: linear ? 'linear' : 'sigmoid',
      });
      const parameters = randomParameters(config, 5);
      const dir = join(root, `${activation}-${modules ? 'modules' : 'dense'}`);
      await exportLayersModel(dir, { config, parameters }, { metadata: { task: 'go' } });
      const loaded = await tfl.loadLayersModel(folderHandler(dir));
      const steps = 7;
      const batchSize = 3;
      const batch = randomBatch(config, steps, batchSize, 6);
      const input = tf.tensor3d(batchMajor(batch.inputs, steps, batchSize, config.inputSize), [
        batchSize,
        steps,
        config.inputSize,
      ]);
      const prediction = loaded.predict(input) as tf.Tensor;
      expect(prediction.shape).toEqual([batchSize, steps, config.outputSize]);
      const expected = referenceForward(config, parameters, batch); // no noise, as the export
      const actual = await prediction.data();
      expect(relativeError(actual, batchMajor(expected.outputs, steps, batchSize, config.outputSize))).toBeLessThan(
        1e-5,
      );
      tf.dispose([input, prediction]);
      loaded.dispose();
    },
  );

  it('writes the tfjs model.json format with a weights manifest and molap metadata', async () => {
    const config = smallConfig();
    const dir = join(root, 'format');
    await exportLayersModel(dir, { config, parameters: randomParameters(config, 1) }, { steps: 10 });
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.config.layers.map((layer: { class_name: string }) => layer.class_name)).toEqual([
      'GRU',
      'Dense',
    ]);
    expect(json.modelTopology.config.layers[0].config.batch_input_shape).toEqual([null, 10, 3]);
    expect(json.weightsManifest[0]).toEqual({
      paths: ['weights.bin'],
      weights: [
        { name: 'leaky_rnn/kernel', shape: [3, 15], dtype: 'float32' },
        { name: 'leaky_rnn/recurrent_kernel', shape: [5, 15], dtype: 'float32' },
        { name: 'leaky_rnn/bias', shape: [15], dtype: 'float32' },
        { name: 'readout/kernel', shape: [5, 2], dtype: 'float32' },
        { name: 'readout/bias', shape: [2], dtype: 'float32' },
      ],
    });
    expect((await readFile(join(dir, 'weights.bin'))).byteLength).toBe(4 * (45 + 75 + 15 + 10 + 2));
    expect(json.userDefinedMetadata.molap.config).toEqual(config);
  });

  it('checks its input', () => {
    const config = smallConfig();
    const parameters = randomParameters(config, 1);
    expect(() =>
      toLayersModelArtifacts({ config, parameters: { ...parameters, outputBias: new Float32Array(3) } }),
    ).toThrow(/outputBias has 3 elements/);
    expect(() => toLayersModelArtifacts({ config, parameters }, { steps: 0 })).toThrow(
      /steps must be a positive integer/,
    );
  });
});
