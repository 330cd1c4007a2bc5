/**
 * The native engine: the leaky RNN of the engine contract on Float32Arrays, with WebAssembly SIMD
 * kernels (AssemblyScript, `assembly/`) over one shared memory, worker threads for multi-core, and a
 * plain-JavaScript fallback with the same passes.
 */
import { availableParallelism } from 'node:os';
import type { Engine, ModelOptions } from '../engine.js';
import { NOISE_TABLE_BYTES, noiseTables } from '../noise.js';
import { createArrayHeap, createWasmHeap, type Heap } from './heap.js';
import { createJsKernels, type Kernels } from './kernels.js';
import { NativeModel } from './model.js';
import { createInlineRunner, createThreadPool, type PassRunner } from './threads.js';
import { createKernelMemory, instantiateKernels, kernelModule, wasmSimdSupported } from './wasm.js';

/** Options of {@link createNativeEngine}. */
export interface NativeEngineOptions {
  /**
   * Threads doing the work, the calling thread included (the others are worker threads over the
   * shared WebAssembly memory). Default: the machine's available parallelism. Results are
   * bit-identical for every thread count. The JavaScript fallback always uses 1.
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
  createModel(options: ModelOptions): NativeModel;
}

/**
 * Creates the native engine. Asynchronous because worker threads are started and must report ready.
 * Release it with `dispose()` (workers are also `unref`ed, so they never keep a process alive).
 */
export async function createNativeEngine(options: NativeEngineOptions = {}): Promise<NativeEngine> {
  const requested = options.simd ?? 'auto';
  if (requested !== 'auto' && typeof requested !== 'boolean') {
    throw new RangeError(`simd must be true, false or 'auto' (got ${String(requested)})`);
  }
  const simdAvailable = requested !== false && wasmSimdSupported();
  if (requested === true && !simdAvailable) {
    throw new Error(
      'WebAssembly SIMD (with shared memory) is not available in this runtime: use simd: false or "auto"',
    );
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a positive integer (got ${threads})`);
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
      threads > 1 ? await createThreadPool(kernels, kernelModule(), memory, threads) : createInlineRunner(kernels);
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
    createModel(modelOptions) {
      if (disposed) throw new Error('the native engine was disposed');
      return new NativeModel(context, modelOptions);
    },
    async dispose() {
      disposed = true;
      await runner.dispose();
    },
  };
}
