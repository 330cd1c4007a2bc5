/**
 * Seeds derived from a run seed, so that each use (an initialisation, a task, a Fisher estimate, a noise
 * stream) gets its own independent stream, and per-task streams do not depend on the order of the tasks.
 */
import { createRng } from '@molap/tasks';

/** Purposes of derived seeds of the baselines. */
export const SEED_PURPOSE = { initialisation: 101, fisher: 102, contexts: 103 } as const;

/**
 * A 32-bit seed derived from `seed` and a path of keys (each a 32-bit integer, e.g. a stream number or
 * `taskSeedKey(id)`): `createRng(seed).fork(k1).fork(k2)…`, then one uniform draw scaled to [0, 2³²).
 */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let rng = createRng(seed);
  for (const key of keys) rng = rng.fork(key);
  return Math.floor(rng.uniform() * 2 ** 32);
}

/** A stable 32-bit key of a task id (FNV-1a), used to derive per-task seeds that do not depend on task order. */
export function taskSeedKey(taskId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < taskId.length; i++) {
    hash ^= taskId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
