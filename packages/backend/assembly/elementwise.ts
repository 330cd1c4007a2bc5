// Element-wise kernels of the leaky RNN passes, the optimiser and gradient clipping.
// Rows are contiguous with `cols` elements unless a leading dimension is given.
import { sigmoid, softplus, tanh } from './math';

export const ACTIVATION_SOFTPLUS: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_TANH: i32 = 2;
export const OUTPUT_SIGMOID: i32 = 0;

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** φ(p) and α·φ'(p) for one vector of pre-activations. */
@inline function phi(p: v128, kind: i32): v128 {
  if (kind == ACTIVATION_SOFTPLUS) return softplus(p);
  if (kind == ACTIVATION_RELU) return f32x4.max(p, f32x4.splat(0));
  return tanh(p);
}

@inline function phiDerivative(p: v128, value: v128, kind: i32): v128 {
  if (kind == ACTIVATION_SOFTPLUS) return sigmoid(p);
  if (kind == ACTIVATION_RELU) return v128.and(f32x4.gt(p, f32x4.splat(0)), f32x4.splat(1.0));
  return f32x4.sub(f32x4.splat(1.0), f32x4.mul(value, value));
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
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c += 4) {
      const n = min(4, cols - c);
      const full = c < c4;
      const p = full ? v128.load(at(pre, row + c)) : loadPartial(at(pre, row + c), n);
      const hp = full ? v128.load(at(hPrev, row + c)) : loadPartial(at(hPrev, row + c), n);
      const m = full ? v128.load(at(mask, c)) : loadPartial(at(mask, c), n);
      const value = phi(p, kind);
      const h = f32x4.mul(m, f32x4.add(f32x4.mul(keep, hp), f32x4.mul(a, value)));
      if (full) v128.store(at(pre, row + c), h);
      else storePartial(at(pre, row + c), h, n);
      if (deriv != 0) {
        const d = f32x4.mul(a, phiDerivative(p, value, kind));
        if (full) v128.store(at(deriv, row + c), d);
        else storePartial(at(deriv, row + c), d, n);
      }
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
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let loss: f64 = 0;
    for (let c = 0; c < cols; c++) {
      const zi = load<f32>(at(z, row + c));
      const y = kind == OUTPUT_SIGMOID ? f32x4.extract_lane(sigmoid(f32x4.splat(zi)), 0) : zi;
      store<f32>(at(z, row + c), y);
      const m = load<f32>(at(mask, row + c));
      const e = (y - load<f32>(at(target, row + c))) * m;
      loss += <f64>(e * e);
      if (dz != 0) {
        const slope: f32 = kind == OUTPUT_SIGMOID ? y * (<f32>1.0 - y) : 1.0;
        store<f32>(at(dz, row + c), lossScale * e * m * slope);
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
