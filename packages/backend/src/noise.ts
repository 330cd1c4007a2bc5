/**
 * The recurrent-noise stream: counter-based standard-normal samples ξ(seed, index).
 *
 * The sample for a given (seed, index) depends on nothing else, so any engine, any thread and any
 * partition of the work draws exactly the same noise. The recurrent noise of step t, trial b, unit i
 * of a pass with batch size B and N units uses index `(t·B + b)·N + i` ({@link noiseIndex}).
 *
 * How a sample is made (identical, to the bit, in this file and in the WebAssembly kernels of
 * `assembly/noise.ts`):
 * 1. A keyed 32-bit hash of (seed, index, round): two rounds of an xor-shift-multiply mixer
 *    (`Math.imul` here, `i32.mul` in wasm). Round 0 makes the first draw; rejections use rounds 1, 2, ….
 * 2. A 128-layer ziggurat (Marsaglia & Tsang 2000) with separate bits for the layer (low 7 bits) and the
 *    signed 25-bit abscissa (high 25 bits). ~98.8 % of samples take the fast path: one multiply.
 * 3. Wedges and the tail use this module's own logarithm and exponential, built from IEEE-exact
 *    arithmetic only (+ − × ÷, floor, clz), so both sides compute them identically. The tables are
 *    computed once here and copied into wasm memory ({@link noiseTables}).
 * 4. The double result is rounded once to float32.
 */

import { invalidOption } from './errors.js';

/** Number of ziggurat layers (a power of two: the layer is taken from the low bits). */
const LAYERS = 128;
/** Right edge of the widest layer, where the tail starts (Marsaglia & Tsang's value for 128 layers). */
const TAIL_START = 3.442619855899;
/** Area of every layer (Marsaglia & Tsang's value for 128 layers). */
const LAYER_AREA = 9.91256303526217e-3;
/** Scale of the 25-bit signed abscissa: j ∈ [−2^24, 2^24). */
const ABSCISSA_SCALE = 16777216;

/** ln 2, √2 and 1/ln 2: the same doubles as the literals in assembly/noise.ts. */
const LN2 = Math.LN2;
const SQRT2 = Math.SQRT2;
const INV_LN2 = Math.LOG2E;

/** Byte layout of the tables in wasm memory: see {@link noiseTables}. */
export const NOISE_TABLE_BYTES = LAYERS * 4 + LAYERS * 8 + LAYERS * 8 + 40 * 8;

interface ZigguratTables {
  /** Acceptance thresholds of |j| per layer. */
  readonly k: Int32Array;
  /** Abscissa scale per layer: x = j · w[layer]. */
  readonly w: Float64Array;
  /** f(x) = exp(−x²/2) at the layer edges. */
  readonly f: Float64Array;
  /** 2^−k for k = 0..39, by repeated halving (exact). */
  readonly inversePowersOfTwo: Float64Array;
}

function buildTables(): ZigguratTables {
  const k = new Int32Array(LAYERS);
  const w = new Float64Array(LAYERS);
  const f = new Float64Array(LAYERS);
  const density = (x: number) => Math.exp(-0.5 * x * x);
  const baseWidth = LAYER_AREA / density(TAIL_START);
  k[0] = Math.floor((TAIL_START / baseWidth) * ABSCISSA_SCALE);
  k[1] = 0;
  w[0] = baseWidth / ABSCISSA_SCALE;
  w[LAYERS - 1] = TAIL_START / ABSCISSA_SCALE;
  f[0] = 1;
  f[LAYERS - 1] = density(TAIL_START);
  let edge = TAIL_START;
  let previous = TAIL_START;
  for (let i = LAYERS - 2; i >= 1; i--) {
    edge = Math.sqrt(-2 * Math.log(LAYER_AREA / edge + density(edge)));
    k[i + 1] = Math.floor((edge / previous) * ABSCISSA_SCALE);
    previous = edge;
    f[i] = density(edge);
    w[i] = edge / ABSCISSA_SCALE;
  }
  const inversePowersOfTwo = new Float64Array(40);
  inversePowersOfTwo[0] = 1;
  for (let i = 1; i < 40; i++) inversePowersOfTwo[i] = inversePowersOfTwo[i - 1] * 0.5;
  return { k, w, f, inversePowersOfTwo };
}

const TABLES = buildTables();

/**
 * The ziggurat tables as bytes, for copying into WebAssembly memory (little-endian):
 * k: Int32[128], then w: Float64[128], f: Float64[128], 2^−i: Float64[40] ({@link NOISE_TABLE_BYTES} bytes).
 */
export function noiseTables(): Uint8Array {
  const bytes = new Uint8Array(NOISE_TABLE_BYTES);
  let offset = 0;
  for (const table of [TABLES.k, TABLES.w, TABLES.f, TABLES.inversePowersOfTwo]) {
    bytes.set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength), offset);
    offset += table.byteLength;
  }
  return bytes;
}

/** One round of the xor-shift-multiply mixer (a bijection of 32-bit words). */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The two 32-bit key words of a seed. */
function seedKeys(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw invalidOption(`noise seed must be a non-negative safe integer, got ${seed}`);
  }
  const low = seed % 4294967296;
  const high = Math.floor(seed / 4294967296);
  const key0 = mix((low ^ 0x243f6a88) >>> 0);
  const key1 = mix((high ^ 0xb7e15162 ^ key0) >>> 0);
  return [key0, key1];
}

