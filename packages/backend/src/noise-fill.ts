import { createRandom } from './random.js';
/** Temporary stand-in until noise.ts lands on main (not counter-based). */
export function fillRecurrentNoise(seed: number, out: Float32Array, std: number): void {
  const random = createRandom(seed, 1000);
  for (let i = 0; i < out.length; i++) out[i] = std * random.normal();
}
