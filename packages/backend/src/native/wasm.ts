/**
 * Loads the native engine's WebAssembly kernels (compiled from `assembly/` by the package build and
 * embedded as base64) into a shared `WebAssembly.Memory`.
 */
import { KERNELS_WASM_BASE64, MAXIMUM_PAGES } from './generated/kernels.generated.js';
import { type WasmMemory, type WasmModule, webAssembly } from './webassembly.js';

/** The raw exports of the kernel module; pointers are byte offsets into the shared memory. */
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
}

let compiled: WasmModule | undefined;

/** Whether this JavaScript engine validates WebAssembly SIMD128 and shared memory (threads). */
export function wasmSimdSupported(): boolean {
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

/** The compiled kernel module (compiled once per thread, then cached). */
export function kernelModule(): WasmModule {
  if (!compiled) compiled = new (webAssembly().Module)(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  return compiled;
}

/** A shared memory the kernels can import. @param initialPages 64 KiB pages to start with. */
export function createKernelMemory(initialPages: number): WasmMemory {
  return new (webAssembly().Memory)({ initial: initialPages, maximum: MAXIMUM_PAGES, shared: true });
}

/** Instantiates the kernels over `memory` (synchronously: the module is small). */
export function instantiateKernels(memory: WasmMemory, module = kernelModule()): KernelExports {
  const instance = new (webAssembly().Instance)(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
