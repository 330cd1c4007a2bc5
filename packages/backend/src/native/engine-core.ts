/**
 * The native engine: the leaky RNN of the engine contract on Float32Arrays, with WebAssembly SIMD
 * kernels (AssemblyScript, `assembly/`) over one shared memory, threads for multi-core, and a
 * plain-JavaScript fallback with the same passes. Platform-neutral: what the platform offers (its
 * parallelism, a thread pool) comes in a `NativePlatform`; `engine.ts` (Node) and `browser-engine.ts`
 * (web pages) pass theirs.
 */
import type { Engine, ModelOptions } from '../engine.js';
import { BackendError, disposedError, invalidOption } from '../errors.js';
import { NOISE_TABLE_BYTES, noiseTables } from '../noise.js';
import { createArrayHeap, createWasmHeap, type Heap } from './heap.js';
import { createJsKernels, type Kernels } from './kernels.js';
import { NativeModel } from './model.js';
import { createInlineRunner, type PassRunner } from './runner.js';
import { createKernelMemory, instantiateKernels, kernelModule, wasmSimdSupported } from './wasm.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/** Options of {@link createNativeEngine}. */
export interface NativeEngineOptions {
  /**
   * Threads doing the work, the calling thread included (the others are workers over the shared
   * WebAssembly memory: `node:worker_threads` in Node, Web Workers in a browser). Default: the machine's
   * available parallelism in Node, 1 in a browser. Results are bit-identical for every thread count. The
   * JavaScript fallback always uses 1.
   */
  readonly threads?: number;
  /**
   * Kernels: `'auto'` (default) uses WebAssembly SIMD when the runtime supports it and the plain-JS
   * fallback otherwise; `true` requires SIMD (throws without it); `false` forces the JS fallback
   * (same results up to float rounding, much slower; meant for tests and odd runtimes).
   */
  readonly simd?: boolean | 'auto';
}

/** The native engine, with a few introspection helpers beyond {@link Engine}. */
export interface NativeEngine extends Engine {
  readonly name: 'native';
  /** Whether the WebAssembly SIMD kernels run (false: the plain-JS fallback). */
  readonly simd: boolean;
  /** Size of the engine's heap (the WebAssembly memory) in bytes. */
  heapBytes(): number;
  /** Bytes currently allocated in the heap by live models. */
  allocatedBytes(): number;
  /** The heap's high-water mark in bytes: the span ever handed out to models (resident memory; never decreases). */
  highWaterBytes(): number;
  createModel(options: ModelOptions): NativeModel;
}

/** What a runtime offers the native engine. */
export interface NativePlatform {
  /** Threads used when the options name none. */
  defaultThreads(): number;
  /**
   * Starts `threads − 1` threads over `memory` beside the calling thread; absent where the runtime has none
   * for the engine (then `threads > 1` is refused).
   */
  readonly createThreadPool?: (
    kernels: Kernels,
    module: WasmModule,
    memory: WasmMemory,
    threads: number,
  ) => Promise<PassRunner>;
  /**
   * Why `threads > 1` cannot run in the current context (e.g. a web page that is not cross-origin isolated),
   * and what to do instead; undefined when they can. Asked before any thread is started.
   */
  readonly threadsUnavailable?: () => { readonly problem: string; readonly hint: string } | undefined;
}

/** Creates the native engine on `platform` (see `createNativeEngine` of `engine.ts` and `browser-engine.ts`). */
export async function createNativeEngineOn(
  options: NativeEngineOptions,
  platform: NativePlatform,
): Promise<NativeEngine> {
  const requested = options.simd ?? 'auto';
  if (requested !== 'auto' && typeof requested !== 'boolean') {
    throw invalidOption(`simd must be true, false or 'auto' (got ${String(requested)})`);
  }
  const simdAvailable = requested !== false && wasmSimdSupported();
  if (requested === true && !simdAvailable) {
    throw new BackendError(
      'engine-unavailable',
      'WebAssembly SIMD (with shared memory) is not available in this runtime',
      { hint: 'use simd: false or "auto"', kind: 'bad-input' },
    );
  }
  const threads = options.threads ?? platform.defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw invalidOption(`threads must be a positive integer (got ${threads})`);
  }
  const createThreadPool = platform.createThreadPool;
  if (threads > 1) {
    const refusal = createThreadPool
      ? platform.threadsUnavailable?.()
      : { problem: 'this runtime has no thread pool for the native engine', hint: 'pass threads: 1' };
    if (refusal) throw invalidOption(`threads: ${threads} cannot run here: ${refusal.problem}`, refusal.hint);
  }

  let heap: Heap;
  let kernels: Kernels;
  let runner: PassRunner;
  if (simdAvailable) {
    const memory = createKernelMemory(16);
    const exports = instantiateKernels(memory);
    heap = createWasmHeap(memory, exports.heapBase());
    kernels = exports;
    runner =
      threads > 1 && createThreadPool
        ? await createThreadPool(kernels, kernelModule(), memory, threads)
        : createInlineRunner(kernels);
  } else {
    const arrayHeap = createArrayHeap(1 << 20);
    heap = arrayHeap;
    kernels = createJsKernels(() => arrayHeap.buffer());
    runner = createInlineRunner(kernels);
  }
  const tables = heap.allocate(NOISE_TABLE_BYTES);
  new Uint8Array(heap.buffer()).set(noiseTables(), tables);
  const context = { heap, kernels, runner, noiseTables: tables };
  let disposed = false;

  return {
    name: 'native',
    threads: runner.threads,
    simd: simdAvailable,
    heapBytes: () => heap.buffer().byteLength,
    allocatedBytes: () => heap.allocatedBytes(),
    highWaterBytes: () => heap.highWaterBytes(),
    createModel(modelOptions) {
      if (disposed) throw disposedError('the native engine was disposed');
      return new NativeModel(context, modelOptions);
    },
    async dispose() {
      disposed = true;
      await runner.dispose();
    },
  };
}
