/**
 * The seeded generator of molap: xoshiro128** (Blackman & Vigna 2018) on 32-bit integer arithmetic
 * (`Math.imul`, shifts), state in a `Uint32Array(4)`, seeded through SplitMix64. Normal samples come from
 * an exact ziggurat (see `ziggurat.ts`) that uses one 32-bit word for ~99 % of samples.
 *
 * Guarantee: the stream of `createRng(seed)` (every method) is a pure function of the seed and of the
 * sequence of calls, and is bit-identical on every conforming JavaScript engine and platform. Only
 * integer operations, IEEE-754 basic arithmetic, `Math.sqrt`, `Math.floor` and the library's own
 * deterministic `exp`/`log` are used (`Math.random` and the engine's transcendental functions are not).
 * The stream is part of the package's contract: it changes only with a major version.
 *
 * Speed: where the engine has WebAssembly, `addNormal` and the batch noise fill run in a WebAssembly twin
 * of the JavaScript loop below (`normal-kernel.ts`, about 2.5× faster), which draws the same words and
 * computes the same bits; the JavaScript loop remains for engines without WebAssembly and for tiny fills.
 */

import { InvalidOptionError, TasksError } from './errors.js';
import { NORMAL_CHUNK, type NormalKernel, normalKernel } from './normal-kernel.js';
import type { Rng } from './task.js';
import {
  ZIGGURAT_INDEX_MASK,
  ZIGGURAT_K,
  ZIGGURAT_POSITION_MASK,
  ZIGGURAT_POSITION_SHIFT,
  ZIGGURAT_W,
  zigguratSlowPath,
} from './ziggurat.js';

const MASK_64 = (1n << 64n) - 1n;
const GOLDEN_64 = 0x9e3779b97f4a7c15n;

