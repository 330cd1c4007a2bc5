/**
 * Flags of a command as typed values: a spec per flag (kind, help text, where it lands in the config) and
 * `parseCommandLine`, which turns argv into those values or a `UsageError` naming the flag and the fix.
 * Parsing uses `node:util` `parseArgs` for the tokens; checking and conversion happen here.
 */
import { parseArgs } from 'node:util';
import { closestName } from '@molap/tasks';
import { UsageError } from './errors.js';

/** How a flag's text becomes a value. */
export type OptionKind = 'boolean' | 'string' | 'integer' | 'number' | 'list' | 'integer-list' | 'seeds' | 'choice';

/** One flag. `T` is the type of its parsed value. */
export interface OptionSpec<T = unknown> {
  readonly kind: OptionKind;
  /** Help text: what the flag does, with units. */
  readonly description: string;
  /** Placeholder of the value in help, e.g. `file`. */
  readonly value?: string;
  /** Allowed values of a `choice` flag. */
  readonly choices?: readonly string[];
  /** Smallest allowed value of `integer`, `number` and `integer-list` flags. */
  readonly min?: number;
  /** The flag must be given. */
  readonly required?: boolean;
  /** A boolean flag that also accepts `--no-<name>` (which sets false). */
  readonly negatable?: boolean;
  /** Default shown in help (the command applies it). */
  readonly defaultText?: string;
  /** Where the value lands in the config (`molap.config.json`), so that flags override config values. */
  readonly config?: readonly string[];
  /** Phantom field carrying `T`; never set. */
  readonly __type?: T;
}

/** Flags of a command, by camelCase name; `batchSize` is written `--batch-size`. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type Extra = Omit<OptionSpec, 'kind' | 'description' | 'choices' | '__type'>;

/** The value type of a parsed flag: `T`, or `T | undefined` unless the flag is required. */
export type OptionValue<O> = O extends OptionSpec<infer T> ? (O extends { required: true } ? T : T | undefined) : never;

/** Parsed flags of a spec. */
export type ParsedOptions<S extends OptionSpecs> = { -readonly [K in keyof S]: OptionValue<S[K]> };

/** Builders of flag specs, one per kind. */
export const flag = {
  boolean: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'boolean', description, ...extra }) as OptionSpec<boolean> & E,
  string: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'string', description, ...extra }) as OptionSpec<string> & E,
  integer: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'integer', description, ...extra }) as OptionSpec<number> & E,
  number: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'number', description, ...extra }) as OptionSpec<number> & E,
  /** Comma-separated words: `--tasks fdgo,dm1`. */
  list: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'list', description, ...extra }) as OptionSpec<string[]> & E,
  /** Comma-separated integers: `--seeds 1,2,3`. */
  integers: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'integer-list', description, ...extra }) as OptionSpec<number[]> & E,
  /**
   * Seeds: `--seeds 3` is a count (seeds 1, 2, 3; the value stays the number 3, which `run.seeds` reads as a
   * count), `--seeds 4,7` lists seeds, `--seeds 2..4` is a range (2, 3, 4); one given seed is `--seeds 5..5`.
   */
  seeds: <E extends Extra>(description: string, extra?: E) =>
    ({ kind: 'seeds', description, ...extra }) as OptionSpec<number | number[]> & E,
  choice: <C extends string, E extends Extra>(choices: readonly C[], description: string, extra?: E) =>
    ({ kind: 'choice', description, choices, ...extra }) as unknown as OptionSpec<C> & E,
};

/** A positional argument. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

/** What `parseCommandLine` returns. */
export interface ParsedCommandLine<S extends OptionSpecs> {
  readonly options: ParsedOptions<S>;
  readonly args: string[];
  /** With `passThrough`: every argument after the first positional, untouched. */
  readonly rest: string[];
  /** Config paths set by flags, with the flag that set each (for error messages and the config layer). */
  readonly configValues: readonly {
    readonly path: readonly string[];
    readonly flag: string;
    readonly value: unknown;
  }[];
}

/** `batchSize` → `batch-size`. */
export const flagName = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Help label of a flag: `--out <file>`, `--[no-]noise`. */
export function flagLabel(key: string, spec: OptionSpec): string {
  const name = flagName(key);
  if (spec.kind === 'boolean') return spec.negatable ? `--[no-]${name}` : `--${name}`;
  const placeholder = spec.kind === 'choice' ? spec.choices!.join('|') : (spec.value ?? 'value');
  return `--${name} <${placeholder}>`;
}

