/**
 * Resolution of option records at the boundary: defaults merged with what the caller gave, unknown keys
 * rejected with the list of known ones, each value checked with a message saying what it must be.
 */

/** Checks one option value; returns what the value must be ("a positive integer") or undefined when valid. */
export type OptionCheck = (value: unknown) => string | undefined;

/** Common checks. */
export const OPTION_CHECKS = Object.freeze({
  positiveInteger: ((v) =>
    Number.isSafeInteger(v) && (v as number) > 0 ? undefined : 'a positive integer') as OptionCheck,
  nonNegativeInteger: ((v) =>
    Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'an integer >= 0') as OptionCheck,
  positiveNumber: ((v) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'a finite number > 0') as OptionCheck,
  nonNegativeNumber: ((v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'a finite number >= 0') as OptionCheck,
  oneOf:
    (values: readonly string[]): OptionCheck =>
    (v) =>
      values.includes(v as string) ? undefined : `one of ${values.map((x) => `'${x}'`).join(', ')}`,
  /** Accepts null (meaning "use the default of elsewhere") or a value passing `check`. */
  nullOr:
    (check: OptionCheck): OptionCheck =>
    (v) =>
      v === null ? undefined : check(v) && `null or ${check(v)}`,
});

/**
 * `given` merged over `defaults` (undefined values ignored), every key checked by `checks`.
 * @param what names the options in messages, e.g. 'pre-training option'.
 * @throws RangeError naming an unknown key (and the known ones) or a bad value (and what it must be).
 */
export function resolveOptionValues<Options extends object>(
  what: string,
  defaults: Options,
  given: Partial<Options> | undefined,
  checks: { readonly [K in keyof Options]: OptionCheck },
): Options {
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    throw new TypeError(`${what}s must be given as an object`);
  }
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(key in checks)) {
      throw new RangeError(`unknown ${what} '${key}'; the options are ${Object.keys(checks).join(', ')}`);
    }
    if (value !== undefined) merged[key] = value;
  }
  for (const [key, check] of Object.entries(checks) as [string, OptionCheck][]) {
    const problem = check(merged[key]);
    if (problem) throw new RangeError(`${what} ${key} must be ${problem}, got ${JSON.stringify(merged[key])}`);
  }
  return Object.freeze(merged) as Options;
}
