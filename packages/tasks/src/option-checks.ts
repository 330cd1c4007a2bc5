/**
 * Checkers for the options of a task factory (`createMyTask({ sigma, coherences, … })`): each takes the
 * option's name and the value given, returns the value when it is usable and otherwise throws the
 * package's `InvalidOptionError` naming the option, the value, what it must be and an example. A task
 * validates its options once, when it is created, with one line per option.
 */
import { InvalidOptionError } from './errors.js';
import { wrapAngle } from './ring.js';

/** What a number option must be (`numberOption`). Every bound is optional; the number is always finite. */
export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** The value must be greater than this (an exclusive lower bound), e.g. 0 for a gain. */
  readonly above?: number;
  /** Whether the value must be a (safe) integer. Default false. */
  readonly integer?: boolean;
  /** What the number means, for the message, e.g. 'the number of choice directions'. */
  readonly what?: string;
  /** An allowed value, for the message, e.g. 1.5. */
  readonly example?: number;
}

/** The bounds of a number rule in words: ['in [0, 1]'], ['>= 2'], ['> 0'] (internal: messages of this package). */
export function boundWords(rule: NumberRule): string[] {
  const words: string[] = [];
  if (rule.min !== undefined && rule.max !== undefined) words.push(`in [${rule.min}, ${rule.max}]`);
  else if (rule.min !== undefined) words.push(`>= ${rule.min}`);
  else if (rule.max !== undefined) words.push(`<= ${rule.max}`);
  if (rule.above !== undefined) words.push(`> ${rule.above}`);
  return words;
}

/** What a number of `rule` must be, completing "pass …": 'a finite number > 0', 'an integer >= 2'. */
export function numberRuleText(rule: NumberRule): string {
  return [rule.integer ? 'an integer' : 'a finite number', ...boundWords(rule)].join(' ');
}

/** Whether `value` is a finite number that satisfies `rule`. */
export function satisfiesNumberRule(value: unknown, rule: NumberRule): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    !(rule.integer && !Number.isSafeInteger(value)) &&
    !(rule.min !== undefined && value < rule.min) &&
    !(rule.max !== undefined && value > rule.max) &&
    !(rule.above !== undefined && !(value > rule.above))
  );
}

/**
 * A number option: finite and within the rule's bounds.
 * @example const sigma = numberOption('sigma', options.sigma ?? 1, { min: 0, what: 'the stimulus noise' });
 * @throws InvalidOptionError `Invalid option sigma: -1. Pass the stimulus noise, a finite number >= 0.`
 */
export function numberOption(name: string, value: unknown, rule: NumberRule = {}): number {
  if (satisfiesNumberRule(value, rule)) return value;
  const what = rule.what === undefined ? '' : `${rule.what}, `;
  const example = rule.example === undefined ? '' : `, e.g. ${rule.example}`;
  throw new InvalidOptionError(name, value, `Pass ${what}${numberRuleText(rule)}${example}.`);
}

/** A probability option: a finite number in [0, 1]. */
export function probabilityOption(name: string, value: unknown): number {
  return numberOption(name, value, { min: 0, max: 1, what: 'a probability', example: 0.5 });
}

/**
 * A duration option in ms: a finite number >= `min` (default 0; a period that must be present takes 1).
 * Durations are floored to whole steps of dt when a batch is generated.
 */
export function durationOption(name: string, value: unknown, min = 0): number {
  return numberOption(name, value, { min, what: 'a duration in ms' });
}

/**
 * An angle option in radians: any finite number, returned wrapped to [0, 2π) (`wrapAngle`), e.g. a cue
 * location or a response direction on a ring.
 */
export function angleOption(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return wrapAngle(value);
  throw new InvalidOptionError(name, value, 'Pass a direction in radians (a finite number), e.g. Math.PI.');
}

/**
 * A list option: a non-empty array whose every item passes `check`.
 * @param items what the list holds and what each item must be, for the message, e.g.
 *   'coherences in percent, each in [0, 100]'.
 * @example const coherences = listOption('coherences', given, (c) => c >= 0 && c <= 100, 'coherences in percent, each in [0, 100]');
 * @throws InvalidOptionError `Invalid option coherences: an array of length 0. Pass a non-empty array of coherences …`
 */
export function listOption<T>(
  name: string,
  value: readonly T[] | undefined,
  check: (item: T) => boolean,
  items: string,
): readonly T[] {
  if (Array.isArray(value) && value.length > 0 && value.every((item) => check(item))) return value;
  throw new InvalidOptionError(name, value, `Pass a non-empty array of ${items}.`);
}

/**
 * A list of numbers: a non-empty array, each item finite and within the rule's bounds.
 * @example const coherences = numberListOption('coherences', given, { min: 0, max: 100, what: 'coherences in percent' });
 * @throws InvalidOptionError `… Pass a non-empty array of coherences in percent, each a finite number in [0, 100].`
 */
export function numberListOption(
  name: string,
  value: readonly number[] | undefined,
  rule: NumberRule = {},
): readonly number[] {
  const each = [rule.integer ? 'an integer' : 'a finite number', ...boundWords(rule)].join(' ');
  return listOption(name, value, (item) => satisfiesNumberRule(item, rule), `${rule.what ?? 'numbers'}, each ${each}`);
}
