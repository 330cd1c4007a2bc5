/**
 * A small seeded pseudo-random generator for parameter initialisation: xoshiro128** seeded through
 * SplitMix32 from (seed, stream). Each (seed, stream) pair gives an independent, reproducible sequence, so
 * every parameter tensor draws from its own stream and changing one initialiser never shifts another.
 */

import { invalidOption } from './errors.js';

/** A seeded generator of uniform and standard-normal numbers. */
export interface SeededRandom {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Standard normal (Box–Muller; uses two uniforms per sample). */
  normal(): number;
}

function splitMix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * Creates a generator for (seed, stream).
 * @param seed any safe integer (negative values and values above 2³² are accepted).
 * @param stream a small integer naming an independent sequence under the same seed.
 */
export function createRandom(seed: number, stream = 0): SeededRandom {
  if (!Number.isSafeInteger(seed)) throw invalidOption(`seed must be a safe integer, got ${String(seed)}`);
  if (!Number.isSafeInteger(stream) || stream < 0)
    throw invalidOption(`stream must be an integer >= 0, got ${String(stream)}`);
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let mix = low ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [next, output] = splitMix32(mix);
    mix = next;
    words[i] = output;
  }
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  const s = words;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const uniform = () => nextUint32() / 2 ** 32;
  return {
    uniform,
    normal() {
      // 1 − u is in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
      return radius * Math.cos(2 * Math.PI * uniform());
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
