/**
 * Declared period timing, as neurogym's `timing` record: a task states the default duration of each of its
 * periods, its factory takes the user's `timing` option, and `resolveTiming` merges the two field by field
 * and validates the result once, when the task is created. `defineTask` takes the declaration
 * (`TaskDefinition.timing`) so that a trial calls `trial.timing()` with no argument.
 */
import { closestName } from './closest-name.js';
import { InvalidOptionError } from './errors.js';
import { durationOption } from './option-checks.js';

/** The timing a task declares (`TaskDefinition.timing`, `resolveTiming`). Durations are in ms. */
export interface PeriodTiming<P extends string> {
  /** Default duration of each declared period in ms, e.g. `{ fixation: 100, stimulus: 2000, decision: 500 }`. */
  readonly defaults: Readonly<Record<P, number>>;
  /**
   * The user's durations (the factory's `timing` option), merged over `defaults` field by field; a field
   * left out or `undefined` keeps its default. An unknown period name is an error.
   */
  readonly given?: Readonly<Partial<Record<NoInfer<P>, number>>>;
  /**
   * Periods that may last 0 ms (then absent from the trial), such as a delay that some variants drop.
   * Every other declared period must last at least 1 ms here, and at least one step of dt when a batch is
   * generated. Default: none.
   */
  readonly optional?: readonly NoInfer<P>[];
}

/**
 * The merged durations of a timing declaration, frozen: `defaults` overridden by `given`.
 * @param option the name of the user's option, for messages. Default 'timing'.
 * @throws InvalidOptionError naming `timing.<period>` for a duration that is not a finite number of ms
 *   (>= 0 for an optional period, >= 1 otherwise), or an unknown period name (with the closest known one).
 */
export function resolveTiming<P extends string>(
  declaration: PeriodTiming<P>,
  option = 'timing',
): Readonly<Record<P, number>> {
  const { defaults, given = {}, optional = [] } = declaration;
  const periods = Object.keys(defaults) as P[];
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidOptionError(option, given, `Pass an object of durations in ms, e.g. { ${periods[0]}: 500 }.`);
  }
  const merged: Record<P, number> = { ...defaults };
  for (const [name, value] of Object.entries(given) as [string, number | undefined][]) {
    if (!(periods as string[]).includes(name)) {
      const guess = closestName(name, periods);
      throw new InvalidOptionError(
        `${option}.${name}`,
        value,
        `Unknown period${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; the periods with a duration option are ${periods.join(', ')}.`,
      );
    }
    if (value !== undefined) merged[name as P] = value;
  }
  for (const period of periods) {
    durationOption(`${option}.${period}`, merged[period], optional.includes(period) ? 0 : 1);
  }
  return Object.freeze(merged);
}
