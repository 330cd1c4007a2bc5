/**
 * Deterministic `exp` and `log`, written with IEEE-754 basic operations only (+, −, ×, ÷, comparisons and
 * exact power-of-two scaling). ECMAScript leaves `Math.exp` and `Math.log` "implementation-approximated",
 * so two engines may differ in the last bit; these functions give the same bits on every conforming engine.
 * They are used where bit-identity matters: the normal sampler (ziggurat tables and its rare slow path) and
 * the ring bumps of task batches. Accuracy: within a few ulp of the exact value (tested against `Math.exp`
 * and `Math.log` in the unit tests), which is far below anything a batch or a sample can resolve.
 */

/** ln 2 split so that `k * LN2_HI` is exact for |k| < 2^11 (high part has 21 trailing zero bits). */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = Math.LOG2E;

/** 2^k for k in [−1074, 1023], built by exact halving and doubling. Index k + 1074. */
const POW2 = (() => {
  const table = new Float64Array(1074 + 1024);
  table[1074] = 1;
  for (let k = 1; k <= 1023; k++) table[1074 + k] = table[1074 + k - 1] * 2;
  for (let k = -1; k >= -1074; k--) table[1074 + k] = table[1074 + k + 1] * 0.5;
  return table;
})();

/** Deterministic e^x (same bits on every engine). */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x > 709.782712893384) return Number.POSITIVE_INFINITY;
  if (x < -745.1332191019412) return 0;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  // Taylor series of e^r to r^13 / 13!, |r| <= 0.35: truncation error < 1e-17 relative.
  let p = 1 / 6227020800;
  p = p * r + 1 / 479001600;
  p = p * r + 1 / 39916800;
  p = p * r + 1 / 3628800;
  p = p * r + 1 / 362880;
  p = p * r + 1 / 40320;
  p = p * r + 1 / 5040;
  p = p * r + 1 / 720;
  p = p * r + 1 / 120;
  p = p * r + 1 / 24;
  p = p * r + 1 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  // p is in [0.7, 1.42]; 2^k alone may overflow at the top of the range, so scale in two exact steps.
  if (k > 1023) return p * 2 * POW2[1074 + k - 1];
  if (k < -1022) return p * POW2[1074 + k + 100] * POW2[1074 - 100];
  return p * POW2[1074 + k];
}

const TWO_32 = 4294967296;
const INV_TWO_32 = 1 / TWO_32;

/** Deterministic natural logarithm (same bits on every engine). */
export function detLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  // x = m · 2^e with m in [√½, √2); every scaling below is by a power of two, hence exact.
  let m = x;
  let e = 0;
  while (m >= TWO_32) {
    m *= INV_TWO_32;
    e += 32;
  }
  while (m < INV_TWO_32) {
    m *= TWO_32;
    e -= 32;
  }
  while (m >= Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e -= 1;
  }
  // log m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …), s = (m − 1)/(m + 1), |s| <= 0.172.
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let q = 1 / 25;
  q = q * z + 1 / 23;
  q = q * z + 1 / 21;
  q = q * z + 1 / 19;
  q = q * z + 1 / 17;
  q = q * z + 1 / 15;
  q = q * z + 1 / 13;
  q = q * z + 1 / 11;
  q = q * z + 1 / 9;
  q = q * z + 1 / 7;
  q = q * z + 1 / 5;
  q = q * z + 1 / 3;
  const logM = 2 * s + 2 * s * z * q;
  return e * LN2_HI + (logM + e * LN2_LO);
}
