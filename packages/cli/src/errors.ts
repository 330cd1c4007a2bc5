/** Exit codes and the two errors the `molap` command raises on purpose. */

/**
 * Exit codes of the `molap` command: 0 ok; 1 the work failed (I/O, training, a broken plugin under
 * `--strict`); 2 usage error (unknown command, flag, task id, strategy or preset, a bad value, a malformed
 * or unknown config key); 130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM). An interruptible
 * command stops at a checkpoint on either signal and says how to resume.
 */
export const ExitCode = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** Details of a `molap` error: what to do about it. */
export interface CliErrorDetails {
  /** One line saying how to fix it, printed as `  hint: …`. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/** The work failed (exit 1). The message is one line; `hint` says what to do. */
export class CommandError extends Error {
  override readonly name: string = 'CommandError';
  readonly hint: string | undefined;
  readonly exitCode: number = ExitCode.failure;

  constructor(problem: string, details: CliErrorDetails = {}) {
    super(problem, details.cause === undefined ? undefined : { cause: details.cause });
    this.hint = details.hint;
  }
}

/** Something typed on the command line or written in the config is wrong (exit 2). */
export class UsageError extends CommandError {
  override readonly name: string = 'UsageError';
  override readonly exitCode: number = ExitCode.usage;
}
