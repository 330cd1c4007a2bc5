// Twins of detExp and detLog (src/det-math.ts): the same IEEE-754 operations in the same order, so the
// same bits. 2^k is built from its exponent bits (exact, like the host's table of exact powers of two).

const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const INV_LN2: f64 = 1.4426950408889634;
const TWO_32: f64 = 4294967296.0;
const INV_TWO_32: f64 = 1.0 / 4294967296.0;
const SQRT2: f64 = 1.4142135623730951;
const SQRT1_2: f64 = 0.7071067811865476;

/** 2^k for k in [−1022, 1023] (normal numbers), exact. */
@inline function pow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

/** e^x, bit-identical to detExp. */
export function detExp(x: f64): f64 {
  if (isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0.0;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  let p: f64 = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const n = <i32>k;
  if (n > 1023) return p * 2.0 * pow2(n - 1);
  if (n < -1022) return p * pow2(n + 100) * pow2(-100);
  return p * pow2(n);
}

/** Natural logarithm, bit-identical to detLog. */
export function detLog(x: f64): f64 {
  if (isNaN(x) || x < 0.0) return NaN;
  if (x == 0.0) return -Infinity;
  if (x == Infinity) return x;
  let m = x;
  let e: f64 = 0.0;
  while (m >= TWO_32) {
    m *= INV_TWO_32;
    e += 32.0;
  }
  while (m < INV_TWO_32) {
    m *= TWO_32;
    e -= 32.0;
  }
  while (m >= SQRT2) {
    m *= 0.5;
    e += 1.0;
  }
  while (m < SQRT1_2) {
    m *= 2.0;
    e -= 1.0;
  }
  const s = (m - 1.0) / (m + 1.0);
  const z = s * s;
  let q: f64 = 1.0 / 25.0;
  q = q * z + 1.0 / 23.0;
  q = q * z + 1.0 / 21.0;
  q = q * z + 1.0 / 19.0;
  q = q * z + 1.0 / 17.0;
  q = q * z + 1.0 / 15.0;
  q = q * z + 1.0 / 13.0;
  q = q * z + 1.0 / 11.0;
  q = q * z + 1.0 / 9.0;
  q = q * z + 1.0 / 7.0;
  q = q * z + 1.0 / 5.0;
  q = q * z + 1.0 / 3.0;
  const logM = 2.0 * s + 2.0 * s * z * q;
  return e * LN2_HI + (logM + e * LN2_LO);
}
