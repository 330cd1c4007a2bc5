/** Seeds derived from a run seed, so each use (initialisation, a task, a Fisher estimate) gets its own stream. */
import { createRng } from '@molap/tasks';

/** Purposes of derived seeds. */
export const SEED_PURPOSE = { initialisation: 101, fisher: 102, contexts: 103 } as const;

/** A 32-bit seed derived from `seed` and a path of keys (each key a 32-bit integer, e.g. `taskSeedKey(id)`). */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let rng = createRng(seed);
  for (const key of keys) rng = rng.fork(key);
  return Math.floor(rng.uniform() * 2 ** 32);
}
