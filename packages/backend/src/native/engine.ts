/**
 * The native engine in Node: threads are worker threads (`node:worker_threads`), by default as many as the
 * machine's available parallelism.
 */
import { availableParallelism } from 'node:os';
import { createNativeEngineOn, type NativeEngine, type NativeEngineOptions } from './engine-core.js';
import { createThreadPool } from './threads.js';

export type { NativeEngine, NativeEngineOptions } from './engine-core.js';

/**
 * Creates the native engine. Asynchronous because worker threads are started and must report ready.
 * Release it with `dispose()` (workers are also `unref`ed, so they never keep a process alive).
 */
export function createNativeEngine(options: NativeEngineOptions = {}): Promise<NativeEngine> {
  return createNativeEngineOn(options, { defaultThreads: availableParallelism, createThreadPool });
}
