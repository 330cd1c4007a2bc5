import { InvalidOptionError, type Rng, type TaskOptions } from '@molap/tasks';

/** How a task gets the condition of each trial in the three generation modes. */
export interface ConditionSource<Condition> {
  /** `random` mode: draws one trial's condition. */
  sample(rng: Rng): Condition;
  /** `test` mode: the deterministic grid, in row-major order (last factor fastest). */
  grid(): Condition[];
  /**
   * `psychometric` mode: checks one caller-given condition and returns it completed.
   * @throws InvalidOptionError naming `conditions[index].<field>`.
   */
  parse(raw: Readonly<Record<string, unknown>>, index: number): Condition;
}

/** The trial conditions of a batch under `options.mode`: B draws, the test grid, or the caller's list. */
export function trialConditions<Condition>(
  source: ConditionSource<Condition>,
  rng: Rng,
  options: TaskOptions,
): Condition[] {
  if (options.mode === 'test') return source.grid();
  if (options.mode === 'psychometric') return (options.conditions ?? []).map((raw, i) => source.parse(raw, i));
  return Array.from({ length: options.batchSize }, () => source.sample(rng));
}

/** Reads a finite number field of a psychometric condition (with a default when allowed). */
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
