/**
 * The native engine in a web page or a Web Worker: the WebAssembly SIMD kernels where the page may create
 * shared WebAssembly memory (cross-origin isolated) and the JavaScript kernels otherwise; threads over Web
 * Workers (`web-threads.ts`) when asked for, where the page is cross-origin isolated and the engine runs
 * inside a Web Worker.
 */
import { createNativeEngineOn, type NativeEngine, type NativeEngineOptions } from './engine-core.js';
import { createWebThreadPool, webThreadsUnavailable } from './web-threads.js';

export type { NativeEngine, NativeEngineOptions } from './engine-core.js';

/**
 * Creates the native engine. Release it with `dispose()` (it terminates the engine's Web Workers).
 *
 * In a browser `threads` defaults to 1, which runs anywhere. `threads: n` > 1 starts n − 1 Web Workers
 * over the engine's shared memory (results are bit-identical for every n); it needs a cross-origin isolated
 * page (COOP/COEP headers) and a calling thread that may block, i.e. a Web Worker, not the page's main
 * thread.
 * @throws BackendError 'invalid-option' with a hint for `threads` > 1 where that cannot work.
 */
export function createNativeEngine(options: NativeEngineOptions = {}): Promise<NativeEngine> {
  return createNativeEngineOn(options, {
    defaultThreads: () => 1,
    createThreadPool: createWebThreadPool,
    threadsUnavailable: webThreadsUnavailable,
  });
}
