/**
 * Runs the passes on several threads: the calling thread is thread 0, `threads − 1` worker threads
 * share the WebAssembly memory. A pass is dispatched through a small shared control block (Atomics):
 * the job is copied into shared slots, a generation counter is bumped, every thread runs its share,
 * and the caller waits until all workers have reported. Workers are `unref`ed, so they never keep a
 * process alive, and terminated by {@link ThreadPool.dispose}.
 */
import { Worker } from 'node:worker_threads';
import { BackendError, disposedError } from '../errors.js';
import { WORKER_SOURCE } from './generated/worker.generated.js';
import type { Kernels } from './kernels.js';
import { encodeJob } from './passes.js';
import { CONTROL, JOB_SLOTS, PHASE, runPhase } from './protocol.js';
import type { PassRunner } from './runner.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/** A worker thread of the pool that did not start: BackendError 'engine-unavailable', a failure. */
function workerStartError(worker: number, reason: string, cause?: unknown): BackendError {
  return new BackendError('engine-unavailable', `native engine worker ${worker} failed to start: ${reason}`, {
    hint: 'run the native engine on one thread (threads: 1, --threads 1), or choose the tfjs engine (--engine tfjs, MOLAP_ENGINE=tfjs)',
    kind: 'failure',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A pool of `threads − 1` workers over `memory` plus the calling thread.
 * Resolves once every worker has instantiated the kernels.
 */
export async function createThreadPool(
  kernels: Kernels,
  module: WasmModule,
  memory: WasmMemory,
  threads: number,
): Promise<PassRunner> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.size * 4));
  const slots = new Float64Array(new SharedArrayBuffer(JOB_SLOTS * 8));
  const workers: Worker[] = [];
  try {
    for (let thread = 1; thread < threads; thread++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control: control.buffer, slots: slots.buffer, thread },
      });
      workers.push(worker);
    }
    await Promise.all(
      workers.map(
        (worker, i) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', (message) => {
              if (message === 'ready') resolve();
              else reject(workerStartError(i + 1, String(message)));
            });
            worker.once('error', (error) => reject(workerStartError(i + 1, error.message, error)));
          }),
      ),
    );
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  for (const worker of workers) worker.unref();
  let disposed = false;

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
