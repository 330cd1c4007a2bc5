// Vector (f32x4) exponential and the activation functions built on it, tuned for V8's SIMD codegen:
// pseudo-min/max (single instructions) instead of IEEE min/max, float "magic number" rounding instead
// of nearest + saturating conversion, and no divisions where a polynomial will do.
// Accuracy: relative error below 3e-7 over the ranges used (checked against float64 by the tests).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** 1.5·2^23: adding it rounds |v| < 2^22 to an integer held in the low mantissa bits. */
const ROUNDER: f32 = 12582912.0;

/** exp(x) for x ≤ 0 (inputs below −87 give exp(−87)). Cephes expf polynomial. */
@inline export function expNonPositive(x: v128): v128 {
  x = f32x4.pmax(x, f32x4.splat(-87.0));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  // 2^n: the integer n sits in the low bits of `shifted` (offset by 0x4B400000 = bits of ROUNDER)
  const scale = i32x4.shl(i32x4.add(i32x4.sub(shifted, i32x4.splat(0x4b400000)), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** ln(1 + e) for e ∈ [0, 1]: e·P(e), P a degree-8 Chebyshev fit of ln(1 + e)/e (rel. error < 3e-7). */
@inline export function log1pUnit(e: v128): v128 {
  let p = f32x4.splat(0.005252622149120309);
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(-0.02958513118821352));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(0.07835606643362583));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(-0.13674278044408633));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(0.1911118613222649));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(-0.2484430092737963));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(0.3331926108977968));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(-0.4999950083580665));
  p = f32x4.add(f32x4.mul(p, e), f32x4.splat(0.9999999704094852));
  return f32x4.mul(p, e);
}

/** exp(−|x|), the shared term of softplus and sigmoid. */
@inline export function expNegativeAbs(x: v128): v128 {
  return expNonPositive(f32x4.neg(f32x4.abs(x)));
}

/**
 * Below this, exp(−|x|) is taken as 0 by the hidden softplus, its derivative and the readout sigmoid: for
 * x < −27.7 they give exactly 0 instead of a value under 1e-12. WebAssembly has no flush-to-zero mode, and a
 * saturated readout (y(1 − y) ≈ 1e-38) or silent units make the matrix products read and write subnormal
 * floats, which x86 cores compute on a slow microcode path: a multitask RNN whose activity blew up at
 * learning rate 5e-3 trained 6× slower per step. The change to any sum is far below float32 rounding.
 */
export const FLUSH_BELOW: f32 = 9.094947017729282e-13; // 2^-40

/** exp(−|x|) for the activations and the readout: 0 where it is below `FLUSH_BELOW`. */
@inline export function expNegativeAbsFlushed(x: v128): v128 {
  const e = expNegativeAbs(x);
  return v128.and(e, f32x4.ge(e, f32x4.splat(FLUSH_BELOW)));
}

/** Logistic sigmoid 1 / (1 + exp(−x)) given e = exp(−|x|). */
@inline export function sigmoidFrom(x: v128, e: v128): v128 {
  const positive = f32x4.ge(x, f32x4.splat(0));
  return f32x4.div(v128.bitselect(f32x4.splat(1.0), e, positive), f32x4.add(f32x4.splat(1.0), e));
}

/** softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e) given e = exp(−|x|). */
@inline export function softplusFrom(x: v128, e: v128): v128 {
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), log1pUnit(e));
}

/** tanh(x): odd polynomial for |x| < 0.625, (1 − e)/(1 + e) with e = exp(−2|x|) beyond (Cephes tanhf). */
@inline export function tanh(x: v128): v128 {
  const a = f32x4.abs(x);
  const e = expNonPositive(f32x4.mul(a, f32x4.splat(-2.0)));
  const large = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
}
