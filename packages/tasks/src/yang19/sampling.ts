/**
 * The reference's sampling idioms, on the seeded `Rng`: `int(ms / dt)` durations, numpy `uniform(a, b)`,
 * `choice(values)` and `choice([1, -1])`.
 */
import type { Rng } from '../task.js';

/** Duration in ms → steps, truncated like the reference's `int(ms / dt)`. */
export function msToSteps(ms: number, dt: number): number {
  return Math.trunc(ms / dt);
}

/** Uniform float in [low, high), computed as numpy's `uniform(low, high)`: low + (high − low)·u. */
export function uniformBetween(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng.uniform();
}

/** One of `values`, each with probability 1/length (numpy `choice`). */
export function choose<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.integer(values.length)];
}

/** +1 or −1 with probability ½ each (numpy `choice([1, -1])`). */
export function randomSign(rng: Rng): number {
  return rng.integer(2) === 0 ? 1 : -1;
}

/**
 * Row-major index decomposition over a grid (numpy `unravel_index`, last axis fastest): the coordinates of
 * flat index `index` in a grid of shape `shape`.
 */
export function unravel(index: number, shape: readonly number[]): number[] {
  const coordinates = new Array<number>(shape.length);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coordinates[axis] = rest % shape[axis];
    rest = Math.floor(rest / shape[axis]);
  }
  return coordinates;
}

/** Product of a grid shape: its number of trials. */
export function gridSize(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
