/**
 * Options records declared once. `defineOptions(what, { key: option(kind, default, description) })` gives,
 * from one declaration: the defaults, the validation at the boundary (unknown keys with "did you mean",
 * each value checked with a message saying what it must be), the fragment of the config schema (zod, every
 * key optional, described with its default) and the help text. The record's type is `OptionsOf<typeof …>`.
 */
import { closestName } from '@molap/tasks';
import { z } from 'zod';
import { InvalidValueError, MolapError } from './errors.js';

/** What values an option takes: a schema and the rule in words ("a positive integer"). */
export interface OptionKind<T> {
  readonly schema: z.ZodType<T>;
  /** What a value must be, completing "must be …". */
  readonly rule: string;
}

/** One option: its kind, its default and what it means. */
export interface OptionSpec<T> extends OptionKind<T> {
  readonly default: T;
  /** What the option means, one line (units in the words). */
  readonly description: string;
}

/** The kinds of values options take. */
export const OPTION_KINDS = Object.freeze({
  positiveInteger: { schema: z.int().min(1), rule: 'a positive integer' } as OptionKind<number>,
  nonNegativeInteger: { schema: z.int().min(0), rule: 'an integer >= 0' } as OptionKind<number>,
  positiveNumber: { schema: z.number().positive(), rule: 'a finite number > 0' } as OptionKind<number>,
  nonNegativeNumber: { schema: z.number().min(0), rule: 'a finite number >= 0' } as OptionKind<number>,
  boolean: { schema: z.boolean(), rule: 'true or false' } as OptionKind<boolean>,
  /** A number in an open interval (lo, hi). */
  between: (lo: number, hi: number): OptionKind<number> => ({
    schema: z.number().gt(lo).lt(hi),
    rule: `a number in (${lo}, ${hi})`,
  }),
  /** One of the listed strings. */
  oneOf: <const T extends string>(values: readonly T[]): OptionKind<T> => ({
    schema: z.enum(values as unknown as [T, ...T[]]),
    rule: `one of ${values.map((value) => `'${value}'`).join(', ')}`,
  }),
  /** Null (the default of elsewhere) or a value of `kind`. */
  nullOr: <T>(kind: OptionKind<T>): OptionKind<T | null> => ({
    schema: kind.schema.nullable(),
    rule: `null or ${kind.rule}`,
  }),
  /** Anything the schema accepts; `rule` says what. */
  custom: <T>(schema: z.ZodType<T>, rule: string): OptionKind<T> => ({ schema, rule }),
});

/** An option of `kind` with a default and a description. */
export function option<T>(kind: OptionKind<T>, defaultValue: T, description: string): OptionSpec<T> {
  return { ...kind, default: defaultValue, description };
}

/** Specs of a record, by key. */
export type OptionSpecs = { readonly [key: string]: OptionSpec<unknown> };

/** The record type of a declaration's specs. */
export type OptionValues<S extends OptionSpecs> = { readonly [K in keyof S]: S[K]['default'] };

/** The zod shape of a config fragment: every option optional. */
export type OptionalShape<S extends OptionSpecs> = { [K in keyof S]: z.ZodOptional<z.ZodType<S[K]['default']>> };

/** A declared options record (see the module comment). */
export interface OptionsDeclaration<S extends OptionSpecs> {
  /** What the options are called in messages, e.g. 'MoLaP option'. */
  readonly what: string;
  readonly specs: S;
  /** Every option with its default. */
  readonly defaults: Readonly<OptionValues<S>>;
  readonly keys: readonly (keyof S & string)[];
  /**
   * `given` over the defaults (or over `base`), each value checked, unknown keys refused; frozen.
   * @throws InvalidValueError naming the option, the value and what it must be.
   */
  resolve(given?: Partial<OptionValues<S>>, base?: Partial<OptionValues<S>>): Readonly<OptionValues<S>>;
  /** The config-file fragment: a strict object with every key optional, described with its default. */
  readonly schema: z.ZodObject<OptionalShape<S>, z.core.$strict>;
  /** One help line per option: `key  description (default …)`. */
  help(): string[];
}

/** The type of the record a declaration describes. */
export type OptionsOf<D> = D extends OptionsDeclaration<infer S> ? OptionValues<S> : never;

const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

/**
 * Declares an options record.
 * @param what what the options are called in messages, e.g. 'MoLaP option'.
 * @param check a rule across options (after each value passed its own): a problem, or undefined.
 */
export function defineOptions<const S extends OptionSpecs>(
  what: string,
  specs: S,
  check?: (options: OptionValues<S>) => string | undefined,
): OptionsDeclaration<S> {
  const keys = Object.keys(specs) as (keyof S & string)[];
  const defaults = Object.freeze(Object.fromEntries(keys.map((key) => [key, specs[key].default]))) as Readonly<
    OptionValues<S>
  >;
  for (const key of keys) {
    if (!specs[key].schema.safeParse(specs[key].default).success) {
      throw new MolapError(
        'invalid-declaration',
        `${what} ${key}: the default ${shown(specs[key].default)} is not ${specs[key].rule}`,
        { hint: 'fix the default in the options declaration (defineOptions): it is a bug of the declaring package' },
      );
    }
  }
  const schema = z.strictObject(
    Object.fromEntries(
      keys.map((key) => [
        key,
        specs[key].schema.optional().describe(`${specs[key].description} (default ${shown(specs[key].default)})`),
      ]),
    ) as OptionalShape<S>,
  );
  return {
    what,
    specs,
    defaults,
    keys,
    schema,
    resolve(given, base) {
      if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
        throw new InvalidValueError(`${what}s must be given as an object, got ${shown(given)}`);
      }
      const merged: Record<string, unknown> = { ...defaults, ...base };
      for (const [key, value] of Object.entries(given ?? {})) {
        if (!(keys as string[]).includes(key)) {
          const guess = closestName(key, keys);
          throw new InvalidValueError(`unknown ${what} '${key}'${guess ? `. Did you mean '${guess}'?` : ''}`, {
            hint: `the options are ${keys.join(', ')}`,
          });
        }
        if (value !== undefined) merged[key] = value;
      }
      for (const key of keys) {
        if (!specs[key].schema.safeParse(merged[key]).success) {
          throw new InvalidValueError(`${what} ${key} must be ${specs[key].rule}, got ${shown(merged[key])}`, {
            hint: specs[key].description,
          });
        }
      }
      const resolved = merged as OptionValues<S>;
      const problem = check?.(resolved);
      if (problem) throw new InvalidValueError(`${what}s: ${problem}`);
      return Object.freeze(resolved);
    },
    help: () => keys.map((key) => `${key}  ${specs[key].description} (default ${shown(specs[key].default)})`),
  };
}
