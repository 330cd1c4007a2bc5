/**
 * Export of a trained leaky RNN to a TensorFlow.js `LayersModel` artifact (`model.json` in the tfjs
 * format + `weights.bin`), loadable with `tf.loadLayersModel` from `@tensorflow/tfjs` or
 * `@tensorflow/tfjs-layers` with no molap code and no custom layer.
 *
 * Representation: tfjs-layers has no leaky RNN, but its built-in GRU becomes one exactly. A GRU computes
 *
 *   z = g_r(x·K_z + h·R_z + b_z),  r = g_r(x·K_r + h·R_r + b_r),
 *   h' = z ⊙ h + (1 − z) ⊙ φ(x·K_h + (r ⊙ h)·R_h + b_h)
 *
 * With the recurrent activation g_r = linear, K_z = R_z = K_r = R_r = 0, b_z = 1 − α and b_r = 1, the gates
 * are the constants z = 1 − α and r = 1, and with K_h = W_inᵀ, R_h = Ŵ_recᵀ, b_h = b_rec:
 *
 *   h' = (1 − α)·h + α·φ(W_in·x + Ŵ_rec·h + b_rec)
 *
 * which is the leaky RNN's update. The readout is a `Dense` layer (W_outᵀ, b_out, sigmoid or linear) on
 * every step (`returnSequences: true`). Differences from the engines, by design of an inference artifact:
 * no recurrent noise (as `noiseScale: 0`), no unit mask, and Keras's batch-major layout: inputs
 * [batch, T, nIn] → outputs [batch, T, nOut] (transpose time-major arrays first). Initialisers are written
 * as zeros so that building the model before the weights are set needs no random initialiser.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RnnConfig, RnnParameters } from './engine.js';
import { invalidOption } from './errors.js';
import { writeFileAtomic } from './model-file.js';
import { moduleMask, validateConfig, validateParameterRecord } from './model-options.js';

/** Name of the recurrent layer in the exported model (its weights are `leaky_rnn/kernel`, …). */
export const EXPORTED_RNN_LAYER = 'leaky_rnn';
/** Name of the readout layer in the exported model. */
export const EXPORTED_READOUT_LAYER = 'readout';
/** File names of an exported folder (the tfjs conventions). */
export const LAYERS_MODEL_JSON = 'model.json';
export const LAYERS_WEIGHTS_BIN = 'weights.bin';

/** Options of the export. */
export interface LayersExportOptions {
  /** Fixed number of time steps of the input; default `null` (any length). */
  readonly steps?: number | null;
  /** Name of the tfjs model; default `molap_leaky_rnn`. */
  readonly name?: string;
  /** JSON metadata stored as `userDefinedMetadata.molap.metadata`. */
  readonly metadata?: unknown;
}

/** One weight of a tfjs weights manifest. */
export interface LayersWeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
}

/** The parts of tfjs `ModelArtifacts` the export produces (pass to `tf.io.fromMemory` to load in memory). */
export interface LayersModelArtifacts {
  readonly modelTopology: Record<string, unknown>;
  readonly weightSpecs: LayersWeightSpec[];
  readonly weightData: ArrayBuffer;
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly userDefinedMetadata: Record<string, unknown>;
}

const ZEROS = { class_name: 'Zeros', config: {} };

/** Row-major [rows, cols] → its transpose [cols, rows] written into `out` at column offset `column` of width `width`. */
function placeTransposed(
  source: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
  width: number,
  column: number,
): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * width + column + r] = source[r * cols + c];
}