/** The SplitMix64 output function: a bijective 64-bit mixer. */
function mix64(value: bigint): bigint {
  let z = value & MASK_64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return z ^ (z >> 31n);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const TWO_POW_26 = 67108864;
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
const TWO_POW_32 = 4294967296;
/** `addNormal` works in chunks of this many samples (bounds the slow-path queue). */
const SLOW_CHUNK = NORMAL_CHUNK;

/**
 * Scratch of the JavaScript normal loop, shared by every generator (a fill is synchronous and never
 * re-entered): `ZIGGURAT_W` × the std of the last fill, and the queue of the samples of one chunk that need
 * the slow path (positions and words).
 */
class LoopScratch {
  readonly widths = new Float64Array(ZIGGURAT_W.length);
  std = Number.NaN;
  readonly slowIndex = new Int32Array(SLOW_CHUNK);
  readonly slowWord = new Int32Array(SLOW_CHUNK);
}
let loopScratch: LoopScratch | undefined;

/** Calls with fewer samples than this take the JavaScript loop (the kernel's fixed cost per call is larger). */
const KERNEL_MIN_COUNT = 32;

/** Whether the normal fill uses the WebAssembly kernel where there is one (tests turn it off). */
let kernelEnabled = true;

/**
 * Chooses the loop of the normal fill: the WebAssembly kernel (`true`, the default, where the engine has
 * WebAssembly) or the JavaScript loop (`false`). Both give the same bits; for tests that compare them.
 */
export function useNormalKernel(enabled: boolean): void {
  kernelEnabled = enabled;
}

/**
 * One sample of the fused normal fill from the 32-bit `word`: the fast ziggurat test, then
 * out[i] = source[i + shift] + std·z with `widths` = ZIGGURAT_W·std; a word that fails the test leaves the
 * template value and is queued for the slow path. Returns the new queue length. (Small: inlined by V8.)
 */
function emitNormal(
  out: Float32Array,
  source: Float32Array,
  i: number,
  shift: number,
  word: number,
  failures: number,
  widths: Float64Array,
  slowIndex: Int32Array,
  slowWord: Int32Array,
): number {
  const index = word & ZIGGURAT_INDEX_MASK;
  const position = (word >> ZIGGURAT_POSITION_SHIFT) & ZIGGURAT_POSITION_MASK;
  if (position < ZIGGURAT_K[index]) {
    out[i] = source[i + shift] + position * widths[index];
    return failures;
  }
  out[i] = source[i + shift];
  slowIndex[failures] = i;
  slowWord[failures] = word;
  return failures + 1;
}

class Xoshiro128StarStar implements Rng {
  /** The 64-bit seed this generator was created from (forks derive from it). */
  private readonly seed: bigint;
  private readonly state = new Int32Array(4);
  private readonly uniformFn = () => this.uniform();
  private readonly word32Fn = () => this.nextWord();

  constructor(seed: bigint) {
    this.seed = seed;
    // SplitMix64 stream from the seed fills the 128-bit state (never all zero in practice; guarded anyway).
    let x = seed;
    for (let i = 0; i < 2; i++) {
      x = (x + GOLDEN_64) & MASK_64;
      const z = mix64(x);
      this.state[2 * i] = Number(z & 0xffffffffn) | 0;
      this.state[2 * i + 1] = Number(z >> 32n) | 0;
    }
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) this.state[0] = 1;
  }

  /** Next 32-bit output as an unsigned integer in [0, 2^32). */
  nextWord(): number {
    const s = this.state;
    const s0 = s[0];
    const s1 = s[1];
    const s2 = s[2] ^ s0;
    const s3 = s[3] ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3, 11);
    return result >>> 0;
  }

  uniform(): number {
    const high = this.nextWord() >>> 5;
    const low = this.nextWord() >>> 6;
    return (high * TWO_POW_26 + low) * TWO_POW_MINUS_53;
  }

  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new TasksError('invalid-option', `rng.integer(n) needs an integer n in [1, 2^32]; got ${n}.`);
    }
    // Rejection of the incomplete last block keeps the result exactly uniform.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let word = this.nextWord();
    while (word >= limit) word = this.nextWord();
    return word % n;
  }

  normal(): number {
    const word = this.nextWord();
    const index = word & ZIGGURAT_INDEX_MASK;
    const position = (word >> ZIGGURAT_POSITION_SHIFT) & ZIGGURAT_POSITION_MASK;
    if (position < ZIGGURAT_K[index]) return position * ZIGGURAT_W[index];
    return zigguratSlowPath(word, this.uniformFn, this.word32Fn);
  }

  addNormal(out: Float32Array, std: number, offset = 0, count = out.length - offset): void {
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 0) {
      throw new TasksError(
        'invalid-option',
        `addNormal: offset and count must be integers >= 0; got ${offset} and ${count}.`,
      );
    }
    if (offset + count > out.length) {
      throw new TasksError(
        'invalid-option',
        `addNormal: offset + count = ${offset + count} exceeds the array length ${out.length}.`,
      );
    }
    this.addNormalFrom(out, offset, out, offset, count, std);
  }

  /**
   * out[outOffset + i] = source[sourceOffset + i] + std·z_i for i < count (z standard normal); `source` may
   * be `out` at the same offset (in place). Ranges are not checked: callers inside the package only.
   */
  addNormalFrom(
    out: Float32Array,
    outOffset: number,
    source: Float32Array,
    sourceOffset: number,
    count: number,
    std: number,
  ): void {
    const kernel = kernelEnabled && count >= KERNEL_MIN_COUNT ? normalKernel() : null;
    if (kernel) {
      this.addNormalWithKernel(kernel, out, outOffset, source, sourceOffset, count, std);
      return;
    }
    loopScratch ??= new LoopScratch();
    const scratch = loopScratch;
    if (std !== scratch.std) {
      for (let i = 0; i < ZIGGURAT_W.length; i++) scratch.widths[i] = ZIGGURAT_W[i] * std;
      scratch.std = std;
    }
    const shift = sourceOffset - outOffset;
    const end = outOffset + count;
    for (let start = outOffset; start < end; start += SLOW_CHUNK) {
      const failures = this.addNormalFast(out, source, shift, start, Math.min(end, start + SLOW_CHUNK), scratch);
      // Words that missed the fast test are completed here, in order, with fresh words of the generator.
      for (let f = 0; f < failures; f++) {
        out[scratch.slowIndex[f]] += std * zigguratSlowPath(scratch.slowWord[f], this.uniformFn, this.word32Fn);
      }
    }
  }

  /**
   * `addNormalFrom` on the WebAssembly kernel, chunk by chunk: the chunk's source values go into the
   * kernel's buffer, the kernel adds the noise (fast loop, then the slow path), and the chunk is copied to
   * `out`. Same chunks, same words, same bits as the JavaScript loop below.
   */
  private addNormalWithKernel(
    kernel: NormalKernel,
    out: Float32Array,
    outOffset: number,
    source: Float32Array,
    sourceOffset: number,
    count: number,
    std: number,
  ): void {
    const buffer = kernel.buffer;
    for (let done = 0; done < count; done += NORMAL_CHUNK) {
      const n = Math.min(NORMAL_CHUNK, count - done);
      buffer.set(source.subarray(sourceOffset + done, sourceOffset + done + n));
      kernel.fill(this.state, n, std);
      out.set(n === NORMAL_CHUNK ? buffer : buffer.subarray(0, n), outOffset + done);
    }
  }

  /**
   * The hot loop of the normal fill over out[start, end): out[i] = source[i + shift] + std·z, generator state
   * in locals. Samples that fail the fast test get out[i] = source[i + shift] and are queued in the
   * scratch's `slowIndex`/`slowWord`; returns how many. The generator is stepped in blocks of four words (the four
   * steps are written out: 20 % faster than a loop of one step); words past `end` in the last block are
   * drawn and discarded.
   */
  private addNormalFast(
    out: Float32Array,
    source: Float32Array,
    shift: number,
    start: number,
    end: number,
    scratch: LoopScratch,
  ): number {
    const { widths, slowIndex, slowWord } = scratch;
    const s = this.state;
    let s0 = s[0];
    let s1 = s[1];
    let s2 = s[2];
    let s3 = s[3];
    let failures = 0;
    for (let i = start; i < end; i += 4) {
      const w0 = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const w1 = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const w2 = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const w3 = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      failures = emitNormal(out, source, i, shift, w0, failures, widths, slowIndex, slowWord);
      if (i + 1 < end) failures = emitNormal(out, source, i + 1, shift, w1, failures, widths, slowIndex, slowWord);
      if (i + 2 < end) failures = emitNormal(out, source, i + 2, shift, w2, failures, widths, slowIndex, slowWord);
      if (i + 3 < end) failures = emitNormal(out, source, i + 3, shift, w3, failures, widths, slowIndex, slowWord);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return failures;
  }

  fork(key: number): Rng {
    return new Xoshiro128StarStar(mix64(this.seed ^ mix64(toSeed64(key, 'key') + GOLDEN_64)));
  }
}

