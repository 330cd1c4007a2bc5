/**
 * One error base for every molap library: `MolapError { code, problem, hint }`.
 *
 * Identity is a brand (`Symbol.for('molap.error')`), not `instanceof`: the ESM and CommonJS builds of a
 * package hold two copies of each class, and a plugin may bring its own copy of a molap package, so
 * `isMolapError` recognises an error from any copy. `@molap/tasks` and `@molap/backend`, which sit below
 * this package, brand their errors the same way, so one check covers every molap error.
 *
 * `code` is stable (switch on it, never on the message); `problem` says what is wrong in one line, `hint`
 * what to do. `message` holds both, so printing an error is enough.
 */

/** The brand every molap error carries (a registered symbol, the same in every copy of every package). */
export const MOLAP_ERROR_BRAND: unique symbol = Symbol.for('molap.error') as never;

/**
 * Whether an error is the caller's to fix (a bad value, an unknown id, a wrong file: exit code 2 of the
 * CLI) or a failure of the work (I/O, a diverged training, a bug: exit code 1).
 */
export type MolapErrorKind = 'bad-input' | 'failure';

/** What every molap error exposes, whichever package and build raised it. */
export interface MolapErrorLike extends Error {
  readonly [MOLAP_ERROR_BRAND]: true;
  /** Stable code, e.g. 'invalid-option', 'unknown-id', 'file-format', 'training-diverged'. */
  readonly code: string;
  /** What is wrong, one line. */
  readonly problem: string;
  /** What to do about it, when known. */
  readonly hint: string | undefined;
  /** The caller's to fix, or a failure of the work. Missing on older errors: treat as 'failure'. */
  readonly kind?: MolapErrorKind;
}

/** Details of a `MolapError`. */
export interface MolapErrorDetails {
  /** What to do about it (one line). */
  readonly hint?: string;
  /** Default: 'bad-input' for the codes of `BAD_INPUT_CODES`, else 'failure'. */
  readonly kind?: MolapErrorKind;
  readonly cause?: unknown;
}

/** Codes that mean the caller gave something wrong (exit code 2 of the CLI) unless an error says otherwise. */
export const BAD_INPUT_CODES: ReadonlySet<string> = new Set([
  'invalid-option',
  'unknown-id',
  'duplicate-id',
  'invalid-plugin',
  'file-format',
  'file-version',
  'incompatible',
  'usage',
]);

/** The error of the molap libraries (see the module comment). */
export class MolapError extends Error implements MolapErrorLike {
  override name = 'MolapError';
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code: string;
  readonly problem: string;
  readonly hint: string | undefined;
  readonly kind: MolapErrorKind;

  constructor(code: string, problem: string, details: MolapErrorDetails = {}) {
    super(
      details.hint === undefined ? problem : `${problem}\n  hint: ${details.hint}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.problem = problem;
    this.hint = details.hint;
    this.kind = details.kind ?? (BAD_INPUT_CODES.has(code) ? 'bad-input' : 'failure');
  }
}

/**
 * An option or argument has a value the library cannot use (code 'invalid-option'). The message names the
 * option and says what it must be.
 */
export class InvalidValueError extends MolapError {
  override name = 'InvalidValueError';
  constructor(problem: string, details: Omit<MolapErrorDetails, 'kind'> = {}) {
    super('invalid-option', problem, details);
  }
}

/** Whether `error` is a molap error of any package, build or copy (by its brand). */
export function isMolapError(error: unknown): error is MolapErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [MOLAP_ERROR_BRAND]?: unknown })[MOLAP_ERROR_BRAND] === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** 'bad-input' or 'failure' for any error: molap errors say, everything else is a failure. */
export function errorKind(error: unknown): MolapErrorKind {
  if (!isMolapError(error)) return 'failure';
  return error.kind ?? (BAD_INPUT_CODES.has(error.code) ? 'bad-input' : 'failure');
}
