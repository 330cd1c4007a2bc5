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
import {
  type AdamOptions,
  type Engine,
  type EngineModel,
  type GradientClipping,
  type OptimizerState,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type RnnParameters,
  type TrainableFlags,
} from './engine.js';
import { invalidOption, MOLAP_ERROR_BRAND } from './errors.js';
import {
  DEFAULT_ADAM,
  DEFAULT_CLIPPING,
  parameterShapes,
  resolveModelOptions,
  trainableNames,
  validateConfig,
  validateOptimizerState,
} from './model-options.js';

/** Format name written in `model.json`. */
export const MODEL_FORMAT = 'molap-rnn';
/** Version of the format this package writes (and the newest it reads). */
export const MODEL_FORMAT_VERSION = 1;
/** File names inside a model folder. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** JSON-serialisable values, for caller metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Everything a model folder holds. */
export interface ModelSnapshot {
  readonly config: RnnConfig;
  readonly parameters: RnnParameters;
  /** Default: every parameter trainable. */
  readonly trainable?: Partial<TrainableFlags>;
  /** Adam hyper-parameters the model was trained with (defaults filled in when saved). */
  readonly adam?: Partial<AdamOptions>;
  /** Gradient clipping the model was trained with (default: Yang et al.'s element-wise [−1, 1]). */
  readonly clipping?: GradientClipping;
  /** Adam moments and step, for exact resume; omitted in plain model files. */
  readonly optimizerState?: OptimizerState;
  /** Number of training steps completed (checkpoints). */
  readonly trainingStep?: number;
  /** Anything JSON-serialisable the caller wants kept with the model (task, seed, corpus, …). */
  readonly metadata?: { readonly [key: string]: JsonValue };
}

/** A loaded model folder: a snapshot with every default filled in. */
export interface LoadedModel extends ModelSnapshot {
  readonly trainable: TrainableFlags;
  readonly adam: AdamOptions;
  readonly clipping: GradientClipping;
  /** Format version the folder was written with. */
  readonly formatVersion: number;
}

/** A problem with a model file: which file and what is wrong. */
export class ModelFileError extends Error {
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code = 'file-format';
  /** A damaged or foreign file is the caller's to fix (pass another). */
  readonly kind = 'bad-input' as const;
  readonly hint = undefined;
  /** Path of the offending file (or folder). */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
    this.file = file;
    this.problem = problem;
  }
}

/** Layout of one tensor inside `weights.bin`. */
interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** The JSON document of `model.json`. */
interface ModelDocument {
  readonly format: string;
  readonly formatVersion: number;
  readonly config: RnnConfig;
  readonly trainable: TrainableFlags;
  readonly hyperParameters: { readonly adam: AdamOptions; readonly clipping: GradientClipping };
  readonly optimizer?: { readonly step: number };
  readonly trainingStep?: number;
  readonly metadata?: { readonly [key: string]: JsonValue };
  readonly weights: {
    readonly file: string;
    readonly dtype: 'float32';
    readonly byteOrder: 'little-endian';
    readonly byteLength: number;
    readonly sha256: string;
    readonly tensors: TensorEntry[];
  };
}

const FIRST_MOMENT = 'optimizer.firstMoment.';
const SECOND_MOMENT = 'optimizer.secondMoment.';

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the structure of a parsed `model.json`; throws `ModelFileError` naming the problem. */
function checkDocument(file: string, document: unknown): ModelDocument {
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  if (!isObject(document)) return fail('is not a JSON object');
  if (document.format !== MODEL_FORMAT) {
    return fail(`is not a molap model file (format is ${JSON.stringify(document.format)}, expected "${MODEL_FORMAT}")`);
  }
  const version = document.formatVersion;
  if (!(typeof version === 'number' && Number.isInteger(version) && version >= 1)) {
    return fail(`has an invalid formatVersion ${JSON.stringify(version)}`);
  }
  if (version > MODEL_FORMAT_VERSION) {
    return fail(
      `was written with format version ${version}, newer than the version ${MODEL_FORMAT_VERSION} this @molap/backend reads: upgrade @molap/backend`,
    );
  }
  try {
    validateConfig(document.config as RnnConfig);
  } catch (error) {
    return fail(`has an invalid config: ${(error as Error).message}`);
  }
  if (
    !isObject(document.trainable) ||
    !PARAMETER_NAMES.every((name) => typeof (document.trainable as Record<string, unknown>)[name] === 'boolean')
  ) {
    return fail(`has invalid trainable flags (expected a boolean for each of ${PARAMETER_NAMES.join(', ')})`);
  }
  const hyper = document.hyperParameters;
  if (!isObject(hyper) || !isObject(hyper.adam) || !isObject(hyper.clipping)) {
    return fail('has no hyperParameters { adam, clipping }');
  }
  const weights = document.weights;
  if (!isObject(weights) || !Array.isArray(weights.tensors)) return fail('has no weights section with a tensor list');
  if (weights.file !== WEIGHTS_BIN)
    return fail(`names weights file ${JSON.stringify(weights.file)}, expected "${WEIGHTS_BIN}"`);
  if (weights.dtype !== 'float32' || weights.byteOrder !== 'little-endian') {
    return fail(
      `declares weights as ${String(weights.dtype)} ${String(weights.byteOrder)}; only little-endian float32 is supported`,
    );
  }
  if (typeof weights.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(weights.sha256))
    return fail('has no valid SHA-256 checksum of the weights');
  if (!(typeof weights.byteLength === 'number' && Number.isInteger(weights.byteLength) && weights.byteLength >= 0)) {
    return fail('has an invalid weights byteLength');
  }
  if (
    document.optimizer !== undefined &&
    !(isObject(document.optimizer) && Number.isSafeInteger(document.optimizer.step))
  ) {
    return fail('has an invalid optimizer section (expected { step })');
  }
  if (document.trainingStep !== undefined && !Number.isSafeInteger(document.trainingStep)) {
    return fail('has an invalid trainingStep');
  }
  return document as unknown as ModelDocument;
}

