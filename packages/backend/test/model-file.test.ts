import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../src/document.js';
import { PARAMETER_NAMES } from '../src/engine.js';
import { MODEL_FORMAT_VERSION, type ModelSnapshot, readModelFiles } from '../src/model-document.js';
import { createModelFromFile, loadModel, saveModel, snapshotModel } from '../src/model-file.js';
import { createTfjsEngine, type TfjsEngine } from '../src/tfjs/engine.js';
import { randomBatch, randomParameters, smallConfig } from './fixtures.js';

let root: string;
let engine: TfjsEngine;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-model-file-'));
  engine = await createTfjsEngine({ backend: 'cpu' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await engine.dispose();
});

const config = smallConfig({ modules: [2, 3], recurrentNoise: 0.05 });
const trainable = {
  inputWeights: true,
  recurrentWeights: false,
  recurrentBias: false,
  outputWeights: true,
  outputBias: true,
};

async function trainedSnapshot(seed = 3): Promise<ModelSnapshot> {
  const model = engine.createModel({
    config,
    parameters: randomParameters(config, seed),
    trainable,
    adam: { learningRate: 0.01 },
  });
  for (let step = 0; step < 3; step++) await model.trainStep(randomBatch(config, 4, 2, step), { noiseSeed: step });
  const snapshot = snapshotModel(model, {
    adam: { learningRate: 0.01 },
    clipping: { kind: 'norm', maxNorm: 2 },
    includeOptimizer: true,
    trainingStep: 3,
    metadata: { task: 'go', seeds: [1, 2], nested: { ok: true } },
  });
  model.dispose();
  return snapshot;
}

