import { InvalidOptionError } from '@molap/tasks';

/** Reads a finite number field of a psychometric condition, `conditions[index].<field>`. */
export function numberField(
  raw: Readonly<Record<string, unknown>>,
  index: number,
  field: string,
  fix: string,
  check: (value: number) => boolean = () => true,
): number {
  const value = raw[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new InvalidOptionError(`conditions[${index}].${field}`, value, fix);
  }
  return value;
}

/** Checks a duration option in ms: a finite number ≥ `min`. */
export function checkDuration(name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidOptionError(name, value, `Pass a duration in ms, a finite number >= ${min}.`);
  }
  return value;
}
