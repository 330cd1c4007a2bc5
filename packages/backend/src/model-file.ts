/**
 * The saved-model format: a folder with `model.json` (format name and version, config, trainable flags,
 * hyper-parameters, optimiser step, training step, caller metadata, and the byte layout and SHA-256 of the
 * weights) and `weights.bin` (every tensor as little-endian float32, back to back, in the order listed).
 *
 * Each file is written to a temporary file in the same folder, flushed, then renamed over the old one;
 * `weights.bin` first, `model.json` last. The checksum in `model.json` ties the two together: if a save is
 * interrupted between the two renames, loading reports the mismatch instead of reading mixed files.
 * Loading checks everything and names the file and the problem in a `ModelFileError`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFileError } from './document.js';
import {
  type Engine,
  type EngineModel,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type TrainableFlags,
} from './engine.js';
import { invalidOption } from './errors.js';
import {
  decodeModel,
  FIRST_MOMENT,
  type LoadedModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  type ModelDocument,
  type ModelSnapshot,
  parseModelDocument,
  SECOND_MOMENT,
  type TensorEntry,
  WEIGHTS_BIN,
} from './model-document.js';
import { parameterShapes, resolveModelOptions, trainableNames, validateOptimizerState } from './model-options.js';

/** Tensors of a snapshot in file order: parameters, then first and second moments of trainable ones. */
function tensorList(snapshot: ModelSnapshot, trainable: TrainableFlags): { name: string; values: Float32Array }[] {
  const list = PARAMETER_NAMES.map((name) => ({ name: name as string, values: snapshot.parameters[name] }));
  const state = snapshot.optimizerState;
  if (state) {
    for (const name of trainableNames(trainable))
      list.push({ name: FIRST_MOMENT + name, values: state.firstMoment[name]! });
    for (const name of trainableNames(trainable))
      list.push({ name: SECOND_MOMENT + name, values: state.secondMoment[name]! });
  }
  return list;
}

/** Writes `data` to `path` atomically: a temporary file in the same folder, flushed, then renamed. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Encodes the tensors as little-endian float32 and lays them out. */
function encodeWeights(tensors: { name: string; values: Float32Array }[], config: RnnConfig) {
  const shapes = parameterShapes(config);
  const byteLength = tensors.reduce((sum, tensor) => sum + tensor.values.length * 4, 0);
  const bytes = new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer);
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const { name, values } of tensors) {
    const parameter = name.slice(name.lastIndexOf('.') + 1) as ParameterName;
    entries.push({ name, shape: [...shapes[parameter]], byteOffset: offset, byteLength: values.length * 4 });
    for (let i = 0; i < values.length; i++) view.setFloat32(offset + i * 4, values[i], true);
    offset += values.length * 4;
  }
  return { bytes, entries };
}

/** Hooks for tests that simulate a crash between the writes of a save. @internal */
export interface SaveHooks {
  /** Called after each file is in place (`weights.bin`, then `model.json`). */
  readonly afterWrite?: (file: string) => void | Promise<void>;
}

/**
 * Saves a model folder (created if needed). Shapes, trainable flags and optimiser state are checked first.
 * @returns the path of `model.json`.
 */
export async function saveModel(dir: string, snapshot: ModelSnapshot, hooks: SaveHooks = {}): Promise<string> {
  const resolved = resolveModelOptions({
    config: snapshot.config,
    parameters: snapshot.parameters,
    trainable: snapshot.trainable,
    adam: snapshot.adam,
    clipping: snapshot.clipping,
  });
  if (snapshot.optimizerState) validateOptimizerState(resolved.config, resolved.trainable, snapshot.optimizerState);
  if (
    snapshot.trainingStep !== undefined &&
    !(Number.isSafeInteger(snapshot.trainingStep) && snapshot.trainingStep >= 0)
  ) {
    throw invalidOption(`trainingStep must be an integer >= 0, got ${String(snapshot.trainingStep)}`);
  }
  const metadata = snapshot.metadata === undefined ? undefined : JSON.parse(JSON.stringify(snapshot.metadata));
  const { bytes, entries } = encodeWeights(tensorList(snapshot, resolved.trainable), resolved.config);
  const document: ModelDocument = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    config: resolved.config,
    trainable: resolved.trainable,
    hyperParameters: { adam: resolved.adam, clipping: resolved.clipping },
    ...(snapshot.optimizerState ? { optimizer: { step: snapshot.optimizerState.step } } : {}),
    ...(snapshot.trainingStep !== undefined ? { trainingStep: snapshot.trainingStep } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    weights: {
      file: WEIGHTS_BIN,
      dtype: 'float32',
      byteOrder: 'little-endian',
      byteLength: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      tensors: entries,
    },
  };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, WEIGHTS_BIN), bytes);
  await hooks.afterWrite?.(WEIGHTS_BIN);
  const modelJson = join(dir, MODEL_JSON);
  await writeFileAtomic(modelJson, `${JSON.stringify(document, null, 2)}\n`);
  await hooks.afterWrite?.(MODEL_JSON);
  return modelJson;
}

/** Loads a model folder written by `saveModel`, verifying format, version, layout and checksum (`decodeModel`). */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const jsonPath = join(dir, MODEL_JSON);
  const weightsPath = join(dir, WEIGHTS_BIN);
  let json: string;
  try {
    json = await readFile(jsonPath, 'utf8');
  } catch (error) {
    throw new ModelFileError(
      jsonPath,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is ${dir} a model folder?`,
    );
  }
  let weights: Buffer;
  try {
    weights = await readFile(weightsPath);
  } catch (error) {
    // model.json is checked first, as before: a broken model.json is the problem to report.
    parseModelDocument(jsonPath, json);
    throw new ModelFileError(
      weightsPath,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return decodeModel({ jsonPath, weightsPath, json, weights }, createHash('sha256').update(weights).digest('hex'));
}

/**
 * A snapshot of a live model: its config, trainable flags and parameters, plus the optimiser state when
 * `includeOptimizer` is set, and the caller's hyper-parameters and metadata.
 */
export function snapshotModel(
  model: EngineModel,
  extras: Pick<ModelSnapshot, 'adam' | 'clipping' | 'metadata' | 'trainingStep'> & {
    readonly includeOptimizer?: boolean;
  } = {},
): ModelSnapshot {
  return {
    config: model.config,
    parameters: model.getParameters(),
    trainable: model.trainable,
    ...(extras.adam ? { adam: extras.adam } : {}),
    ...(extras.clipping ? { clipping: extras.clipping } : {}),
    ...(extras.includeOptimizer ? { optimizerState: model.getOptimizerState() } : {}),
    ...(extras.trainingStep !== undefined ? { trainingStep: extras.trainingStep } : {}),
    ...(extras.metadata ? { metadata: extras.metadata } : {}),
  };
}

/** Creates a model in `engine` from a loaded folder, with its hyper-parameters and optimiser state. */
export function createModelFromFile(engine: Engine, loaded: LoadedModel): EngineModel {
  const model = engine.createModel({
    config: loaded.config,
    parameters: loaded.parameters,
    trainable: loaded.trainable,
    adam: loaded.adam,
    clipping: loaded.clipping,
  });
  if (loaded.optimizerState) model.setOptimizerState(loaded.optimizerState);
  return model;
}
