/**
 * The WebAssembly twin of the seeded generator's normal-fill loop (`assembly/normal-fill.ts`, embedded in
 * `normal-kernel.generated.ts`): the same xoshiro128** words and the same ziggurat fast test as the
 * JavaScript loop in `rng.ts`, with the same float64 arithmetic rounded once to float32, so the two give
 * the same bits (a test checks it over millions of samples). It runs about 1.7× faster than the
 * JavaScript loop (no bounds checks). Where `WebAssembly` is missing, `rng.ts` keeps its JavaScript loop.
 *
 * One instance serves every generator (its 54 KiB memory holds one chunk at a time; each call copies the
 * generator state in and out). Created on first use.
 */
import { NORMAL_KERNEL_WASM_BASE64 } from './normal-kernel.generated.js';
import { ZIGGURAT_K, ZIGGURAT_W } from './ziggurat.js';

/** Samples per kernel call: the chunk of the fill (also the length of the slow-path queue). */
export const NORMAL_CHUNK = 4096;

// Byte layout of the kernel memory (one 64 KiB page).
const BUFFER = 0;
const SLOW_INDEX = BUFFER + 4 * NORMAL_CHUNK;
const SLOW_WORD = SLOW_INDEX + 4 * NORMAL_CHUNK;
const THRESHOLDS = SLOW_WORD + 4 * NORMAL_CHUNK;
const WIDTHS = THRESHOLDS + 4 * ZIGGURAT_K.length;
const STATE = WIDTHS + 8 * ZIGGURAT_W.length;

type FillNormal = (
  buffer: number,
  count: number,
  state: number,
  thresholds: number,
  widths: number,
  slowIndex: number,
  slowWord: number,
) => number;

/** The kernel instance and views on its memory. */
export class NormalKernel {
  /** [NORMAL_CHUNK] float32 samples of the current chunk: the caller writes the values noise is added to. */
  readonly buffer: Float32Array;
  /** [NORMAL_CHUNK] positions in `buffer` of the words that need the slow path, after `fill`. */
  readonly slowIndex: Int32Array;
  /** [NORMAL_CHUNK] those words. */
  readonly slowWord: Int32Array;
  private readonly widths: Float64Array;
  private readonly state: Int32Array;
  private readonly fillNormal: FillNormal;
  private std = Number.NaN;

  constructor(instance: WebAssembly.Instance) {
    const memory = instance.exports.memory as WebAssembly.Memory;
    this.fillNormal = instance.exports.fillNormal as FillNormal;
    this.buffer = new Float32Array(memory.buffer, BUFFER, NORMAL_CHUNK);
    this.slowIndex = new Int32Array(memory.buffer, SLOW_INDEX, NORMAL_CHUNK);
    this.slowWord = new Int32Array(memory.buffer, SLOW_WORD, NORMAL_CHUNK);
    new Int32Array(memory.buffer, THRESHOLDS, ZIGGURAT_K.length).set(ZIGGURAT_K);
    this.widths = new Float64Array(memory.buffer, WIDTHS, ZIGGURAT_W.length);
    this.state = new Int32Array(memory.buffer, STATE, 4);
  }

  /**
   * buffer[i] += std·z_i for i < count (count <= NORMAL_CHUNK), drawing the words from the xoshiro128**
   * `state` ([4], advanced in place by ⌈count/4⌉·4 words). Words that fail the fast ziggurat test leave
   * buffer[i] as it was and are queued in `slowIndex`/`slowWord`; returns how many.
   */
  fill(state: Int32Array, count: number, std: number): number {
    if (std !== this.std) {
      for (let i = 0; i < ZIGGURAT_W.length; i++) this.widths[i] = ZIGGURAT_W[i] * std;
      this.std = std;
    }
    this.state.set(state);
    const failures = this.fillNormal(BUFFER, count, STATE, THRESHOLDS, WIDTHS, SLOW_INDEX, SLOW_WORD);
    state.set(this.state);
    return failures;
  }
}

let shared: NormalKernel | null | undefined;

/** The shared kernel, instantiated on first call; null where the engine has no `WebAssembly`. */
export function normalKernel(): NormalKernel | null {
  if (shared === undefined) {
    if (typeof WebAssembly === 'undefined') shared = null;
    else {
      const bytes = Uint8Array.from(atob(NORMAL_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
      shared = new NormalKernel(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
    }
  }
  return shared;
}
