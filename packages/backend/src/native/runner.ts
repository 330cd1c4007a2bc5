/**
 * How a pass runs: on the calling thread only (`createInlineRunner`, any runtime) or on a pool of threads
 * (`pool.ts`: Node worker threads by `threads.ts`, Web Workers by `web-threads.ts`).
 */
import type { Kernels } from './kernels.js';
import type { PassJob } from './passes.js';
import { type PHASE, runPhase } from './protocol.js';

/** Runs one pass of a job on all threads and returns when every thread is done. */
export interface PassRunner {
  readonly threads: number;
  run(phase: typeof PHASE.trials | typeof PHASE.weightGradients, job: PassJob): void;
  dispose(): Promise<void>;
}

/** The single-threaded runner: the calling thread does all the work. */
export function createInlineRunner(kernels: Kernels): PassRunner {
  return {
    threads: 1,
    run: (phase, job) => runPhase(kernels, phase, { ...job, threads: 1 }, 0),
    dispose: async () => {},
  };
}
