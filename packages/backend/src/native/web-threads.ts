/**
 * The native engine's thread pool in a web page: its workers are Web Workers running `web-worker.ts`
 * (bundled into `generated/web-worker.generated.ts` and started from a Blob URL, so a user's bundler needs
 * no configuration, and the workers inherit the page's cross-origin isolation), given their
 * {@link ThreadInit} as their first message. The pool itself is `pool.ts`.
 *
 * Threads need shared memory, hence a cross-origin isolated page (COOP/COEP headers), and a calling thread
 * that may block in `Atomics.wait`, hence a Web Worker: a page's main thread may not.
 * {@link webThreadsUnavailable} says which is missing.
 */
import { WEB_WORKER_SOURCE } from './generated/web-worker.generated.js';
import type { Kernels } from './kernels.js';
import { type PoolWorker, startThreadPool, type ThreadInit, type WorkerStarter } from './pool.js';
import type { PassRunner } from './runner.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/** The part of a Web Worker used here (the package's TypeScript lib has no DOM). */
interface WebWorker {
  postMessage(message: ThreadInit): void;
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
}

interface WebWorkerGlobals {
  Worker?: new (url: string, options: { name: string }) => WebWorker;
  crossOriginIsolated?: boolean;
}

const globals = globalThis as unknown as WebWorkerGlobals;

/** Why threads cannot run here, and what to do instead. */
export interface ThreadsRefusal {
  readonly problem: string;
  readonly hint: string;
}

/** Whether this thread may block in `Atomics.wait` (a Web Worker may; a page's main thread may not). */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why `threads > 1` cannot run in this browser context, or undefined when they can. */
export function webThreadsUnavailable(): ThreadsRefusal | undefined {
  if (globals.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') {
    return {
      problem: 'the page is not cross-origin isolated, so it has no shared memory for threads',
      hint: 'serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (docs/playground.md, "Host it as static files"), or pass threads: 1',
    };
  }
  if (!globals.Worker) {
    return { problem: 'this context cannot start Web Workers', hint: 'pass threads: 1' };
  }
  if (!mayBlock()) {
    return {
      problem:
        "the calling thread must wait for the engine's workers (Atomics.wait), which a page's main thread may not",
      hint: 'create the engine inside a Web Worker and train there (as the playground does), or pass threads: 1',
    };
  }
  return undefined;
}

/** Starts one Web Worker from `url`; it posts 'ready', or the message of the error that stopped it. */
function startWebWorker(url: string, init: ThreadInit): PoolWorker {
  const Worker = globals.Worker;
  if (!Worker) throw new Error('this context cannot start Web Workers');
  const worker = new Worker(url, { name: `molap native thread ${init.thread}` });
  const ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('message', (event) => (event.data === 'ready' ? resolve() : reject(String(event.data))));
    worker.addEventListener('error', (event) =>
      reject(event.message ?? 'the worker script did not load (a Content-Security-Policy without worker-src blob:?)'),
    );
  });
  worker.postMessage(init);
  return {
    ready,
    terminate: async () => worker.terminate(),
  };
}

/**
 * A pool of `threads − 1` Web Workers over `memory` plus the calling thread (which must be a Web Worker of a
 * cross-origin isolated page: see {@link webThreadsUnavailable}). Resolves once every worker has
 * instantiated the kernels.
 */
export async function createWebThreadPool(
  kernels: Kernels,
  module: WasmModule,
  memory: WasmMemory,
  threads: number,
): Promise<PassRunner> {
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  const starter: WorkerStarter = {
    start: (init) => startWebWorker(url, init),
    startHint: 'run the native engine on one thread (threads: 1)',
  };
  try {
    return await startThreadPool(kernels, module, memory, threads, starter);
  } finally {
    URL.revokeObjectURL(url);
  }
}
