/**
 * Condition parsing from a declared description of the fields (`conditionFields`), for `psychometric` mode:
 * instead of a hand-written `parse`, a task lists its condition's fields with what each must be, and every
 * bad field is reported as `InvalidOptionError` naming `conditions[i].<field>` and the fix.
 *
 * @example
 * parse: conditionFields({
 *   direction: angleField('the correct direction'),
 *   coherence: numberField('the coherence in percent', { min: 0, max: 100 }),
 * }),
 */
import { InvalidOptionError } from './errors.js';
import { boundWords, type NumberRule, satisfiesNumberRule } from './option-checks.js';
import { wrapAngle } from './ring.js';

/**
 * One field of a condition: reads the raw value, or says what it must be.
 * @typeParam T the field's type in the parsed condition.
 */
export interface ConditionField<T> {
  /**
   * The value, checked (and normalised, e.g. an angle wrapped to [0, 2π)), or `undefined` when it is unusable.
   * @param raw the caller's value.
   * @param before the fields read before this one, in declaration order (for a rule across fields).
   */
  read(raw: unknown, before: Readonly<Record<string, unknown>>): T | undefined;
  /** What to pass instead of an unusable value, e.g. 'Pass the coherence in percent, in [0, 100].' */
  fix(name: string): string;
}

/** The parsed condition of a field description: each field with the type its `ConditionField` reads. */
export type ConditionOf<Fields extends Readonly<Record<string, ConditionField<unknown>>>> = {
  readonly [K in keyof Fields]: Fields[K] extends ConditionField<infer T> ? T : never;
};

/**
 * A `parse` function (`TrialConditions.parse`) from a description of the condition's fields: reads the
 * fields in declaration order; other keys of the raw condition are ignored.
 * @throws InvalidOptionError `Invalid option conditions[3].coherence: 120. Pass the coherence in percent, in [0, 100].`
 */
export function conditionFields<const Fields extends Readonly<Record<string, ConditionField<unknown>>>>(
  fields: Fields,
): (raw: Readonly<Record<string, unknown>>, index: number) => ConditionOf<Fields> {
  return (raw, index) => {
    const condition: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(fields)) {
      const value = field.read(raw[name], condition);
      if (value === undefined) throw new InvalidOptionError(`conditions[${index}].${name}`, raw[name], field.fix(name));
      condition[name] = value;
    }
    return condition as ConditionOf<Fields>;
  };
}

/** A rule across fields for `numberField`: the test and what it requires in words. */
export interface CrossFieldRule {
  /** Whether the value is allowed, given the fields read before it. */
  readonly test: (value: number, before: Readonly<Record<string, unknown>>) => boolean;
  /** The requirement in words, e.g. 'different from f1'. */
  readonly says: string;
}

/**
 * A number field: finite and within the rule's bounds (`NumberRule`: min, max, above, integer), and the
 * cross-field rule `where` when given.
 * @param what the field in words, with its unit, e.g. 'the interval in ms'.
 * @param rule bounds; `says` replaces the requirement's words (e.g. '> 83 (the ready flash)').
 */
export function numberField(
  what: string,
  rule: Omit<NumberRule, 'what' | 'example'> & { readonly where?: CrossFieldRule; readonly says?: string } = {},
): ConditionField<number> {
  const words = [
    ...boundWords(rule),
    ...(rule.integer ? ['an integer'] : []),
    ...(rule.where ? [rule.where.says] : []),
  ];
  const says = rule.says ?? words.join(', ');
  return {
    read: (raw, before) =>
      satisfiesNumberRule(raw, rule) && (rule.where === undefined || rule.where.test(raw, before)) ? raw : undefined,
    fix: () => `Pass ${what}${says === '' ? ' (a finite number)' : `, ${says}`}.`,
  };
}

/** An angle field in radians: any finite number, wrapped to [0, 2π). @param what e.g. 'the response direction'. */
export function angleField(what: string): ConditionField<number> {
  return {
    read: (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? wrapAngle(raw) : undefined),
    fix: () => `Pass ${what} in radians.`,
  };
}

/**
 * A boolean field.
 * @param ifTrue what `true` means, e.g. 'respond'.
 * @param ifFalse what `false` means, e.g. 'keep fixating'.
 */
export function booleanField(ifTrue: string, ifFalse: string): ConditionField<boolean> {
  return {
    read: (raw) => (typeof raw === 'boolean' ? raw : undefined),
    fix: (name) => `Pass ${name}: true (${ifTrue}) or ${name}: false (${ifFalse}).`,
  };
}
