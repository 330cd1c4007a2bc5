// Vector (f32x4) exponential, logarithm and the activation functions built on them.
// Polynomials: Cephes single precision (expf, logf, tanhf), relative error ~1e-7.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const SQRT2: f32 = 1.41421356237309505;

/** exp(x) for x ≤ 0 (inputs below −87 give exp(−87)); lanes independent. */
@inline export function expNonPositive(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** ln(u) for u ∈ [1, 2]. */
@inline function logOneToTwo(u: v128): v128 {
  const high = f32x4.gt(u, f32x4.splat(SQRT2));
  const f = v128.bitselect(f32x4.sub(f32x4.mul(u, f32x4.splat(0.5)), f32x4.splat(1.0)), f32x4.sub(u, f32x4.splat(1.0)), high);
  const k = v128.and(high, f32x4.splat(1.0));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.151461031e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.167699874e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, z), f);
  y = f32x4.add(y, f32x4.mul(k, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(f, y), f32x4.mul(k, f32x4.splat(LN2_HI)));
}

/** ln(1 + e) for e ∈ [0, 1], accurate for small e (ln(u)·e/(u − 1) with u = 1 + e). */
@inline export function log1pUnit(e: v128): v128 {
  const u = f32x4.add(f32x4.splat(1.0), e);
  const w = f32x4.sub(u, f32x4.splat(1.0));
  const exact = f32x4.eq(w, f32x4.splat(0));
  const safe = v128.bitselect(f32x4.splat(1.0), w, exact);
  return v128.bitselect(e, f32x4.mul(logOneToTwo(u), f32x4.div(e, safe)), exact);
}

/** Logistic sigmoid 1 / (1 + exp(−x)), stable for both signs. */
@inline export function sigmoid(x: v128): v128 {
  const e = expNonPositive(f32x4.neg(f32x4.abs(x)));
  const positive = f32x4.ge(x, f32x4.splat(0));
  return f32x4.div(v128.bitselect(f32x4.splat(1.0), e, positive), f32x4.add(f32x4.splat(1.0), e));
}

/** softplus(x) = ln(1 + eˣ) and its derivative sigmoid(x). */
@inline export function softplus(x: v128): v128 {
  const e = expNonPositive(f32x4.neg(f32x4.abs(x)));
  return f32x4.add(f32x4.max(x, f32x4.splat(0)), log1pUnit(e));
}

/** tanh(x): odd polynomial for |x| < 0.625, (1 − e)/(1 + e) with e = exp(−2|x|) beyond. */
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
