/** Errors raised at the boundary of `@molap/tasks` when an option or argument is wrong. */

/** Formats a value for an error message: short, and unambiguous about its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The brand of molap errors (`Symbol.for('molap.error')`): errors carrying it, with a `code`, a `problem`
 * and a `hint`, are recognised by `isMolapError` of @molap/core whatever copy or build of a package threw
 * them (this package sits below @molap/core, so it brands its errors itself).
 */
export const MOLAP_ERROR_BRAND: unique symbol = Symbol.for('molap.error') as never;

/**
 * An option (or argument) has a value the library cannot use. `option` names it (a dotted path such as
 * `conditions[3].angle` for nested values), `value` is what was given, and the message says what to do.
 */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
  readonly [MOLAP_ERROR_BRAND] = true as const;
  /** Always 'invalid-option' (the caller's to fix). */
  readonly code = 'invalid-option';
  readonly kind = 'bad-input' as const;
  /** The message. */
  readonly problem: string;
  /** Part of the message. */
  readonly hint: string | undefined = undefined;
  /** Name or path of the offending option. */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;

  /**
   * @param option name or path of the option, e.g. `dt` or `conditions[2].ring`.
   * @param value the rejected value.
   * @param fix what the option must be and how to fix it, e.g. `dt is the time step in ms: pass a number > 0, e.g. 20.`
   */
  constructor(option: string, value: unknown, fix: string) {
    super(`Invalid option ${option}: ${describeValue(value)}. ${fix}`);
    this.problem = this.message;
    this.option = option;
    this.value = value;
  }
}

/**
 * Whether `error` is a molap error (brand `Symbol.for('molap.error')`) with one of `codes`: identity by brand
 * and code, never by `instanceof`, so errors from another copy or build (ESM and CommonJS) are recognised.
 */
export function hasMolapCode(error: unknown, ...codes: readonly string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [MOLAP_ERROR_BRAND]?: unknown })[MOLAP_ERROR_BRAND] === true &&
    codes.includes(String((error as { code?: unknown }).code))
  );
}

/**
 * The codes of `BAD_INPUT_CODES` of @molap/core (the caller's to fix), for the default `kind` of `TasksError`: a copy,
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
 * 'bad-input' for the codes the caller fixes (`invalid-option`, `incompatible`, `file-format`,
 * `file-version`, …) and to 'failure' otherwise.
 */
export class TasksError extends Error {
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