/** Loads a model folder written by `saveModel`, verifying format, version, layout and checksum. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const jsonPath = join(dir, MODEL_JSON);
  const weightsPath = join(dir, WEIGHTS_BIN);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (error) {
    throw new ModelFileError(
      jsonPath,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is ${dir} a model folder?`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(
      jsonPath,
      `is not valid JSON (${(error as Error).message}); the file is corrupt or truncated`,
    );
  }
  const document = checkDocument(jsonPath, parsed);
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsPath);
  } catch (error) {
    throw new ModelFileError(
      weightsPath,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (bytes.byteLength !== document.weights.byteLength) {
    throw new ModelFileError(
      weightsPath,
      `has ${bytes.byteLength} bytes but ${MODEL_JSON} says ${document.weights.byteLength}: the file is truncated or does not belong to this ${MODEL_JSON}`,
    );
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== document.weights.sha256) {
    throw new ModelFileError(
      weightsPath,
      `SHA-256 checksum mismatch (expected ${document.weights.sha256}, got ${digest}): the weights are corrupt, were modified, or a save was interrupted`,
    );
  }
  const { config, trainable } = document;
  const tensors = readTensors(jsonPath, document, bytes);
  const parameters = {} as RnnParameters;
  for (const name of PARAMETER_NAMES) {
    const values = tensors.get(name);
    if (!values) throw new ModelFileError(jsonPath, `lists no tensor "${name}"`);
    parameters[name] = values;
  }
  let optimizerState: OptimizerState | undefined;
  if (document.optimizer) {
    const firstMoment: Partial<RnnParameters> = {};
    const secondMoment: Partial<RnnParameters> = {};
    for (const name of trainableNames(trainable)) {
      const first = tensors.get(FIRST_MOMENT + name);
      const second = tensors.get(SECOND_MOMENT + name);
      if (!first || !second)
        throw new ModelFileError(jsonPath, `has an optimizer section but lacks the Adam moments of ${name}`);
      firstMoment[name] = first;
      secondMoment[name] = second;
    }
    optimizerState = { step: document.optimizer.step, firstMoment, secondMoment };
  }
  const adam = { ...DEFAULT_ADAM, ...document.hyperParameters.adam };
  const clipping = document.hyperParameters.clipping ?? DEFAULT_CLIPPING;
  try {
    resolveModelOptions({ config, parameters, trainable, adam, clipping });
    if (optimizerState) validateOptimizerState(config, trainable, optimizerState);
  } catch (error) {
    throw new ModelFileError(jsonPath, `does not describe a valid model: ${(error as Error).message}`);
  }
  return {
    formatVersion: document.formatVersion,
    config,
    parameters,
    trainable,
    adam,
    clipping,
    ...(optimizerState ? { optimizerState } : {}),
    ...(document.trainingStep !== undefined ? { trainingStep: document.trainingStep } : {}),
    ...(document.metadata !== undefined ? { metadata: document.metadata } : {}),
  };
}

/** Decodes the listed tensors, checking names, shapes and byte ranges. */
function readTensors(jsonPath: string, document: ModelDocument, bytes: Buffer): Map<string, Float32Array> {
  const shapes = parameterShapes(document.config);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, Float32Array>();
  for (const entry of document.weights.tensors) {
    const { name, shape, byteOffset, byteLength } = entry ?? ({} as TensorEntry);
    const parameter = String(name).replace(FIRST_MOMENT, '').replace(SECOND_MOMENT, '') as ParameterName;
    if (typeof name !== 'string' || !PARAMETER_NAMES.includes(parameter) || tensors.has(name)) {
      throw new ModelFileError(jsonPath, `lists an unknown or repeated tensor ${JSON.stringify(name)}`);
    }
    const expected = shapes[parameter];
    if (!Array.isArray(shape) || shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
      throw new ModelFileError(
        jsonPath,
        `gives tensor ${name} the shape ${JSON.stringify(shape)}, but the config needs [${expected}]`,
      );
    }
    const count = expected.reduce((a, b) => a * b, 1);
    if (
      !Number.isInteger(byteOffset) ||
      byteLength !== count * 4 ||
      byteOffset < 0 ||
      byteOffset % 4 !== 0 ||
      byteOffset + byteLength > bytes.byteLength
    ) {
      throw new ModelFileError(
        jsonPath,
        `gives tensor ${name} an invalid byte range (offset ${byteOffset}, length ${byteLength})`,
      );
    }
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(byteOffset + i * 4, true);
    tensors.set(name, values);
  }
  return tensors;
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
