/**
 * Loads the native engine's WebAssembly kernels (compiled from `assembly/` by the package build and
 * embedded as base64) into a shared `WebAssembly.Memory`.
 */
import { KERNELS_WASM_BASE64, MAXIMUM_PAGES } from './generated/kernels.generated.js';
import { instantiate, type WasmMemory, type WasmModule, webAssembly } from './webassembly.js';

/**
 * The raw exports of the kernel module (contracts in `assembly/*.ts`). Pointers are byte offsets into
 * the shared memory, leading dimensions are in elements, booleans are passed as 0 / 1.
 */
export interface KernelExports {
  heapBase(): number;
  noise(
    tables: number,
    key0: number,
    key1: number,
    startLow: number,
    startHigh: number,
    count: number,
    out: number,
    scale: number,
    accumulate: number,
  ): void;
  gemmNT(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    accumulate: number,
  ): void;
  activate(
    rows: number,
    cols: number,
    pre: number,
    hPrev: number,
    mask: number,
    deriv: number,
    kind: number,
    alpha: number,
  ): void;
  readout(
    rows: number,
    cols: number,
    z: number,
    target: number,
    mask: number,
    kind: number,
    lossScale: number,
    dz: number,
    rowLoss: number,
  ): void;
  backwardStep(rows: number, cols: number, g: number, mask: number, deriv: number, dpre: number, alpha: number): void;
  fillRows(rows: number, cols: number, dst: number, ld: number, src: number): void;
  transpose(rows: number, cols: number, src: number, lds: number, dst: number, ldd: number): void;
  rowSums(rows: number, cols: number, src: number, ld: number, dst: number, accumulate: number): void;
  sumSquares(x: number, count: number): number;
  scale(x: number, count: number, factor: number): void;
  clipValue(x: number, count: number, limit: number): void;
  addInto(dst: number, src: number, count: number): void;
  adam(
    count: number,
    param: number,
    grad: number,
    m: number,
    v: number,
    lrT: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): void;
}

let compiled: WasmModule | undefined;

/**
 * Whether this JavaScript engine validates WebAssembly SIMD128 and may create shared memory (threads; a web
 * page may only where it is cross-origin isolated).
 */
export function wasmSimdSupported(): boolean {
  try {
    kernelModule();
    new (webAssembly().Memory)({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** The compiled kernel module (compiled once per thread, then cached). */
export function kernelModule(): WasmModule {
  // atob (not Node's Buffer) so that the same code runs in web pages; a Web Worker may compile synchronously.
  if (!compiled)
    compiled = new (webAssembly().Module)(Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0)));
  return compiled;
}

/** A shared memory the kernels can import. @param initialPages 64 KiB pages to start with. */
export function createKernelMemory(initialPages: number): WasmMemory {
  return new (webAssembly().Memory)({ initial: initialPages, maximum: MAXIMUM_PAGES, shared: true });
}

/** Instantiates the kernels over `memory` (synchronously: the module is small). */
export function instantiateKernels(memory: WasmMemory, module = kernelModule()): KernelExports {
  return instantiate<KernelExports>(module, memory);
}
