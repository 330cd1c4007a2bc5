/**
 * The WebAssembly twin of the seeded generator's normal-fill loop (`assembly/normal-fill.ts`, embedded in
 * `normal-kernel.generated.ts`): the same xoshiro128** words and the same ziggurat fast test as the
 * JavaScript loop in `rng.ts`, with the same float64 arithmetic rounded once to float32, so the two give
 * the same bits (tests compare them over millions of samples). It runs about 2.5× faster than the
 * JavaScript loop (no bounds checks, fixed addresses). Where `WebAssembly` is missing, `rng.ts` keeps its
 * JavaScript loop.
 *
 * One instance serves every generator (its memory holds one chunk at a time; each call copies the
 * generator state in and out). Created on first use.
 */
import { NORMAL_KERNEL_WASM_BASE64 } from './normal-kernel.generated.js';
import { ZIGGURAT_K, ZIGGURAT_W } from './ziggurat.js';

/** Samples per kernel call: the chunk of the fill, also the length of the slow-path queue. */
export const NORMAL_CHUNK = 4096;

/** The kernel instance and views on its memory (layout read from the module's exported constants). */
export class NormalKernel {
  /** [NORMAL_CHUNK] float32 values of the current chunk, to which `fill` adds the noise in place. */
  readonly buffer: Float32Array;
  /** [NORMAL_CHUNK] positions in `buffer` of the words that need the slow path, after `fill`. */
  readonly slowIndex: Int32Array;
  /** [NORMAL_CHUNK] those words. */
  readonly slowWord: Int32Array;
  private readonly widths: Float64Array;
  private readonly state: Int32Array;
  private readonly fillNormal: (count: number) => number;
  private std = Number.NaN;

  constructor(instance: WebAssembly.Instance) {
    const exports = instance.exports;
    const address = (name: string) => Number((exports[name] as WebAssembly.Global).value);
    if (address('CHUNK') !== NORMAL_CHUNK) {
      throw new Error(`normal kernel: chunk ${address('CHUNK')} != ${NORMAL_CHUNK}; run the generate script.`);
    }
    const memory = (exports.memory as WebAssembly.Memory).buffer;
    this.fillNormal = exports.fillNormal as (count: number) => number;
    this.buffer = new Float32Array(memory, address('BUFFER'), NORMAL_CHUNK);
    this.slowIndex = new Int32Array(memory, address('SLOW_INDEX'), NORMAL_CHUNK);
    this.slowWord = new Int32Array(memory, address('SLOW_WORD'), NORMAL_CHUNK);
    new Int32Array(memory, address('THRESHOLDS'), ZIGGURAT_K.length).set(ZIGGURAT_K);
    this.widths = new Float64Array(memory, address('WIDTHS'), ZIGGURAT_W.length);
    this.state = new Int32Array(memory, address('STATE'), 4);
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
    const failures = this.fillNormal(count);
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
