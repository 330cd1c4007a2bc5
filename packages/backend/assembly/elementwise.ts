// Element-wise kernels of the leaky RNN passes, the optimiser and gradient clipping.
// Rows are contiguous with `cols` elements unless a leading dimension is given.
import { expNegativeAbsFlushed, sigmoidFrom, softplusFrom, tanh } from './math';

export const ACTIVATION_SOFTPLUS: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_TANH: i32 = 2;
export const OUTPUT_SIGMOID: i32 = 0;

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Loads `count` (< 4) floats into the low lanes of a vector (rest 0). */
@inline function loadPartial(p: usize, count: i32): v128 {
  let v = f32x4.splat(0);
  if (count > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 8));
  return v;
}

@inline function storePartial(p: usize, v: v128, count: i32): void {
  if (count > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

/** h = m ⊙ (keep·hPrev + α·value). */
@inline function leak(m: v128, hp: v128, value: v128, keep: v128, a: v128): v128 {
  return f32x4.mul(m, f32x4.add(f32x4.mul(keep, hp), f32x4.mul(a, value)));
}

/** Softplus on 4 vectors at pre + 16·j (interleaved: the exp chains are long and independent). */
@inline function softplus16(pre: usize, hPrev: usize, mask: usize, deriv: usize, keep: v128, a: v128): void {
  const p0 = v128.load(pre);
  const p1 = v128.load(pre, 16);
  const p2 = v128.load(pre, 32);
  const p3 = v128.load(pre, 48);
  const e0 = expNegativeAbsFlushed(p0);
  const e1 = expNegativeAbsFlushed(p1);
  const e2 = expNegativeAbsFlushed(p2);
  const e3 = expNegativeAbsFlushed(p3);
  v128.store(pre, leak(v128.load(mask), v128.load(hPrev), softplusFrom(p0, e0), keep, a));
  v128.store(pre, leak(v128.load(mask, 16), v128.load(hPrev, 16), softplusFrom(p1, e1), keep, a), 16);
  v128.store(pre, leak(v128.load(mask, 32), v128.load(hPrev, 32), softplusFrom(p2, e2), keep, a), 32);
  v128.store(pre, leak(v128.load(mask, 48), v128.load(hPrev, 48), softplusFrom(p3, e3), keep, a), 48);
  if (deriv != 0) {
    v128.store(deriv, f32x4.mul(a, sigmoidFrom(p0, e0)));
    v128.store(deriv, f32x4.mul(a, sigmoidFrom(p1, e1)), 16);
    v128.store(deriv, f32x4.mul(a, sigmoidFrom(p2, e2)), 32);
    v128.store(deriv, f32x4.mul(a, sigmoidFrom(p3, e3)), 48);
  }
}

/** φ(p) for one vector. */
@inline function phi(p: v128, e: v128, kind: i32): v128 {
  if (kind == ACTIVATION_SOFTPLUS) return softplusFrom(p, e);
  if (kind == ACTIVATION_RELU) return f32x4.pmax(p, f32x4.splat(0));
  return tanh(p);
}

/** φ'(p) for one vector, given φ(p) = value. */
@inline function phiDerivative(p: v128, e: v128, value: v128, kind: i32): v128 {
  if (kind == ACTIVATION_SOFTPLUS) return sigmoidFrom(p, e);
  if (kind == ACTIVATION_RELU) return v128.and(f32x4.gt(p, f32x4.splat(0)), f32x4.splat(1.0));
  return f32x4.sub(f32x4.splat(1.0), f32x4.mul(value, value));
}

/** One vector of `count` ≤ 4 units (partial loads and stores when count < 4). */
@inline function activateVector(
  pre: usize,
  hPrev: usize,
  mask: usize,
  deriv: usize,
  count: i32,
  kind: i32,
  keep: v128,
  a: v128,
): void {
  const full = count == 4;
  let p: v128;
  let hp: v128;
  let m: v128;
  if (full) {
    p = v128.load(pre);
    hp = v128.load(hPrev);
    m = v128.load(mask);
  } else {
    p = loadPartial(pre, count);
    hp = loadPartial(hPrev, count);
    m = loadPartial(mask, count);
  }
  const e = kind == ACTIVATION_SOFTPLUS ? expNegativeAbsFlushed(p) : f32x4.splat(0);
  const value = phi(p, e, kind);
  const h = leak(m, hp, value, keep, a);
  if (full) v128.store(pre, h);
  else storePartial(pre, h, count);
  if (deriv != 0) {
    const d = f32x4.mul(a, phiDerivative(p, e, value, kind));
    if (full) v128.store(deriv, d);
    else storePartial(deriv, d, count);
  }
}

/**
 * Leaky update of `rows` rows of `cols` units, in place: pre ← h = mask ⊙ ((1 − α)·hPrev + α·φ(pre)).
 * When `deriv` ≠ 0 it receives α·φ'(pre) (same layout). mask [cols].
 */
export function activate(
  rows: i32,
  cols: i32,
  pre: usize,
  hPrev: usize,
  mask: usize,
  deriv: usize,
  kind: i32,
  alpha: f32,
): void {
  const a = f32x4.splat(alpha);
  const keep = f32x4.splat(<f32>1.0 - alpha);
  for (let r = 0; r < rows; r++) {
    const row = <usize>(r * cols) << 2;
    const d = deriv != 0 ? deriv + row : 0;
    let c = 0;
    if (kind == ACTIVATION_SOFTPLUS) {
      for (; c + 16 <= cols; c += 16) {
        const o = <usize>c << 2;
        softplus16(pre + row + o, hPrev + row + o, mask + o, d != 0 ? d + o : 0, keep, a);
      }
    }
    for (; c < cols; c += 4) {
      const o = <usize>c << 2;
      activateVector(pre + row + o, hPrev + row + o, mask + o, d != 0 ? d + o : 0, min(4, cols - c), kind, keep, a);
    }
  }
}

/**
 * Readout nonlinearity, loss and output gradient for `rows` rows of `cols` outputs, in place:
 * z ← ŷ = g(z); rowLoss[r] (f64) = Σ ((ŷ − y)·mask)²; when `dz` ≠ 0, dz = lossScale·(ŷ − y)·mask²·g'(z).
 */
export function readout(
  rows: i32,
  cols: i32,
  z: usize,
  target: usize,
  mask: usize,
  kind: i32,
  lossScale: f32,
  dz: usize,
  rowLoss: usize,
): void {
  const scale = f32x4.splat(lossScale);
  for (let r = 0; r < rows; r++) {
    let loss: f64 = 0;
    for (let c = 0; c < cols; c += 4) {
      const count = min(4, cols - c);
      const o = <usize>(r * cols + c) << 2;
      const full = count == 4;
      const zi = full ? v128.load(z + o) : loadPartial(z + o, count);
      const y = kind == OUTPUT_SIGMOID ? sigmoidFrom(zi, expNegativeAbsFlushed(zi)) : zi;
      const m = full ? v128.load(mask + o) : loadPartial(mask + o, count);
      const e = f32x4.mul(f32x4.sub(y, full ? v128.load(target + o) : loadPartial(target + o, count)), m);
      const e2 = f32x4.mul(e, e);
      loss += <f64>f32x4.extract_lane(e2, 0);
      if (count > 1) loss += <f64>f32x4.extract_lane(e2, 1);
      if (count > 2) loss += <f64>f32x4.extract_lane(e2, 2);
      if (count > 3) loss += <f64>f32x4.extract_lane(e2, 3);
      if (full) v128.store(z + o, y);
      else storePartial(z + o, y, count);
      if (dz != 0) {
        let g = f32x4.mul(f32x4.mul(scale, e), m);
        if (kind == OUTPUT_SIGMOID) g = f32x4.mul(g, f32x4.mul(y, f32x4.sub(f32x4.splat(1.0), y)));
        if (full) v128.store(dz + o, g);
        else storePartial(dz + o, g, count);
      }
    }
    store<f64>(rowLoss + (<usize>r << 3), loss);
  }
}

/**
 * One step of back-propagation through time, element-wise, for `rows` rows of `cols` units:
 * u = g ⊙ mask; dpre = u ⊙ deriv; g ← (1 − α)·u (the leak's share of the gradient of h_{t−1}).
 */
export function backwardStep(rows: i32, cols: i32, g: usize, mask: usize, deriv: usize, dpre: usize, alpha: f32): void {
  const keep = f32x4.splat(<f32>1.0 - alpha);
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let c = 0;
    for (; c < c4; c += 4) {
      const u = f32x4.mul(v128.load(at(g, row + c)), v128.load(at(mask, c)));
      v128.store(at(dpre, row + c), f32x4.mul(u, v128.load(at(deriv, row + c))));
      v128.store(at(g, row + c), f32x4.mul(keep, u));
    }
    for (; c < cols; c++) {
      const u = load<f32>(at(g, row + c)) * load<f32>(at(mask, c));
      store<f32>(at(dpre, row + c), u * load<f32>(at(deriv, row + c)));
      store<f32>(at(g, row + c), (<f32>1.0 - alpha) * u);
    }
  }
}

/** dst[r, 0..cols) = src[0..cols) for r < rows (row stride ld). */
export function fillRows(rows: i32, cols: i32, dst: usize, ld: i32, src: usize): void {
  for (let r = 0; r < rows; r++) memory.copy(at(dst, r * ld), src, <usize>cols << 2);
}

/** dst[c, r] = src[r, c]: a rows × cols block (leading dimensions lds, ldd), 4×4 SIMD tiles. */
export function transpose(rows: i32, cols: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  for (let r = 0; r < r4; r += 4) {
    let c = 0;
    for (; c < c4; c += 4) {
      const a = v128.load(at(src, r * lds + c));
      const b = v128.load(at(src, (r + 1) * lds + c));
      const x = v128.load(at(src, (r + 2) * lds + c));
      const y = v128.load(at(src, (r + 3) * lds + c));
      const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const xy0 = v128.shuffle<f32>(x, y, 0, 4, 1, 5);
      const xy1 = v128.shuffle<f32>(x, y, 2, 6, 3, 7);
      v128.store(at(dst, c * ldd + r), v128.shuffle<f32>(ab0, xy0, 0, 1, 4, 5));
      v128.store(at(dst, (c + 1) * ldd + r), v128.shuffle<f32>(ab0, xy0, 2, 3, 6, 7));
      v128.store(at(dst, (c + 2) * ldd + r), v128.shuffle<f32>(ab1, xy1, 0, 1, 4, 5));
      v128.store(at(dst, (c + 3) * ldd + r), v128.shuffle<f32>(ab1, xy1, 2, 3, 6, 7));
    }
    for (; c < cols; c++) {
      for (let i = 0; i < 4; i++) store<f32>(at(dst, c * ldd + r + i), load<f32>(at(src, (r + i) * lds + c)));
    }
  }
  for (let r = r4; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(at(dst, c * ldd + r), load<f32>(at(src, r * lds + c)));
  }
}

/** dst[r] (+)= Σ_c src[r, c]: four lane sums reduced as (l0 + l2) + (l1 + l3), then the tail in order. */
export function rowSums(rows: i32, cols: i32, src: usize, ld: i32, dst: usize, accumulate: bool): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = at(src, r * ld);
    let s = f32x4.splat(0);
    let c = 0;
    for (; c < c4; c += 4) s = f32x4.add(s, v128.load(at(row, c)));
    const h = f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
    let total: f32 = f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1);
    for (; c < cols; c++) total += load<f32>(at(row, c));
    const out = at(dst, r);
    store<f32>(out, accumulate ? load<f32>(out) + total : total);
  }
}

