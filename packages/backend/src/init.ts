/**
 * Seeded parameter initialisers and the leaky-RNN initialisation of Yang et al. (2019). Every function is
 * deterministic in its seed; matrices are row-major Float32Arrays with rows = outputs.
 */
import type { RnnConfig, RnnParameters } from './engine.js';
import { invalidOption } from './errors.js';
import { validateConfig } from './model-options.js';
import { createRandom, type SeededRandom } from './random.js';

/** Scale of the recurrent initialisation in Yang et al.'s code (`w_rec_start`): 0.5. */
export const DEFAULT_RECURRENT_SCALE = 0.5;

/** Scale of the input initialisation in Yang et al.'s code (`w_in_start`): 1. */
export const DEFAULT_INPUT_SCALE = 1;

/**
 * Recurrent initialisations: `diag` = scale·I (the paper networks of Yang et al.), `randortho` = scale·Q
 * with Q a random orthogonal matrix (their code's default).
 */
export type RecurrentInit = 'diag' | 'randortho';

/** The default recurrent initialisation: `diag`, as in the networks of Yang et al.'s paper (`train_all`). */
export const DEFAULT_RECURRENT_INIT: RecurrentInit = 'diag';

/** `scale·I` [n, n]. */
export function scaledIdentity(n: number, scale: number): Float32Array {
  const matrix = new Float32Array(n * n);
  for (let i = 0; i < n; i++) matrix[i * n + i] = scale;
  return matrix;
}

/**
 * A random orthogonal matrix [n, n] times `scale`, distributed uniformly (Haar) over the orthogonal group:
 * the Q factor of a Householder QR of a standard-normal matrix, with the signs of R's diagonal moved into Q.
 * Computed in float64.
 */
export function randomOrthogonal(n: number, options: { readonly seed: number; readonly scale?: number }): Float32Array {
  return randomOrthogonalFrom(n, createRandom(options.seed), options.scale ?? 1);
}

function randomOrthogonalFrom(n: number, random: SeededRandom, scale: number): Float32Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = random.normal();
  // Householder QR in place: after column k, a holds R above the diagonal; the reflectors are kept in v.
  const reflectors: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(n - k);
    let norm = 0;
    for (let i = k; i < n; i++) {
      v[i - k] = a[i * n + k];
      norm += v[i - k] * v[i - k];
    }
    norm = Math.sqrt(norm);
    const alpha = v[0] >= 0 ? -norm : norm; // R_kk = alpha
    signs[k] = alpha >= 0 ? 1 : -1;
    v[0] -= alpha;
    let vNorm = 0;
    for (const value of v) vNorm += value * value;
    if (vNorm > 0) {
      // Apply H = I − 2·v·vᵀ/(vᵀv) to the remaining columns.
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < n; i++) dot += v[i - k] * a[i * n + j];
        const factor = (2 * dot) / vNorm;
        for (let i = k; i < n; i++) a[i * n + j] -= factor * v[i - k];
      }
    }
    reflectors.push(vNorm > 0 ? v.map((value) => value / Math.sqrt(vNorm)) : v);
  }
  // Q = H_0·H_1·…·H_{n−1}, applied to the identity from the last reflector back; then Q ← Q·diag(sign(R_kk)).
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = reflectors[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i - k] * q[i * n + j];
      for (let i = k; i < n; i++) q[i * n + j] -= 2 * dot * v[i - k];
    }
  }
  const result = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) result[i * n + j] = scale * q[i * n + j] * signs[j];
  return result;
}

/** Glorot (Xavier) uniform [rows, cols]: U(−l, l) with l = √(6/(rows + cols)) (TensorFlow's default). */
export function glorotUniform(rows: number, cols: number, options: { readonly seed: number }): Float32Array {
  return glorotUniformFrom(rows, cols, createRandom(options.seed));
}

