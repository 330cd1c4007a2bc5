/**
 * Ring encodings of Yang et al. 2019 (reference code `task.py`): Gaussian bumps on circular distance for
 * stimuli and targets, and the population-vector read-out. Angles are in radians; a ring of N units has
 * preferred directions pref_i = i·(2π/N), i = 0..N−1 (unit 0 at angle 0).
 */
import { detExp } from './det-math.js';

/** 2π as the reference computes it (`2*np.pi`). */
export const TWO_PI = 2 * Math.PI;
/** Peak of a bump of strength 1 (on a preferred direction). */
export const RING_BUMP_PEAK = 0.8;
/** Width σ of the Gaussian bump in radians: π/8 (22.5°). */
export const RING_BUMP_WIDTH = Math.PI / 8;
/** Baseline of every ring output target for the whole trial. */
export const RING_TARGET_BASELINE = 0.05;

/**
 * Reduces an angle to [0, 2π) the way numpy's `%` does (result has the sign of 2π).
 * @param angle radians, any finite value.
 */
export function wrapAngle(angle: number): number {
  if (angle >= 0 && angle < TWO_PI) return angle; // what `%` returns there, without its slow library call
  const remainder = angle % TWO_PI;
  return remainder < 0 ? remainder + TWO_PI : remainder;
}

/**
 * Circular distance min(|a−b|, 2π−|a−b|) in radians, in [0, π]. Equal to the reference `get_dist` for angles
 * in [0, 2π); angles outside that range are reduced modulo 2π first.
 */
export function circularDistance(a: number, b: number): number {
  const difference = Math.abs(a - b);
  // `%` is a slow library call in V8; below 2π it would return its argument unchanged.
  const d = difference < TWO_PI ? difference : difference % TWO_PI;
  return Math.min(d, TWO_PI - d);
}

/** Preferred directions of a ring of `ringSize` units: [ringSize] radians, pref_i = i·(2π/ringSize). */
export function ringPreferredDirections(ringSize: number): Float64Array {
  const step = TWO_PI / ringSize;
  const pref = new Float64Array(ringSize);
  for (let i = 0; i < ringSize; i++) pref[i] = i * step;
  return pref;
}

/**
 * Writes the stimulus bump of strength `strength` at `angle` into `out[0 .. ringSize)`:
 * out_i = strength · 0.8 · exp(−½ (cd(angle, pref_i)/(π/8))²). Computed in float64 with the deterministic exp,
 * so the values are bit-identical on every engine.
 * @param angle stimulus direction in radians.
 * @param ringSize units of the ring (N).
 * @param strength multiplies the bump (Yang's stimulus strength). Default 1.
 * @param out [ringSize] destination; allocated when omitted.
 * @returns `out`.
 */
export function ringBump(
  angle: number,
  ringSize: number,
  strength = 1,
  out = new Float64Array(ringSize),
): Float64Array {
  const step = TWO_PI / ringSize;
  for (let i = 0; i < ringSize; i++) {
    const z = circularDistance(angle, i * step) / RING_BUMP_WIDTH;
    out[i] = RING_BUMP_PEAK * detExp(-0.5 * z * z) * strength;
  }
  return out;
}

/**
 * Adds the stimulus bump at `angle` with `strength` to a ring of an input row, as the reference's
 * `x[..., ring] += add_x_loc(angle) * strength` (stimuli on one ring superpose).
 * @param inputs a Float32Array holding the row, e.g. a batch's [T, B, nIn] inputs.
 * @param offset index of the ring's unit 0 in `inputs`.
 */
export function addStimulusBump(
  inputs: Float32Array,
  offset: number,
  ringSize: number,
  angle: number,
  strength = 1,
): void {
  const step = TWO_PI / ringSize;
  for (let i = 0; i < ringSize; i++) {
    const z = circularDistance(angle, i * step) / RING_BUMP_WIDTH;
    inputs[offset + i] += RING_BUMP_PEAK * detExp(-0.5 * z * z) * strength;
  }
}

/**
 * Writes the ring output target for a response at `angle` into `out[offset .. offset + ringSize)`: the 0.05
 * baseline plus the bump of strength 1 (peak 0.85), rounded to float32 like the reference's float32 `y`.
 */
export function writeRingTarget(out: Float32Array, offset: number, ringSize: number, angle: number): void {
  const step = TWO_PI / ringSize;
  const baseline = Math.fround(RING_TARGET_BASELINE);
  for (let i = 0; i < ringSize; i++) {
    const z = circularDistance(angle, i * step) / RING_BUMP_WIDTH;
    out[offset + i] = baseline + RING_BUMP_PEAK * detExp(-0.5 * z * z);
  }
}

const trigCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function ringTrig(ringSize: number): { cos: Float64Array; sin: Float64Array } {
  let trig = trigCache.get(ringSize);
  if (!trig) {
    const pref = ringPreferredDirections(ringSize);
    trig = { cos: pref.map(Math.cos), sin: pref.map(Math.sin) };
    trigCache.set(ringSize, trig);
  }
  return trig;
}

/**
 * Population-vector read-out of a ring, as the reference `popvec`: atan2(Σ v_i sin pref_i / Σ v_i,
 * Σ v_i cos pref_i / Σ v_i) mod 2π. Like the reference it divides by Σ v_i, so a ring whose activities sum
 * to a negative number decodes to the opposite direction (sigmoid outputs are always positive).
 * @param values array holding the ring activities.
 * @param offset index of unit 0 of the ring in `values`.
 * @param ringSize units of the ring.
 * @returns the decoded direction in radians, in [0, 2π).
 */
export function populationVector(values: ArrayLike<number>, offset: number, ringSize: number): number {
  const { cos, sin } = ringTrig(ringSize);
  let sum = 0;
  let sumCos = 0;
  let sumSin = 0;
  for (let i = 0; i < ringSize; i++) {
    const v = values[offset + i];
    sum += v;
    sumCos += v * cos[i];
    sumSin += v * sin[i];
  }
  return wrapAngle(Math.atan2(sumSin / sum, sumCos / sum));
}