/** Σ x² over count floats, in float64, in index order. */
export function sumSquares(x: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < count; i++) {
    const v = <f64>load<f32>(at(x, i));
    s += v * v;
  }
  return s;
}

/** x ← x · factor. */
export function scale(x: usize, count: i32, factor: f32): void {
  for (let i = 0; i < count; i++) store<f32>(at(x, i), load<f32>(at(x, i)) * factor);
}

/** x ← clamp(x, −limit, limit). */
export function clipValue(x: usize, count: i32, limit: f32): void {
  for (let i = 0; i < count; i++) store<f32>(at(x, i), min(max(load<f32>(at(x, i)), -limit), limit));
}

/** dst ← dst + src. */
export function addInto(dst: usize, src: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

/**
 * Adam step, TensorFlow's formulation: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
 * θ ← θ − lrT·m / (√v + ε), with lrT = lr·√(1 − β2^t)/(1 − β1^t) computed by the host.
 */
export function adam(
  count: i32,
  param: usize,
  grad: usize,
  m: usize,
  v: usize,
  lrT: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
): void {
  for (let i = 0; i < count; i++) {
    const g = load<f32>(at(grad, i));
    const mi = beta1 * load<f32>(at(m, i)) + (<f32>1.0 - beta1) * g;
    const vi = beta2 * load<f32>(at(v, i)) + (<f32>1.0 - beta2) * g * g;
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    store<f32>(at(param, i), load<f32>(at(param, i)) - (lrT * mi) / (<f32>Mathf.sqrt(vi) + epsilon));
  }
}
