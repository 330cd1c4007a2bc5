/**
 * The native engine's thread pool in Node: its workers are `node:worker_threads` workers running
 * `worker.ts` (bundled into `generated/worker.generated.ts`, started with `eval: true`), given their
 * {@link ThreadInit} as `workerData`. Workers are `unref`ed once ready, so they never keep a process
 * alive, and terminated by the runner's `dispose`. The pool itself is `pool.ts`.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './generated/worker.generated.js';
import type { Kernels } from './kernels.js';
import { type PoolWorker, startThreadPool, type ThreadInit, type WorkerStarter } from './pool.js';
import type { PassRunner } from './runner.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/** Starts a worker thread; it posts 'ready', or the message of the error that stopped it. */
function startNodeWorker(init: ThreadInit): PoolWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (message) => (message === 'ready' ? resolve() : reject(String(message))));
    worker.once('error', reject);
  });
  return {
    ready: ready.then(() => {
      worker.unref();
    }),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

const NODE_WORKERS: WorkerStarter = {
  start: startNodeWorker,
  startHint:
    'run the native engine on one thread (threads: 1, --threads 1), or choose the tfjs engine (--engine tfjs, MOLAP_ENGINE=tfjs)',
};

/**
 * A pool of `threads − 1` worker threads over `memory` plus the calling thread.
 * Resolves once every worker has instantiated the kernels.
 */
export function createThreadPool(
  kernels: Kernels,
  module: WasmModule,
  memory: WasmMemory,
  threads: number,
): Promise<PassRunner> {
  return startThreadPool(kernels, module, memory, threads, NODE_WORKERS);
}