/** The 32-bit random word for (keys, index = high·2^32 + low, round). */
function draw(key0: number, key1: number, low: number, high: number, round: number): number {
  const first = mix((low ^ key0) >>> 0);
  return mix((first ^ key1 ^ Math.imul(high, 0x9e3779b1) ^ Math.imul(round, 0x632be5ab)) >>> 0);
}

/** ln((word + 0.5) / 2^32) for a 32-bit word, from IEEE-exact operations only. */
function logUniform(word: number): number {
  const inverse = TABLES.inversePowersOfTwo;
  const odd = 2 * word + 1; // the uniform is odd / 2^33, odd < 2^33 exactly representable
  const bits = word === 0 ? 1 : 33 - Math.clz32(word);
  let y = odd * inverse[bits - 1]; // in [1, 2)
  let exponent = bits - 34;
  if (y > SQRT2) {
    y *= 0.5;
    exponent += 1;
  }
  const s = (y - 1) / (y + 1);
  const s2 = s * s;
  const series =
    1 +
    s2 *
      (0.3333333333333333 +
        s2 *
          (0.2 +
            s2 *
              (0.14285714285714285 +
                s2 * (0.1111111111111111 + s2 * (0.09090909090909091 + s2 * 0.07692307692307693)))));
  return 2 * s * series + exponent * LN2;
}

/** exp(a) for a ∈ [−27, 0], from IEEE-exact operations only. */
function expNegative(a: number): number {
  const n = Math.floor(a * INV_LN2 + 0.5);
  const r = a - n * LN2;
  const p =
    1 +
    r *
      (1 +
        r *
          (0.5 +
            r *
              (0.16666666666666666 +
                r *
                  (0.041666666666666664 +
                    r *
                      (0.008333333333333333 +
                        r *
                          (0.001388888888888889 +
                            r *
                              (0.0001984126984126984 +
                                r * (0.0000248015873015873 + r * 0.0000027557319223985893))))))));
  return p * TABLES.inversePowersOfTwo[-n];
}

/** The standard-normal sample for (keys, index) as a double (rounded to float32 by the callers). */
function sample(key0: number, key1: number, low: number, high: number): number {
  const { k, w, f } = TABLES;
  let word = draw(key0, key1, low, high, 0);
  let layer = word & 127;
  let j = (word | 0) >> 7;
  if (Math.abs(j) < k[layer]) return j * w[layer];
  let round = 0;
  for (;;) {
    if (layer === 0) {
      let x: number;
      let y: number;
      do {
        round++;
        x = -logUniform(draw(key0, key1, low, high, round)) / TAIL_START;
        round++;
        y = -logUniform(draw(key0, key1, low, high, round));
      } while (y + y < x * x);
      return j > 0 ? TAIL_START + x : -(TAIL_START + x);
    }
    const x = j * w[layer];
    round++;
    const u = (draw(key0, key1, low, high, round) + 0.5) * TABLES.inversePowersOfTwo[32];
    if (f[layer] + u * (f[layer - 1] - f[layer]) < expNegative(-0.5 * x * x)) return x;
    round++;
    word = draw(key0, key1, low, high, round);
    layer = word & 127;
    j = (word | 0) >> 7;
    if (Math.abs(j) < k[layer]) return j * w[layer];
  }
}

function checkIndex(index: number, name: string): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw invalidOption(`${name} must be a non-negative safe integer, got ${index}`);
  }
}

/**
 * Fills `out[k]` with the standard-normal sample ξ(seed, startIndex + k), as float32.
 * @param seed non-negative safe integer.
 * @param startIndex index of `out[0]` in the stream; see {@link noiseIndex}.
 * @returns `out`.
 */
export function fillNoise(seed: number, startIndex: number, out: Float32Array): Float32Array {
  const [key0, key1] = seedKeys(seed);
  checkIndex(startIndex, 'startIndex');
  checkIndex(startIndex + out.length, 'startIndex + out.length');
  writeNoise(key0, key1, startIndex % 4294967296, Math.floor(startIndex / 4294967296), out, 0, out.length, 1, false);
  return out;
}

/**
 * The stream by key words and split start index, as the kernels take it: `out[offset + k] = ξ(start + k)`
 * for k < count, or `out[offset + k] += f32(f32(scale) · ξ(start + k))` when `accumulate`. @internal
 */
export function writeNoise(
  key0: number,
  key1: number,
  startLow: number,
  startHigh: number,
  out: Float32Array,
  offset: number,
  count: number,
  scale: number,
  accumulate: boolean,
): void {
  const factor = Math.fround(scale);
  let low = startLow;
  let high = startHigh;
  for (let i = offset; i < offset + count; i++) {
    const value = Math.fround(sample(key0, key1, low, high));
    out[i] = accumulate ? out[i] + Math.fround(factor * value) : value;
    low++;
    if (low === 4294967296) {
      low = 0;
      high++;
    }
  }
}

/** The single sample ξ(seed, index) as a float32 value. */
export function noiseSample(seed: number, index: number): number {
  return fillNoise(seed, index, new Float32Array(1))[0];
}

/**
 * Stream index of the recurrent noise of step t, trial b, unit i: `(t·B + b)·N + i`.
 * @param batchSize B; @param hiddenSize N.
 */
export function noiseIndex(step: number, trial: number, unit: number, batchSize: number, hiddenSize: number): number {
  return (step * batchSize + trial) * hiddenSize + unit;
}

/** The two 32-bit key words of a seed, as passed to the wasm noise kernel. @internal */
export function noiseSeedKeys(seed: number): [number, number] {
  return seedKeys(seed);
}
