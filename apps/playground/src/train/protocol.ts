/** Messages between the page and the training worker (`worker.ts`). */
import type { Evaluation, EvaluationPerturbation } from './session.js';

export type ToWorker =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'reset' }
  /** Learn another task: the session starts again from step 0 on it. */
  | { readonly type: 'task'; readonly id: string }
  /** How the evaluations are perturbed from now on (re-evaluated at once when stopped). */
  | { readonly type: 'perturb'; readonly perturbation: EvaluationPerturbation };

export type FromWorker =
  | {
      readonly type: 'ready';
      readonly engine: string;
      readonly simd: boolean;
      readonly threads: number;
      readonly task: string;
      /** Tasks the worker can teach, in the order of the menu. */
      readonly tasks: readonly string[];
      readonly modules: readonly number[];
    }
  | {
      readonly type: 'progress';
      readonly evaluation: Evaluation;
      /** Training steps per second over the last chunk (training only, evaluation excluded). */
      readonly stepsPerSecond: number;
      readonly running: boolean;
    }
  | { readonly type: 'state'; readonly running: boolean; readonly step: number; readonly task: string }
  | { readonly type: 'error'; readonly message: string };
