/**
 * The small part of the WebAssembly JS API the native engine uses, typed locally: the package's
 * TypeScript lib (ES2022 + Node) has no `WebAssembly` namespace, and pulling in the DOM lib would leak
 * browser globals into every consumer's types.
 */

import { BackendError } from '../errors.js';

/** A compiled module (opaque; structured-cloneable to worker threads). */
export type WasmModule = object;

/** A linear memory; `buffer` is a `SharedArrayBuffer` for shared memories. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` 64 KiB pages; returns the previous size in pages. */
  grow(pages: number): number;
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The global `WebAssembly` object (throws a clear error where the runtime has none). */
export function webAssembly(): WebAssemblyApi {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) {
    throw new BackendError('engine-unavailable', 'this JavaScript runtime has no WebAssembly', {
      hint: 'use the native engine with simd: false',
      kind: 'bad-input',
    });
  }
  return api;
}

/** Instantiates a compiled module whose only import is `env.memory`; returns its exports. */
export function instantiate<Exports>(module: WasmModule, memory: WasmMemory): Exports {
  return new (webAssembly().Instance)(module, { env: { memory } }).exports as Exports;
}
