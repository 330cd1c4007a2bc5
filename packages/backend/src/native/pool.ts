/**
 * A thread pool of the native engine, whatever starts its workers: the calling thread is thread 0, and
 * `threads − 1` workers share the WebAssembly memory. A pass is dispatched through a small shared control
 * block (Atomics, layout in `protocol.ts`): the job is copied into shared slots, a generation counter is
 * bumped, every thread runs its share, and the caller waits until all workers have reported.
 *
 * The platforms differ only in how a worker is started and told its {@link ThreadInit}: Node's
 * `worker_threads` (`threads.ts`) and the browser's Web Workers (`web-threads.ts`). The worker side is
 * `serve.ts`. The caller waits with `Atomics.wait`, so it must be allowed to block (not a page's main thread).
 */
import { BackendError, disposedError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { encodeJob } from './passes.js';
import { CONTROL, JOB_SLOTS, PHASE, runPhase } from './protocol.js';
import type { PassRunner } from './runner.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/** What a worker is given when it starts: everything it shares with the calling thread. */
export interface ThreadInit {
  /** The compiled kernels (structured-cloneable between threads of one process or page). */
  readonly module: WasmModule;
  /** The shared WebAssembly memory all threads compute in. */
  readonly memory: WasmMemory;
  /** Int32 control block, `CONTROL.size` slots. */
  readonly control: SharedArrayBuffer;
  /** Float64 job slots, `JOB_SLOTS` of them. */
  readonly slots: SharedArrayBuffer;
  /** Index of this thread, 1 … threads − 1 (the calling thread is 0). */
  readonly thread: number;
}

/** A started worker, as the pool sees it. */
export interface PoolWorker {
  /** Resolves once the worker has instantiated the kernels; rejects with the reason it did not. */
  readonly ready: Promise<void>;
  /** Stops the worker (it may be blocked in `Atomics.wait`). */
  terminate(): Promise<void>;
}

/** How a platform starts its workers. */
export interface WorkerStarter {
  /** Starts the worker of `init.thread` and hands it `init`. */
  start(init: ThreadInit): PoolWorker;
  /** What to do when a worker does not start (the hint of the 'engine-unavailable' error). */
  readonly startHint: string;
}

/** A worker of the pool that did not start: BackendError 'engine-unavailable', a failure. */
function workerStartError(thread: number, reason: unknown, hint: string): BackendError {
  return new BackendError(
    'engine-unavailable',
    `native engine worker ${thread} failed to start: ${reason instanceof Error ? reason.message : String(reason)}`,
    { hint, kind: 'failure', ...(reason instanceof Error ? { cause: reason } : {}) },
  );
}

/**
 * A pool of `threads − 1` workers over `memory` plus the calling thread, started by `starter`.
 * Resolves once every worker has instantiated the kernels; if one fails, all are stopped and the promise
 * rejects with BackendError 'engine-unavailable'.
 */
export async function startThreadPool(
  kernels: Kernels,
  module: WasmModule,
  memory: WasmMemory,
  threads: number,
  starter: WorkerStarter,
): Promise<PassRunner> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.size * 4));
  const slots = new Float64Array(new SharedArrayBuffer(JOB_SLOTS * 8));
  const workers: PoolWorker[] = [];
  try {
    for (let thread = 1; thread < threads; thread++) {
      const init: ThreadInit = { module, memory, control: control.buffer, slots: slots.buffer, thread };
      let worker: PoolWorker;
      try {
        worker = starter.start(init);
      } catch (error) {
        throw workerStartError(thread, error, starter.startHint);
      }
      workers.push(worker);
    }
    await Promise.all(
      workers.map((worker, i) =>
        worker.ready.catch((reason: unknown) => {
          throw workerStartError(i + 1, reason, starter.startHint);
        }),
      ),
    );
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  let disposed = false;

  /** Blocks until every worker has counted itself done: spins briefly (passes are short), then waits. */
  const waitForWorkers = () => {
    const expected = threads - 1;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (done >= expected) return;
      if (++spins < 20000) continue;
      Atomics.wait(control, CONTROL.done, done, 50);
    }
  };

  return {
    threads,
    run(phase, job) {
      if (disposed) throw disposedError('the native engine was disposed');
      const shared = { ...job, threads };
      encodeJob(shared, slots);
      control[CONTROL.phase] = phase;
      Atomics.store(control, CONTROL.done, 0);
      Atomics.add(control, CONTROL.generation, 1);
      Atomics.notify(control, CONTROL.generation);
      let failure: unknown;
      try {
        runPhase(kernels, phase, shared, 0);
      } catch (error) {
        failure = error;
      }
      waitForWorkers();
      if (failure) throw failure;
      const failed = Atomics.load(control, CONTROL.failed);
      if (failed) {
        const length = control[CONTROL.messageLength];
        const message = String.fromCharCode(...control.subarray(CONTROL.message, CONTROL.message + length));
        Atomics.store(control, CONTROL.failed, 0);
        throw new BackendError('engine-failed', `native engine worker ${failed} failed: ${message}`);
      }
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      control[CONTROL.phase] = PHASE.exit;
      Atomics.add(control, CONTROL.generation, 1);
      Atomics.notify(control, CONTROL.generation);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