function convert(key: string, spec: OptionSpec, text: string): unknown {
  const name = `--${flagName(key)}`;
  const fail = (expected: string): never => {
    throw new UsageError(`${name} must be ${expected}, got ${JSON.stringify(text)}`, {
      hint: `for example ${name} ${example(spec)}`,
    });
  };
  const integer = (word: string) => {
    if (!/^-?\d+$/.test(word) || !Number.isSafeInteger(Number(word))) fail(integerText(spec));
    const value = Number(word);
    if (spec.min !== undefined && value < spec.min) fail(integerText(spec));
    return value;
  };
  switch (spec.kind) {
    case 'string':
      if (text === '') fail('a non-empty value');
      return text;
    case 'integer':
      return integer(text);
    case 'number': {
      const value = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value) || (spec.min !== undefined && value < spec.min)) {
        fail(spec.min === undefined ? 'a number' : `a number >= ${spec.min}`);
      }
      return value;
    }
    case 'list': {
      const words = text.split(',').map((word) => word.trim());
      if (words.some((word) => word === '')) fail('a comma-separated list without empty entries');
      return words;
    }
    case 'integer-list': {
      const words = text.split(',').map((word) => word.trim());
      if (words.some((word) => word === '')) fail(`a comma-separated list of ${integerText(spec, true)}`);
      return words.map((word) => {
        if (!/^-?\d+$/.test(word)) fail(`a comma-separated list of ${integerText(spec, true)}`);
        return integer(word);
      });
    }
    case 'seeds': {
      const seedsText = 'a count N (seeds 1..N), a list s,t,… or a range a..b of integers >= 0';
      if (/^\s*\d+\s*$/.test(text)) {
        const count = Number(text);
        if (!Number.isSafeInteger(count) || count < 1) fail(seedsText);
        return count;
      }
      const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && to >= from && to - from < 10_000)) {
          fail(`${seedsText} (a..b with a <= b)`);
        }
        return Array.from({ length: to - from + 1 }, (_, i) => from + i);
      }
      const words = text.split(',').map((word) => word.trim());
      if (words.some((word) => !/^\d+$/.test(word))) fail(seedsText);
      return words.map((word) => integer(word));
    }
    case 'choice': {
      if (!spec.choices!.includes(text)) {
        const guess = closestName(text, spec.choices!);
        throw new UsageError(
          `${name} must be one of ${spec.choices!.join(', ')}, got ${JSON.stringify(text)}${guess ? `. Did you mean "${guess}"?` : ''}`,
        );
      }
      return text;
    }
    default:
      throw new Error(`flag ${name} has kind ${spec.kind}, which takes no value`);
  }
}

const integerText = (spec: OptionSpec, plural = false) =>
  `${plural ? 'integers' : 'an integer'}${spec.min === undefined ? '' : ` >= ${spec.min}`}`;

function example(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'integer':
      return String(Math.max(spec.min ?? 0, 1));
    case 'number':
      return '0.5';
    case 'integer-list':
      return '1,2,3';
    case 'seeds':
      return '3';
    case 'list':
      return 'a,b';
    case 'choice':
      return spec.choices![0];
    default:
      return `<${spec.value ?? 'value'}>`;
  }
}

/**
 * Parses the arguments of one command (after its name).
 * @param argv the arguments after the command words.
 * @param command the flags and positional arguments it takes; `passThrough` keeps everything after the
 *   first positional argument untouched in `rest` (for commands that forward arguments).
 * @throws UsageError naming the flag or argument and the fix.
 */
export function parseCommandLine<S extends OptionSpecs>(
  argv: readonly string[],
  command: {
    readonly name: string;
    readonly options: S;
    readonly args: readonly ArgumentSpec[];
    readonly passThrough?: boolean;
  },
): ParsedCommandLine<S> {
  const specs: OptionSpecs = command.options;
  const byFlag = new Map(Object.keys(specs).map((key) => [flagName(key), key]));
  let own = [...argv];
  let rest: string[] = [];
  if (command.passThrough) {
    const first = argv.findIndex((arg) => !arg.startsWith('-'));
    if (first >= 0) {
      own = argv.slice(0, first + 1);
      rest = argv.slice(first + 1);
    }
  }
  const parseConfig = Object.fromEntries(
    Object.entries(specs).map(([key, spec]) => [
      flagName(key),
      { type: spec.kind === 'boolean' ? 'boolean' : 'string' },
    ]),
  ) as Record<string, { type: 'boolean' | 'string' }>;
  const { tokens } = parseArgs({
    args: own,
    options: parseConfig,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options: Record<string, unknown> = {};
  const args: string[] = [];
  const help = `run \`molap ${command.name} --help\` to see its options`;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      args.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const negated = token.name.startsWith('no-') ? byFlag.get(token.name.slice(3)) : undefined;
    if (negated !== undefined && specs[negated].negatable && !byFlag.has(token.name)) {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`, { hint: help });
      options[negated] = false;
      continue;
    }
    const key = byFlag.get(token.name);
    if (key === undefined) {
      const guess = closestName(token.name, byFlag.keys());
      throw new UsageError(
        `unknown option ${token.rawName} for \`molap ${command.name}\`${guess ? `. Did you mean --${guess}?` : ''}`,
        { hint: help },
      );
    }
    const spec = specs[key];
    if (spec.kind === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`, { hint: help });
      options[key] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new UsageError(`${token.rawName} needs a value: ${flagLabel(key, spec)}`, { hint: help });
    }
    options[key] = convert(key, spec, token.value);
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.required && options[key] === undefined) {
      throw new UsageError(`\`molap ${command.name}\` needs ${flagLabel(key, spec)} (${spec.description})`, {
        hint: help,
      });
    }
  }
  const required = command.args.filter((arg) => arg.required).length;
  if (args.length < required) {
    const missing = command.args[args.length];
    throw new UsageError(`\`molap ${command.name}\` needs <${missing.name}> (${missing.description})`, { hint: help });
  }
  if (args.length > command.args.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(args[command.args.length])}`, { hint: help });
  }
  const configValues = Object.entries(specs)
    .filter(([key, spec]) => spec.config !== undefined && options[key] !== undefined)
    .map(([key, spec]) => ({ path: spec.config!, flag: `--${flagName(key)}`, value: options[key] }));
  return { options: options as ParsedOptions<S>, args, rest, configValues };
}
