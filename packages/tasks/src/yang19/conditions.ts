/**
 * Reading and validating `psychometric` conditions: one plain object per trial with named fields. Unknown
 * fields, missing required fields and bad values are rejected with the path of the field
 * (`conditions[3].angle`) and what to pass instead.
 */
import { InvalidOptionError } from '../errors.js';
import { wrapAngle } from '../ring.js';
import type { TaskOptions } from '../task.js';

/** How one condition field is read. */
export type FieldKind =
  /** Direction in radians, any finite number; reduced to [0, 2π). */
  | 'angle'
  /** Duration or time in ms, finite and >= 0. */
  | 'ms'
  /** Stimulus strength, a finite number. */
  | 'strength'
  /** Stimulus ring, 1 or 2; defaults to 1 when absent. */
  | 'ring';

const HINTS: Record<FieldKind, string> = {
  angle: 'a direction in radians (a finite number)',
  ms: 'a time in ms (a finite number >= 0)',
  strength: 'a stimulus strength (a finite number, 1 = the standard bump)',
  ring: 'the stimulus ring, 1 or 2 (default 1)',
};

/**
 * Reads `options.conditions` against `fields` (name → kind). Returns one record of numbers per trial.
 * @param taskId used in messages.
 */
export function readConditions<Field extends string>(
  options: TaskOptions,
  taskId: string,
  fields: Readonly<Record<Field, FieldKind>>,
): Record<Field, number>[] {
  const conditions = options.conditions ?? [];
  const names = Object.keys(fields) as Field[];
  const shape = `{ ${names.map((name) => `${name}${fields[name] === 'ring' ? '?' : ''}`).join(', ')} }`;
  return conditions.map((condition, index) => {
    for (const key of Object.keys(condition)) {
      if (!(names as string[]).includes(key)) {
        throw new InvalidOptionError(
          `conditions[${index}].${key}`,
          condition[key],
          `Unknown condition field for ${taskId}; its conditions are ${shape}.`,
        );
      }
    }
    const record = {} as Record<Field, number>;
    for (const name of names) {
      const kind = fields[name];
      const value = condition[name];
      const path = `conditions[${index}].${name}`;
      if (kind === 'ring') {
        if (value === undefined) {
          record[name] = 1;
          continue;
        }
        if (value !== 1 && value !== 2) throw new InvalidOptionError(path, value, `Pass ${HINTS.ring}.`);
        record[name] = value;
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || (kind === 'ms' && value < 0)) {
        throw new InvalidOptionError(path, value, `${taskId} conditions are ${shape}; ${name} is ${HINTS[kind]}.`);
      }
      record[name] = kind === 'angle' ? wrapAngle(value) : value;
    }
    return record;
  });
}

/**
 * Checks that the times `names` of condition `index` are in non-decreasing order (epochs must follow each
 * other), naming the first field out of order.
 */
export function requireTimeOrder(
  condition: Readonly<Record<string, number>>,
  index: number,
  names: readonly string[],
): void {
  for (let i = 1; i < names.length; i++) {
    if (condition[names[i]] < condition[names[i - 1]]) {
      throw new InvalidOptionError(
        `conditions[${index}].${names[i]}`,
        condition[names[i]],
        `It must be >= ${names[i - 1]} (${condition[names[i - 1]]}): the times ${names.join(' <= ')} follow each other.`,
      );
    }
  }
}