describe('saveModel / loadModel', () => {
  it('round-trips config, parameters, flags, hyper-parameters, optimizer state and metadata', async () => {
    const snapshot = await trainedSnapshot();
    const dir = join(root, 'round-trip');
    await saveModel(dir, snapshot);
    const loaded = await loadModel(dir);
    expect(loaded.formatVersion).toBe(MODEL_FORMAT_VERSION);
    expect(loaded.config).toEqual(config);
    expect(loaded.trainable).toEqual(trainable);
    for (const name of PARAMETER_NAMES) expect(loaded.parameters[name]).toEqual(snapshot.parameters[name]);
    expect(loaded.optimizerState).toEqual(snapshot.optimizerState);
    expect(loaded.adam).toEqual({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(loaded.clipping).toEqual({ kind: 'norm', maxNorm: 2 });
    expect(loaded.trainingStep).toBe(3);
    expect(loaded.metadata).toEqual({ task: 'go', seeds: [1, 2], nested: { ok: true } });

    // The model rebuilt from the folder continues exactly like the original.
    const batch = randomBatch(config, 4, 2, 9);
    const a = createModelFromFile(engine, loaded);
    const b = engine.createModel({
      config,
      parameters: snapshot.parameters,
      trainable,
      adam: { learningRate: 0.01 },
      clipping: { kind: 'norm', maxNorm: 2 },
    });
    b.setOptimizerState(snapshot.optimizerState!);
    expect(await a.trainStep(batch, { noiseSeed: 4 })).toBe(await b.trainStep(batch, { noiseSeed: 4 }));
    expect(a.getParameters()).toEqual(b.getParameters());
    a.dispose();
    b.dispose();
  });

  it('writes model.json with byte offsets and a checksum, and weights.bin as little-endian float32', async () => {
    const snapshot = await trainedSnapshot();
    const dir = join(root, 'layout');
    await saveModel(dir, snapshot);
    const document = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(document.format).toBe('molap-rnn');
    expect(document.weights.tensors.map((t: { name: string }) => t.name)).toEqual([
      ...PARAMETER_NAMES,
      'optimizer.firstMoment.inputWeights',
      'optimizer.firstMoment.outputWeights',
      'optimizer.firstMoment.outputBias',
      'optimizer.secondMoment.inputWeights',
      'optimizer.secondMoment.outputWeights',
      'optimizer.secondMoment.outputBias',
    ]);
    const bytes = await readFile(join(dir, 'weights.bin'));
    const entry = document.weights.tensors.find((t: { name: string }) => t.name === 'recurrentWeights');
    expect(entry.shape).toEqual([5, 5]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getFloat32(entry.byteOffset + 4 * 7, true)).toBe(snapshot.parameters.recurrentWeights[7]);
    expect(bytes.byteLength).toBe(document.weights.byteLength);
  });

  it('saves a plain model without optimizer state', async () => {
    const dir = join(root, 'plain');
    await saveModel(dir, { config, parameters: randomParameters(config, 1) });
    const loaded = await loadModel(dir);
    expect(loaded.optimizerState).toBeUndefined();
    expect(loaded.trainable.recurrentWeights).toBe(true);
    expect(loaded.clipping).toEqual({ kind: 'value', value: 1 });
  });

  it('checks the snapshot before writing anything', async () => {
    const dir = join(root, 'invalid');
    await expect(
      saveModel(dir, { config, parameters: { ...randomParameters(config, 1), outputBias: new Float32Array(1) } }),
    ).rejects.toThrow(/outputBias has 1 elements/);
    await expect(readFile(join(dir, 'model.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('loadModel rejects damaged folders, naming the file and the problem', () => {
  let dir: string;
  const fresh = async (name: string) => {
    dir = join(root, name);
    await saveModel(dir, await trainedSnapshot());
    return dir;
  };
  const json = () => join(dir, 'model.json');
  const weights = () => join(dir, 'weights.bin');
  /** The parts of model.json the tests edit. */
  interface EditableDocument {
    format: string;
    formatVersion: number;
    config: { hiddenSize: number };
    weights: { tensors: { shape: number[] }[] };
  }
  const editJson = async (edit: (document: EditableDocument) => void) => {
    const document = JSON.parse(await readFile(json(), 'utf8'));
    edit(document);
    await writeFile(json(), JSON.stringify(document));
  };
  /** loadModel fails so; so does readModelFiles (a page's reader) on the same files when they can be read. */
  const expectError = async (file: string, problem: RegExp) => {
    const error = await loadModel(dir).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.problem).toMatch(problem);
    const [text, bytes] = await Promise.all([readFile(json(), 'utf8'), readFile(weights())]).catch(() => []);
    if (text === undefined || bytes === undefined) return;
    const fromFiles = await readModelFiles({
      jsonPath: json(),
      weightsPath: weights(),
      json: text,
      weights: new Uint8Array(bytes),
    }).catch((e) => e);
    expect(fromFiles).toBeInstanceOf(ModelFileError);
    expect({ file: fromFiles.file, problem: fromFiles.problem }).toEqual({ file: error.file, problem: error.problem });
  };

  it('a missing folder', async () => {
    dir = join(root, 'does-not-exist');
    await expectError(json(), /cannot be read \(ENOENT\): is .* a model folder\?/);
  });
  it('a corrupt weights.bin (one flipped byte)', async () => {
    await fresh('corrupt');
    const bytes = await readFile(weights());
    bytes[10] ^= 0xff;
    await writeFile(weights(), bytes);
    await expectError(weights(), /SHA-256 checksum mismatch/);
  });
  it('a truncated weights.bin', async () => {
    await fresh('truncated-weights');
    const bytes = await readFile(weights());
    await writeFile(weights(), bytes.subarray(0, bytes.byteLength - 8));
    await expectError(weights(), /has \d+ bytes but model\.json says \d+: the file is truncated/);
  });
  it('a truncated model.json', async () => {
    await fresh('truncated-json');
    const text = await readFile(json(), 'utf8');
    await writeFile(json(), text.slice(0, text.length / 2));
    await expectError(json(), /is not valid JSON .* corrupt or truncated/);
  });
  it('a newer format version', async () => {
    await fresh('newer');
    await editJson((document) => {
      document.formatVersion = MODEL_FORMAT_VERSION + 1;
    });
    await expectError(json(), /format version 2, newer than the version 1 this @molap\/backend reads/);
    const error = await loadModel(dir).catch((e) => e);
    expect({ code: error.code, kind: error.kind, hint: error.hint }).toEqual({
      code: 'file-version',
      kind: 'bad-input',
      hint: expect.stringMatching(/^upgrade @molap\/backend/),
    });
  });
  it('another format', async () => {
    await fresh('other-format');
    await editJson((document) => {
      document.format = 'keras';
    });
    await expectError(json(), /is not a saved network \(model\.json\): its format is "keras"/);
  });
  it('a tensor shape that does not match the config', async () => {
    await fresh('shape');
    await editJson((document) => {
      document.weights.tensors[1].shape = [25];
    });
    await expectError(json(), /gives tensor recurrentWeights the shape \[25\], but the config needs \[5,5\]/);
  });
  it('an invalid config', async () => {
    await fresh('config');
    await editJson((document) => {
      document.config.hiddenSize = 6;
    });
    await expectError(json(), /invalid config: RnnConfig\.modules sum to 5 but hiddenSize is 6/);
  });
  it('a missing weights.bin', async () => {
    await fresh('missing-weights');
    await rm(weights());
    await expectError(weights(), /cannot be read \(ENOENT\)/);
  });
  it('a save interrupted between weights.bin and model.json (the old model.json no longer matches)', async () => {
    await fresh('interrupted-save');
    const crash = new Error('simulated crash');
    await expect(
      saveModel(dir, await trainedSnapshot(4), {
        afterWrite: (file) => {
          if (file === 'weights.bin') throw crash;
        },
      }),
    ).rejects.toBe(crash);
    await expectError(weights(), /checksum mismatch .* or a save was interrupted/);
  });
});

it('readModelFiles decodes the files of a saved folder as loadModel reads the folder', async () => {
  const dir = join(root, 'from-files');
  await saveModel(dir, await trainedSnapshot());
  const [text, bytes] = await Promise.all([
    readFile(join(dir, 'model.json'), 'utf8'),
    readFile(join(dir, 'weights.bin')),
  ]);
  const decoded = await readModelFiles({
    jsonPath: 'model.json',
    weightsPath: 'weights.bin',
    json: text,
    weights: new Uint8Array(bytes),
  });
  expect(decoded).toEqual(await loadModel(dir));
});
