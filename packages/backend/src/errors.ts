/**
 * The brand of molap errors (`Symbol.for('molap.error')`): errors carrying it, with a `code`, a `problem`,
 * a `hint` and a `kind`, are recognised by `isMolapError` of @molap/core whatever copy or build of a package
 * threw them (this package sits below @molap/core, so it brands its errors itself).
 */
export const MOLAP_ERROR_BRAND: unique symbol = Symbol.for('molap.error') as never;

/**
 * The codes of `BAD_INPUT_CODES` of @molap/core (the caller's to fix), for the default `kind` of `BackendError`: a copy,
 * because this package sits below core; core's test `error-codes.test.ts` keeps the two lists equal. Not part of
 * the package's exports.
 */
export const BAD_INPUT_CODES: readonly string[] = [
  'invalid-option',
  'unknown-id',
  'duplicate-id',
  'invalid-plugin',
  'file-format',
  'file-version',
  'incompatible',
  'usage',
];

/**
 * A molap error of this package with any code: the shape of `MolapError` of @molap/core (which sits above
 * this package), branded the same way, so `isMolapError` and `errorKind` recognise it. `kind` defaults to
 * 'bad-input' for the codes the caller fixes (`invalid-option`, `incompatible`, …) and to 'failure'
 * otherwise.
 */
export class BackendError extends Error {
  override readonly name = 'MolapError';
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code: string;
  readonly problem: string;
  readonly hint: string | undefined;
  readonly kind: 'bad-input' | 'failure';

  constructor(
    code: string,
    problem: string,
    details: { readonly hint?: string; readonly kind?: 'bad-input' | 'failure'; readonly cause?: unknown } = {},
  ) {
    super(
      details.hint === undefined ? problem : `${problem}\n  hint: ${details.hint}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.problem = problem;
    this.hint = details.hint;
    this.kind = details.kind ?? (BAD_INPUT_CODES.includes(code) ? 'bad-input' : 'failure');
  }
}

/** A value given at the engine boundary that the engine cannot use: BackendError 'invalid-option'. */
export function invalidOption(problem: string, hint?: string): BackendError {
  return new BackendError('invalid-option', problem, hint === undefined ? {} : { hint });
}

/**
 * An engine or model used after `dispose()`: a bug of the code holding it (not of the values it passes),
 * BackendError 'disposed', a failure.
 */
export function disposedError(problem: string, hint?: string): BackendError {
  return new BackendError('disposed', problem, hint === undefined ? {} : { hint });
}
