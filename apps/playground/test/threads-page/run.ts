/** What the test page's worker is asked, and what it answers. */

/** Train the playground's session (fdgo, modular network, seed of `DEFAULT_SESSION`) on `threads` threads. */
export interface RunRequest {
  readonly threads: number;
  /** Training steps, one loss each. */
  readonly steps: number;
}

/** The engine's report and the session's numbers, or the error that stopped it. */
export type RunResult =
  | {
      readonly threads: number;
      readonly simd: boolean;
      /** Batch loss of every training step, in order. */
      readonly losses: readonly number[];
      /** Loss and performance on the session's evaluation set after the last step. */
      readonly evaluation: { readonly loss: number; readonly performance: number };
    }
  | { readonly error: string; readonly hint?: string };
