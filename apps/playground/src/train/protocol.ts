/** Messages between the page and the training worker (`worker.ts`). */
import type { LiveEngineKind } from './engines.js';
import type { Evaluation, EvaluationPerturbation, LiveModelKind } from './session.js';

/** A module-bank folder's files as the page read them (a fetch of the shipped bank, or a file picker). */
export interface BankFilesMessage {
  /** Where the files come from, in words: 'the shipped bank' or 'the picked bank'. */
  readonly source: string;
  /** Where each file comes from (a URL path or a picked file's name), for messages. */
  readonly paths: { readonly bank: string; readonly modelJson: string; readonly weights: string };
  /** The text of `bank.json`. */
  readonly bank: string;
  /** The text of `modules/model.json`. */
  readonly modelJson: string;
  /** The bytes of `modules/weights.bin`. */
  readonly weights: ArrayBuffer;
}

export type ToWorker =
  | { readonly type: 'start' }
  | { readonly type: 'stop' }
  | { readonly type: 'reset' }
  /** Learn another task: the session starts again from step 0 on it. */
  | { readonly type: 'task'; readonly id: string }
  /**
   * Train on another engine from now on: the session starts again from step 0 on it, and the engine is created
   * at once ('ready', or 'engine-error' where it cannot run here).
   */
  | { readonly type: 'engine'; readonly kind: LiveEngineKind }
  /** Train another model: the session starts again from step 0 with it. */
  | { readonly type: 'model'; readonly kind: LiveModelKind }
  /**
   * Use this module bank for `molap` and `random-modules` from now on (a session on the previous bank starts
   * again from step 0). A bank that does not decode, or does not fit the tasks, is refused with a 'bank-error'
   * and the previous one stays.
   */
  | { readonly type: 'bank'; readonly files: BankFilesMessage }
  /** How the evaluations are perturbed from now on (re-evaluated at once when stopped). */
  | { readonly type: 'perturb'; readonly perturbation: EvaluationPerturbation }
  /** Which evaluation trial every evaluation returns as its example from now on (re-evaluated when stopped). */
  | { readonly type: 'example'; readonly trial: number };

export type FromWorker =
  | {
      readonly type: 'ready';
      /** The engine of the menu that is ready. */
      readonly kind: LiveEngineKind;
      /** The engine's own name, e.g. 'native' or 'tfjs-webgl'. */
      readonly engine: string;
      readonly simd: boolean;
      /** What computes, in words (e.g. 'WebAssembly SIMD kernels'). */
      readonly kernels: string;
      readonly threads: number;
      readonly task: string;
      /** Tasks the worker can teach, in the order of the menu. */
      readonly tasks: readonly string[];
    }
  | {
      readonly type: 'progress';
      readonly evaluation: Evaluation;
      /** Training steps per second over the last chunk (training only, evaluation excluded). */
      readonly stepsPerSecond: number;
      readonly running: boolean;
    }
  | {
      readonly type: 'state';
      readonly running: boolean;
      readonly step: number;
      readonly task: string;
      readonly model: LiveModelKind;
      readonly engine: LiveEngineKind;
      /** Tasks the model learns (`multitask`: its corpus with the task). */
      readonly taskIds: readonly string[];
      /** Units per module of the model, in order (one lesion checkbox each). */
      readonly modules: readonly number[];
    }
  /** A bank was decoded and is in use: what it is, in words. */
  | { readonly type: 'bank'; readonly description: string; readonly source: string }
  /** A bank was refused (the previous one, if any, stays in use). */
  | { readonly type: 'bank-error'; readonly message: string; readonly source: string }
  /**
   * The chosen engine cannot run here (e.g. webgl without WebGL2): what is wrong and the fix. Nothing trains
   * until another engine is chosen; the rest of the page is unaffected.
   */
  | { readonly type: 'engine-error'; readonly kind: LiveEngineKind; readonly problem: string; readonly hint: string }
  | { readonly type: 'error'; readonly message: string };
