/**
 * What the calling thread and the worker threads of the native engine agree on: the layout of the
 * shared control block and the pass codes.
 */
import type { Kernels } from './kernels.js';
import { type PassJob, runTrials, runWeightGradients } from './passes.js';

/** Slots of the Int32 control block. */
export const CONTROL = {
  generation: 0,
  phase: 1,
  done: 2,
  /** 1 + index of the first worker that failed, 0 when none did. */
  failed: 3,
  messageLength: 4,
  message: 5,
  size: 5 + 512,
} as const;

/** Pass codes written to the control block. */
export const PHASE = { trials: 1, weightGradients: 2, exit: 3 } as const;

/** Float64 job slots: room for jobs with up to ~4000 modules. */
export const JOB_SLOTS = 8192;

/** Runs a pass of `job` for `thread` with `kernels` (what a worker does per dispatch). */
export function runPhase(kernels: Kernels, phase: number, job: PassJob, thread: number): void {
  if (phase === PHASE.trials) runTrials(kernels, job, thread);
  else if (phase === PHASE.weightGradients) runWeightGradients(kernels, job, thread);
  else throw new Error(`unknown native pass ${phase}`);
}
