/**
 * The WebAssembly twin of the seeded generator's normal fill (`assembly/`, embedded in
 * `normal-kernel.generated.ts`): the same xoshiro128** words in the same order and the same ziggurat
 * (fast test, then the slow path for the queued words) as `addNormalFrom` in `rng.ts`, with the same
 * float64 arithmetic rounded once to float32, so the two give the same bits (tests compare them over
 * millions of samples, tails included). It runs about 2.5× faster than the JavaScript loop (no bounds
 * checks, fixed addresses). Where `WebAssembly` is missing, `rng.ts` keeps its JavaScript loop.
 *
 * One instance serves every generator (its memory holds one chunk at a time; each call copies the
 * generator state in and out). Created on first use.
 */
import { NORMAL_KERNEL_WASM_BASE64 } from './normal-kernel.generated.js';
import { ZIGGURAT_EDGE, ZIGGURAT_F, ZIGGURAT_K, ZIGGURAT_W } from './ziggurat.js';

/** Samples per kernel call: the chunk of the fill (the slow-path queue of the JavaScript loop too). */
export const NORMAL_CHUNK = 4096;

/** The exports of the kernel module (typed here: the package's lib, ES2022 + Node, has no `WebAssembly`). */
interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  /** Memory layout constants (`assembly/layout.ts`), as WebAssembly globals. */
  readonly [layoutConstant: string]: unknown;
  fillNormal(count: number, std: number): number;
}

/** The part of the global `WebAssembly` object used here. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: KernelExports };
}

/** The kernel instance and views on its memory (layout read from the module's exported constants). */
export class NormalKernel {
  /** [NORMAL_CHUNK] float32 values of the current chunk, to which `fill` adds the noise in place. */
  readonly buffer: Float32Array;
  private readonly scaledWidths: Float64Array;
  private readonly state: Int32Array;
  private readonly exports: KernelExports;
  private std = Number.NaN;

  constructor(exports: KernelExports) {
    const address = (name: string) => Number((exports[name] as { value: number }).value);
    if (address('CHUNK') !== NORMAL_CHUNK) {
      throw new Error(`normal kernel: chunk ${address('CHUNK')} != ${NORMAL_CHUNK}; regenerate the kernel.`);
    }
    const memory = exports.memory.buffer;
    this.exports = exports;
    this.buffer = new Float32Array(memory, address('BUFFER'), NORMAL_CHUNK);
    new Int32Array(memory, address('THRESHOLDS'), ZIGGURAT_K.length).set(ZIGGURAT_K);
    new Float64Array(memory, address('LAYER_WIDTHS'), ZIGGURAT_W.length).set(ZIGGURAT_W);
    new Float64Array(memory, address('DENSITY'), ZIGGURAT_F.length).set(ZIGGURAT_F);
    new Float64Array(memory, address('EDGES'), ZIGGURAT_EDGE.length).set(ZIGGURAT_EDGE);
    this.scaledWidths = new Float64Array(memory, address('SCALED_WIDTHS'), ZIGGURAT_W.length);
    this.state = new Int32Array(memory, address('STATE'), 4);
  }

  /**
   * buffer[i] = f32(buffer[i] + std·z_i) for i < count (count <= NORMAL_CHUNK), z_i standard normal drawn
   * from the xoshiro128** `state` ([4], advanced in place). Returns how many samples took the slow path.
   */
  fill(state: Int32Array, count: number, std: number): number {
    if (std !== this.std) {
      for (let i = 0; i < ZIGGURAT_W.length; i++) this.scaledWidths[i] = ZIGGURAT_W[i] * std;
      this.std = std;
    }
    this.state.set(state);
    const slow = this.exports.fillNormal(count, std);
    state.set(this.state);
    return slow;
  }
}

let shared: NormalKernel | null | undefined;

/** The shared kernel, instantiated on first call; null where the engine has no `WebAssembly`. */
export function normalKernel(): NormalKernel | null {
  if (shared === undefined) {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (!api) shared = null;
    else {
      const bytes = Uint8Array.from(atob(NORMAL_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
      shared = new NormalKernel(new api.Instance(new api.Module(bytes), {}).exports);
    }
  }
  return shared;
}
