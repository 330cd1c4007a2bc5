/** Messages between the page and the training worker (`worker.ts`). */
import type { Evaluation } from './session.js';

export type ToWorker =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'reset' }
  | { readonly type: 'lesion'; readonly modules: readonly number[] };

export type FromWorker =
  | {
      readonly type: 'ready';
      readonly engine: string;
      readonly simd: boolean;
      readonly threads: number;
      readonly task: string;
      readonly modules: readonly number[];
    }
  | {
      readonly type: 'progress';
      readonly evaluation: Evaluation;
      /** Training steps per second over the last chunk (training only, evaluation excluded). */
      readonly stepsPerSecond: number;
      readonly running: boolean;
    }
  | { readonly type: 'state'; readonly running: boolean; readonly step: number }
  | { readonly type: 'error'; readonly message: string };
