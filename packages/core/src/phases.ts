/**
 * Where a thread's time goes: wall seconds per phase of work, for profiles of whole studies
 * (`npm run bench -- study`). The learning loop, evaluations and file writes mark their phases with
 * `timePhase`; a profiler reads `phaseSeconds()` before and after a piece of work and takes the difference.
 *
 * Phases are exclusive: a phase entered inside another pauses the outer one (an evaluation during training
 * counts as evaluation, not training; the batches an evaluation set is generated from count as batches).
 * Time outside every phase is not counted here; a profiler shows it as "other" (model set-up, analyses that
 * are not evaluations, the strategy's own bookkeeping).
 *
 * The clock is per thread (module state): work in worker threads counts in their own clock. Phases nest by
 * their start and end; async work marked with `timePhase` must not interleave with other marked work in the
 * same thread (a study runs one job at a time per thread), or time is counted to the wrong phase. The cost is
 * two `performance.now()` calls per marked call, a few thousand per study.
 */

/**
 * Phases of work.
 * - `batches`: generating task trials (training batches and evaluation sets).
 * - `training`: optimiser steps in the engine (forward, backward, update; checkpoints written during training).
 * - `evaluation`: forward passes and scoring of evaluations (learning curves, perturbations, held-out tests).
 * - `files`: atomic writes of JSON documents (learning curves, job outputs, results).
 */
export type WorkPhase = 'batches' | 'training' | 'evaluation' | 'files';

/** The phases, in the order profiles show them. */
export const WORK_PHASES: readonly WorkPhase[] = ['batches', 'training', 'evaluation', 'files'];

const totals: Record<WorkPhase, number> = { batches: 0, training: 0, evaluation: 0, files: 0 };
/** Phases entered and not yet left, innermost last. */
const open: WorkPhase[] = [];
/** `performance.now()` when the innermost open phase last started counting (ms). */
let countingSince = 0;

function enter(phase: WorkPhase): void {
  const now = performance.now();
  const outer = open[open.length - 1];
  if (outer !== undefined) totals[outer] += (now - countingSince) / 1000;
  open.push(phase);
  countingSince = now;
}

function leave(): void {
  const now = performance.now();
  const phase = open.pop();
  if (phase !== undefined) totals[phase] += (now - countingSince) / 1000;
  countingSince = now;
}

/**
 * Runs `work` as `phase` and returns its result; for work that returns a promise, the phase lasts until the
 * promise settles.
 */
export function timePhase<T>(phase: WorkPhase, work: () => T): T {
  enter(phase);
  let result: T;
  try {
    result = work();
  } catch (error) {
    leave();
    throw error;
  }
  if (result instanceof Promise) {
    return result.finally(leave) as T;
  }
  leave();
  return result;
}

/**
 * Seconds this thread has spent in each phase since it started, including the phase running now up to this
 * moment. Take the difference of two readings to profile the work between them.
 */
export function phaseSeconds(): Readonly<Record<WorkPhase, number>> {
  const reading = { ...totals };
  const current = open[open.length - 1];
  if (current !== undefined) reading[current] += (performance.now() - countingSince) / 1000;
  return reading;
}
