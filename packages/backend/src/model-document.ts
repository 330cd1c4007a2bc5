/**
 * The saved-model format without the file system: what `model.json` and `weights.bin` hold, and their
 * decoding with every check of `loadModel` (format, version, shapes, byte layout, SHA-256), from files a
 * caller has read: from disk (`loadModel` in Node), a fetch or a file picker (a web page). Decoding throws a
 * `ModelFileError` naming the file and the problem (format and version by `checkDocument`, like every molap
 * document).
 */

import { type DocumentFormat, ModelFileError, parseJsonDocument } from './document.js';
import {
  type AdamOptions,
  type GradientClipping,
  type OptimizerState,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type RnnParameters,
  type TrainableFlags,
} from './engine.js';
import { BackendError } from './errors.js';
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

/** The declaration of `model.json`, for `checkDocument`. @internal */
export const MODEL_DOCUMENT: DocumentFormat = {
  format: MODEL_FORMAT,
  versions: [MODEL_FORMAT_VERSION],
  what: 'a saved network (model.json)',
  hint: 'pass a folder written by saveModel (model.json and weights.bin); a damaged one cannot be repaired: save it again',
  package: '@molap/backend',
};
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
  /** SHA-256 of `weights.bin` (lower-case hex), as `model.json` records it and as checked. */
  readonly weightsSha256: string;
}

/** Layout of one tensor inside `weights.bin`. */
export interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** The JSON document of `model.json`. */
export interface ModelDocument {
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

/** Name prefixes of the Adam moments in `weights.bin`. @internal */
export const FIRST_MOMENT = 'optimizer.firstMoment.';
export const SECOND_MOMENT = 'optimizer.secondMoment.';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the fields of a `model.json` whose format and version `checkDocument` accepted; throws `ModelFileError` naming the problem. */
function checkModelFields(file: string, document: Record<string, unknown>): ModelDocument {
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem, { hint: MODEL_DOCUMENT.hint });
  };
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

/** Decodes the listed tensors, checking names, shapes and byte ranges. */
function readTensors(jsonPath: string, document: ModelDocument, bytes: Uint8Array): Map<string, Float32Array> {
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
 * Parses and checks the text of a `model.json` (not its weights).
 * @internal the first step of `decodeModel`; `loadModel` reports a broken model.json before a missing weights file.
 */
export function parseModelDocument(jsonPath: string, text: string): ModelDocument {
  return checkModelFields(jsonPath, parseJsonDocument(text, MODEL_DOCUMENT, jsonPath));
}

/** The two files of a model folder, read by the caller. */
export interface ModelFiles {
  /** Where `model.json` came from (a path, a URL or a file name), for messages. */
  readonly jsonPath: string;
  /** Where `weights.bin` came from, for messages. */
  readonly weightsPath: string;
  /** The text of `model.json`. */
  readonly json: string;
  /** The bytes of `weights.bin`. */
  readonly weights: Uint8Array;
}

/**
 * Decodes a model folder's files, checking format, version, layout and checksum.
 * @param sha256 the SHA-256 of `files.weights`, lower-case hex (the caller hashes: `node:crypto` or Web Crypto).
 */
export function decodeModel(files: ModelFiles, sha256: string): LoadedModel {
  const { jsonPath, weightsPath, weights: bytes } = files;
  const document = parseModelDocument(jsonPath, files.json);
  if (bytes.byteLength !== document.weights.byteLength) {
    throw new ModelFileError(
      weightsPath,
      `has ${bytes.byteLength} bytes but ${MODEL_JSON} says ${document.weights.byteLength}: the file is truncated or does not belong to this ${MODEL_JSON}`,
    );
  }
  if (sha256 !== document.weights.sha256) {
    throw new ModelFileError(
      weightsPath,
      `SHA-256 checksum mismatch (expected ${document.weights.sha256}, got ${sha256}): the weights are corrupt, were modified, or a save was interrupted`,
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
    weightsSha256: document.weights.sha256,
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

/**
 * The SHA-256 of `bytes` as lower-case hex, with Web Crypto (`crypto.subtle`: Node 20, and browsers in a
 * secure context: https, localhost or a file).
 * @throws BackendError 'insecure-context' when there is no `crypto.subtle` (a page served over plain http).
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new BackendError(
      'insecure-context',
      'this page is not a secure context, so the browser offers no SHA-256 (crypto.subtle) to check the weights',
      { hint: 'serve the page over https or from localhost' },
    );
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Decodes a model folder's files (`decodeModel`), hashing the weights with Web Crypto (`sha256Hex`). */
export async function readModelFiles(files: ModelFiles): Promise<LoadedModel> {
  return decodeModel(files, await sha256Hex(files.weights));
}
