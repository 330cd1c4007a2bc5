/**
 * The worker side of the native engine's thread pool (`pool.ts`), whatever runs it: a Node worker thread
 * (`worker.ts`) or a Web Worker (`web-worker.ts`). It instantiates the kernels over the shared memory,
 * reports 'ready', then runs its share of every pass dispatched through the control block until told
 * to exit. It blocks in `Atomics.wait` between passes, so it never returns to its event loop.
 */
import { decodeJob } from './passes.js';
import type { ThreadInit } from './pool.js';
import { CONTROL, PHASE, runPhase } from './protocol.js';
import type { KernelExports } from './wasm.js';
import { instantiate } from './webassembly.js';

/** Longest failure message copied into the control block, in UTF-16 code units. */
const MESSAGE_UNITS = CONTROL.size - CONTROL.message;

/** Records the first failure of a pass in the control block, for the calling thread to throw. */
function recordFailure(control: Int32Array, thread: number, error: unknown): void {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, MESSAGE_UNITS);
  for (let i = 0; i < message.length; i++) control[CONTROL.message + i] = message.charCodeAt(i);
  control[CONTROL.messageLength] = message.length;
  Atomics.compareExchange(control, CONTROL.failed, 0, thread);
}

/**
 * Serves thread `init.thread` of a pool until the pool exits.
 * @param report called once: with 'ready' when the kernels are instantiated, or with the message of the
 *   error that prevented it (the error is then rethrown).
 */
export function serveThread(init: ThreadInit, report: (message: string) => void): void {
  const control = new Int32Array(init.control);
  const slots = new Float64Array(init.slots);
  let kernels: KernelExports;
  try {
    kernels = instantiate<KernelExports>(init.module, init.memory);
  } catch (error) {
    report(error instanceof Error ? error.message : String(error));
    throw error;
  }
  // Read before reporting ready, so that no dispatch made after 'ready' is missed.
  let generation = Atomics.load(control, CONTROL.generation);
  report('ready');
  for (;;) {
    Atomics.wait(control, CONTROL.generation, generation);
    generation = Atomics.load(control, CONTROL.generation);
    const phase = control[CONTROL.phase];
    if (phase === PHASE.exit) return;
    try {
      runPhase(kernels, phase, decodeJob(slots), init.thread);
    } catch (error) {
      recordFailure(control, init.thread, error);
    }
    Atomics.add(control, CONTROL.done, 1);
    Atomics.notify(control, CONTROL.done);
  }
}