/** Builds the tfjs artifacts of a leaky RNN (see the representation above). */
export function toLayersModelArtifacts(
  model: { readonly config: RnnConfig; readonly parameters: RnnParameters },
  options: LayersExportOptions = {},
): LayersModelArtifacts {
  const { config, parameters } = model;
  validateConfig(config);
  validateParameterRecord(config, parameters, 'parameters', true);
  const steps = options.steps ?? null;
  if (steps !== null && !(Number.isInteger(steps) && steps > 0)) {
    throw invalidOption(`steps must be a positive integer or null, got ${String(steps)}`);
  }
  const { inputSize: nIn, hiddenSize: n, outputSize: nOut, alpha } = config;

  // GRU weights, gates in tfjs order [z, r, h] along the last axis.
  const kernel = new Float32Array(nIn * 3 * n);
  placeTransposed(parameters.inputWeights, n, nIn, kernel, 3 * n, 2 * n);
  const recurrent = Float32Array.from(parameters.recurrentWeights);
  const mask = moduleMask(config);
  if (mask) for (let i = 0; i < recurrent.length; i++) recurrent[i] *= mask[i];
  const recurrentKernel = new Float32Array(n * 3 * n);
  placeTransposed(recurrent, n, n, recurrentKernel, 3 * n, 2 * n);
  const bias = new Float32Array(3 * n);
  bias.fill(1 - alpha, 0, n);
  bias.fill(1, n, 2 * n);
  bias.set(parameters.recurrentBias, 2 * n);
  const readoutKernel = new Float32Array(n * nOut);
  placeTransposed(parameters.outputWeights, nOut, n, readoutKernel, nOut, 0);

  const weights: [LayersWeightSpec, Float32Array][] = [
    [{ name: `${EXPORTED_RNN_LAYER}/kernel`, shape: [nIn, 3 * n], dtype: 'float32' }, kernel],
    [{ name: `${EXPORTED_RNN_LAYER}/recurrent_kernel`, shape: [n, 3 * n], dtype: 'float32' }, recurrentKernel],
    [{ name: `${EXPORTED_RNN_LAYER}/bias`, shape: [3 * n], dtype: 'float32' }, bias],
    [{ name: `${EXPORTED_READOUT_LAYER}/kernel`, shape: [n, nOut], dtype: 'float32' }, readoutKernel],
    [
      { name: `${EXPORTED_READOUT_LAYER}/bias`, shape: [nOut], dtype: 'float32' },
      Float32Array.from(parameters.outputBias),
    ],
  ];
  const byteLength = weights.reduce((sum, [, values]) => sum + values.length * 4, 0);
  const weightData = new ArrayBuffer(byteLength);
  const view = new DataView(weightData);
  let offset = 0;
  for (const [, values] of weights) {
    for (let i = 0; i < values.length; i++) view.setFloat32(offset + 4 * i, values[i], true);
    offset += values.length * 4;
  }

  const modelTopology = {
    class_name: 'Sequential',
    config: {
      name: options.name ?? 'molap_leaky_rnn',
      layers: [
        {
          class_name: 'GRU',
          config: {
            name: EXPORTED_RNN_LAYER,
            trainable: true,
            batch_input_shape: [null, steps, nIn],
            dtype: 'float32',
            units: n,
            activation: config.activation,
            recurrent_activation: 'linear',
            use_bias: true,
            kernel_initializer: ZEROS,
            recurrent_initializer: ZEROS,
            bias_initializer: ZEROS,
            dropout: 0,
            recurrent_dropout: 0,
            reset_after: false,
            return_sequences: true,
            return_state: false,
            go_backwards: false,
            stateful: false,
            unroll: false,
          },
        },
        {
          class_name: 'Dense',
          config: {
            name: EXPORTED_READOUT_LAYER,
            trainable: true,
            units: nOut,
            activation: config.outputActivation,
            use_bias: true,
            kernel_initializer: ZEROS,
            bias_initializer: ZEROS,
          },
        },
      ],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
  return {
    modelTopology,
    weightSpecs: weights.map(([spec]) => spec),
    weightData,
    format: 'layers-model',
    generatedBy: '@molap/backend',
    convertedBy: null,
    userDefinedMetadata: {
      molap: {
        representation: 'leaky RNN as a GRU with constant gates z = 1 − alpha, r = 1 (recurrent_activation linear)',
        layout: 'inputs [batch, T, nIn] -> outputs [batch, T, nOut] (batch-major); no recurrent noise',
        config,
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      },
    },
  };
}

/**
 * Writes the tfjs artifact of a leaky RNN into `dir`: `model.json` (tfjs format, weights manifest pointing
 * to `weights.bin`) and `weights.bin`, each written atomically. Load it with
 * `tf.loadLayersModel('file://<dir>/model.json')` (tfjs-node) or from a URL in the browser.
 * @returns the path of `model.json`.
 */
export async function exportLayersModel(
  dir: string,
  model: { readonly config: RnnConfig; readonly parameters: RnnParameters },
  options: LayersExportOptions = {},
): Promise<string> {
  const artifacts = toLayersModelArtifacts(model, options);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, LAYERS_WEIGHTS_BIN), new Uint8Array(artifacts.weightData));
  const modelJson = {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [LAYERS_WEIGHTS_BIN], weights: artifacts.weightSpecs }],
    userDefinedMetadata: artifacts.userDefinedMetadata,
  };
  const path = join(dir, LAYERS_MODEL_JSON);
  await writeFileAtomic(path, `${JSON.stringify(modelJson, null, 2)}\n`);
  return path;
}
