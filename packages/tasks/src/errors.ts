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
 * An option (or argument) has a value the library cannot use. `option` names it (a dotted path such as
 * `conditions[3].angle` for nested values), `value` is what was given, and the message says what to do.
 */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
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
    this.option = option;
    this.value = value;
  }
}
