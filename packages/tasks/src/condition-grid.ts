/**
 * Deterministic grids of trial conditions, for a task's `test` mode (`TrialConditions.grid`): every
 * combination of a few values per field, in a fixed order, as gyyang/multitask's analysis grids.
 */
import { TWO_PI } from './ring.js';

/**
 * `count` directions evenly spaced on the circle, in radians: 2π·k/count for k = 0 … count − 1
 * (e.g. the choices of a discrimination task, or the cue locations of a test grid).
 */
export function ringDirections(count: number): number[] {
  return Array.from({ length: count }, (_, k) => (TWO_PI * k) / count);
}

/**
 * Every combination of the values of each field, the first field varying slowest:
 * `conditionGrid({ delayMs: [200, 400], angle: [0, Math.PI] })` is
 * `[{ delayMs: 200, angle: 0 }, { delayMs: 200, angle: π }, { delayMs: 400, angle: 0 }, { delayMs: 400, angle: π }]`.
 * @param axes the values of each field (a field with no values gives an empty grid).
 * @returns ∏ lengths conditions, each a fresh object.
 */
export function conditionGrid<Axes extends Readonly<Record<string, readonly unknown[]>>>(
  axes: Axes,
): { [K in keyof Axes]: Axes[K][number] }[] {
  let grid: Record<string, unknown>[] = [{}];
  for (const [field, values] of Object.entries(axes)) {
    grid = grid.flatMap((partial) => values.map((value) => ({ ...partial, [field]: value })));
  }
  return grid as { [K in keyof Axes]: Axes[K][number] }[];
}