function glorotUniformFrom(rows: number, cols: number, random: SeededRandom): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const matrix = new Float32Array(rows * cols);
  for (let i = 0; i < matrix.length; i++) matrix[i] = (2 * random.uniform() - 1) * limit;
  return matrix;
}

/** Gaussian [rows, cols] with fan-in scaling: N(0, 1)·scale/√cols (Yang et al.'s input weights). */
export function gaussianFanIn(
  rows: number,
  cols: number,
  options: { readonly seed: number; readonly scale?: number },
): Float32Array {
  return gaussianFanInFrom(rows, cols, createRandom(options.seed), options.scale ?? 1);
}

function gaussianFanInFrom(rows: number, cols: number, random: SeededRandom, scale: number): Float32Array {
  const std = scale / Math.sqrt(cols);
  const matrix = new Float32Array(rows * cols);
  for (let i = 0; i < matrix.length; i++) matrix[i] = random.normal() * std;
  return matrix;
}

/** Options of `initRnnParameters`. */
export interface RnnInitOptions {
  /** Seed of every random draw; the same seed gives the same parameters. */
  readonly seed: number;
  /** `diag` (default, Yang et al.'s paper networks) or `randortho` (their code's default). */
  readonly recurrentInit?: RecurrentInit;
  /** Multiplies the recurrent initialisation; default 0.5. */
  readonly recurrentScale?: number;
  /** Multiplies the N(0, 1)/√nIn input weights; default 1. */
  readonly inputScale?: number;
}

/** Streams of the seeded generator, one per parameter tensor. */
const STREAM = { inputWeights: 1, recurrentWeights: 2, outputWeights: 3 } as const;

/**
 * Initial parameters of a leaky RNN, with Yang et al.'s defaults:
 * - W_in [N, nIn] ~ N(0, 1)·inputScale/√nIn;
 * - W_rec [N, N] = recurrentScale·I (`diag`) or recurrentScale·Q, Q random orthogonal (`randortho`); with
 *   modules, each diagonal block is initialised on its own (off-block entries are 0);
 * - W_out [nOut, N] Glorot uniform, limit √(6/(N + nOut));
 * - biases 0.
 */
export function initRnnParameters(config: RnnConfig, options: RnnInitOptions): RnnParameters {
  validateConfig(config);
  if (options === null || typeof options !== 'object' || !Number.isSafeInteger(options.seed)) {
    throw invalidOption('initRnnParameters needs { seed } with an integer seed');
  }
  const recurrentInit = options.recurrentInit ?? DEFAULT_RECURRENT_INIT;
  if (recurrentInit !== 'diag' && recurrentInit !== 'randortho') {
    throw invalidOption(`recurrentInit must be 'diag' or 'randortho', got ${JSON.stringify(recurrentInit)}`);
  }
  const recurrentScale = options.recurrentScale ?? DEFAULT_RECURRENT_SCALE;
  const { inputSize: nIn, hiddenSize: n, outputSize: nOut } = config;
  const recurrentWeights = new Float32Array(n * n);
  const recurrentRandom = createRandom(options.seed, STREAM.recurrentWeights);
  let start = 0;
  for (const size of config.modules ?? [n]) {
    const block =
      recurrentInit === 'diag'
        ? scaledIdentity(size, recurrentScale)
        : randomOrthogonalFrom(size, recurrentRandom, recurrentScale);
    for (let i = 0; i < size; i++)
      recurrentWeights.set(block.subarray(i * size, (i + 1) * size), (start + i) * n + start);
    start += size;
  }
  return {
    inputWeights: gaussianFanInFrom(
      n,
      nIn,
      createRandom(options.seed, STREAM.inputWeights),
      options.inputScale ?? DEFAULT_INPUT_SCALE,
    ),
    recurrentWeights,
    recurrentBias: new Float32Array(n),
    outputWeights: glorotUniformFrom(nOut, n, createRandom(options.seed, STREAM.outputWeights)),
    outputBias: new Float32Array(nOut),
  };
}