function toSeed64(value: number | bigint, name: string): bigint {
  if (typeof value === 'bigint') return value & MASK_64;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidOptionError(
      name,
      value,
      `The ${name} must be an integer (a safe integer number, or a bigint); pass e.g. ${name === 'seed' ? 'createRng(42)' : 'rng.fork(1)'}.`,
    );
  }
  return BigInt(value) & MASK_64;
}

/**
 * out[outOffset + i] = source[sourceOffset + i] + std·z_i, i < count: the input-noise fill of batch
 * generation, fused with the copy of a noise-free template (one pass over `out`). Uses the fast path of
 * `createRng` generators; any other `Rng` gets a copy followed by `addNormal`.
 */
export function addNormalFrom(
  rng: Rng,
  out: Float32Array,
  outOffset: number,
  source: Float32Array,
  sourceOffset: number,
  count: number,
  std: number,
): void {
  if (rng instanceof Xoshiro128StarStar) {
    rng.addNormalFrom(out, outOffset, source, sourceOffset, count, std);
    return;
  }
  for (let i = 0; i < count; i++) out[outOffset + i] = source[sourceOffset + i];
  rng.addNormal(out, std, outOffset, count);
}

/**
 * Creates the seeded generator used everywhere in molap (xoshiro128**, exact ziggurat normals).
 * Same seed, same stream, on every platform.
 * @param seed any safe integer (negative values are taken modulo 2^64) or a bigint (low 64 bits).
 */
export function createRng(seed: number | bigint): Rng {
  return new Xoshiro128StarStar(toSeed64(seed, 'seed'));
}
