/**
 * The native engine in a web page or a Web Worker: one thread (the calling one) for now, with the
 * WebAssembly SIMD kernels where the page may create shared WebAssembly memory (cross-origin isolated) and
 * the JavaScript kernels otherwise. Threads over Web Workers are not built yet.
 */
import { createNativeEngineOn, type NativeEngine, type NativeEngineOptions } from './engine-core.js';

export type { NativeEngine, NativeEngineOptions } from './engine-core.js';

/**
 * Creates the native engine (one thread). Release it with `dispose()`.
 * @throws RangeError for `threads` > 1, which needs a thread pool this build does not have in a browser.
 */
export function createNativeEngine(options: NativeEngineOptions = {}): Promise<NativeEngine> {
  return createNativeEngineOn(options, {
    defaultThreads: () => 1,
    noThreadsHint: 'the native engine runs on one thread in a browser for now; pass threads: 1 (or leave it out)',
  });
}
