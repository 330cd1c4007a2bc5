/**
 * Entry of a native-engine worker thread (bundled into `generated/worker.generated.ts` by the build and
 * started with `eval: true`). It instantiates the kernels over the shared memory, reports `ready`,
 * then runs its share of every pass dispatched through the control block until told to exit.
 */
import type * as WorkerThreads from 'node:worker_threads';
import { decodeJob } from './passes.js';
import { CONTROL, PHASE, runPhase } from './protocol.js';
import type { KernelExports } from './wasm.js';
import { instantiate, type WasmMemory, type WasmModule } from './webassembly.js';

interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  thread: number;
}

// No import or require of Node built-ins: the bundled script runs as CommonJS or as an ES module
// depending on the parent's flags (e.g. --input-type=module is inherited by eval workers).
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads') as typeof WorkerThreads;
const data = workerData as WorkerData;
const control = new Int32Array(data.control);
const slots = new Float64Array(data.slots);

function fail(error: unknown): void {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 512);
  for (let i = 0; i < message.length; i++) control[CONTROL.message + i] = message.charCodeAt(i);
  control[CONTROL.messageLength] = message.length;
  Atomics.compareExchange(control, CONTROL.failed, 0, data.thread);
}

/** Serves dispatches after `generation` (read before reporting ready, so none is missed). */
function serve(kernels: KernelExports, generation: number): void {
  for (;;) {
    Atomics.wait(control, CONTROL.generation, generation);
    generation = Atomics.load(control, CONTROL.generation);
    const phase = control[CONTROL.phase];
    if (phase === PHASE.exit) return;
    try {
      runPhase(kernels, phase, decodeJob(slots), data.thread);
    } catch (error) {
      fail(error);
    }
    Atomics.add(control, CONTROL.done, 1);
    Atomics.notify(control, CONTROL.done);
  }
}

let kernels: KernelExports;
try {
  kernels = instantiate<KernelExports>(data.module, data.memory);
} catch (error) {
  parentPort?.postMessage(error instanceof Error ? error.message : String(error));
  throw error;
}
const generation = Atomics.load(control, CONTROL.generation);
parentPort?.postMessage('ready');
serve(kernels, generation);
