// Counter-based standard-normal samples: the WebAssembly twin of src/noise.ts, bit-identical to it.
// Read src/noise.ts for the design; every arithmetic step here mirrors one there. `tables` points at
// the bytes of `noiseTables()`: k: i32[128], w: f64[128], f: f64[128], 2^-i: f64[40].

const TAIL_START: f64 = 3.442619855899;
const LN2: f64 = 0.6931471805599453;
const SQRT2: f64 = 1.4142135623730951;
const INV_LN2: f64 = 1.4426950408889634;

const W_OFFSET: usize = 128 * 4;
const F_OFFSET: usize = W_OFFSET + 128 * 8;
const POW_OFFSET: usize = F_OFFSET + 128 * 8;

@inline function mix(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

@inline function draw(key0: u32, key1: u32, low: u32, high: u32, round: u32): u32 {
  const first = mix(low ^ key0);
  return mix(first ^ key1 ^ (high * 0x9e3779b1) ^ (round * 0x632be5ab));
}

@inline function inversePowerOfTwo(tables: usize, k: i32): f64 {
  return load<f64>(tables + POW_OFFSET + (<usize>k << 3));
}

function logUniform(tables: usize, word: u32): f64 {
  const odd: f64 = <f64>word * 2.0 + 1.0;
  const bits: i32 = word == 0 ? 1 : 33 - <i32>clz<u32>(word);
  let y: f64 = odd * inversePowerOfTwo(tables, bits - 1);
  let exponent: i32 = bits - 34;
  if (y > SQRT2) {
    y *= 0.5;
    exponent += 1;
  }
  const s: f64 = (y - 1.0) / (y + 1.0);
  const s2: f64 = s * s;
  const series: f64 =
    1.0 +
    s2 *
      (0.3333333333333333 +
        s2 *
          (0.2 +
            s2 *
              (0.14285714285714285 +
                s2 * (0.1111111111111111 + s2 * (0.09090909090909091 + s2 * 0.07692307692307693)))));
  return 2.0 * s * series + <f64>exponent * LN2;
}

function expNegative(tables: usize, a: f64): f64 {
  const n: f64 = Math.floor(a * INV_LN2 + 0.5);
  const r: f64 = a - n * LN2;
  const p: f64 =
    1.0 +
    r *
      (1.0 +
        r *
          (0.5 +
            r *
              (0.16666666666666666 +
                r *
                  (0.041666666666666664 +
                    r *
                      (0.008333333333333333 +
                        r *
                          (0.001388888888888889 +
                            r * (0.0001984126984126984 + r * (0.0000248015873015873 + r * 0.0000027557319223985893))))))));
  return p * inversePowerOfTwo(tables, <i32>-n);
}

@inline function threshold(tables: usize, layer: u32): i32 {
  return load<i32>(tables + (<usize>layer << 2));
}

@inline function width(tables: usize, layer: u32): f64 {
  return load<f64>(tables + W_OFFSET + (<usize>layer << 3));
}

@inline function density(tables: usize, layer: u32): f64 {
  return load<f64>(tables + F_OFFSET + (<usize>layer << 3));
}

@inline function absolute(j: i32): i32 {
  return j < 0 ? -j : j;
}

function slowSample(tables: usize, key0: u32, key1: u32, low: u32, high: u32, layer: u32, j: i32): f64 {
  let round: u32 = 0;
  while (true) {
    if (layer == 0) {
      let x: f64 = 0;
      let y: f64 = 0;
      do {
        round++;
        x = -logUniform(tables, draw(key0, key1, low, high, round)) / TAIL_START;
        round++;
        y = -logUniform(tables, draw(key0, key1, low, high, round));
      } while (y + y < x * x);
      return j > 0 ? TAIL_START + x : -(TAIL_START + x);
    }
    const x: f64 = <f64>j * width(tables, layer);
    round++;
    const u: f64 = (<f64>draw(key0, key1, low, high, round) + 0.5) * inversePowerOfTwo(tables, 32);
    const top = density(tables, layer - 1);
    const bottom = density(tables, layer);
    if (bottom + u * (top - bottom) < expNegative(tables, -0.5 * x * x)) return x;
    round++;
    const word = draw(key0, key1, low, high, round);
    layer = word & 127;
    j = <i32>word >> 7;
    if (absolute(j) < threshold(tables, layer)) return <f64>j * width(tables, layer);
  }
  return 0;
}

/** The sample for a first-round word (fast path inline, the rest out of line). */
@inline function finish(tables: usize, key0: u32, key1: u32, low: u32, high: u32, word: u32): f64 {
  const layer = word & 127;
  const j = <i32>word >> 7;
  if (absolute(j) < threshold(tables, layer)) return <f64>j * width(tables, layer);
  return slowSample(tables, key0, key1, low, high, layer, j);
}

@inline function sample(tables: usize, key0: u32, key1: u32, low: u32, high: u32): f64 {
  return finish(tables, key0, key1, low, high, draw(key0, key1, low, high, 0));
}

/** The mixer on four lanes. */
@inline function mix4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

@inline function emit(out: usize, k: i32, value: f32, scale: f32, accumulate: bool): void {
  const at = out + (<usize>k << 2);
  if (accumulate) store<f32>(at, load<f32>(at) + scale * value);
  else store<f32>(at, value);
}

/**
 * out[k] = ξ(seed, start + k) for k < count (float32), or out[k] += f32(scale · ξ) when `accumulate`.
 * The seed is given by its two key words (`noiseSeedKeys`), the start index by its low and high words.
 * Four samples at a time (SIMD): hashes, ziggurat fast path; a group with any slow-path lane runs per sample.
 */
export function noise(
  tables: usize,
  key0: u32,
  key1: u32,
  startLow: u32,
  startHigh: u32,
  count: i32,
  out: usize,
  scale: f32,
  accumulate: bool,
): void {
  let low = startLow;
  let high = startHigh;
  const keys = i32x4.splat(key0);
  const lanes = i32x4(0, 1, 2, 3);
  let k = 0;
  while (k < count) {
    if (k + 4 <= count && low <= 0xfffffffc) {
      const salt = i32x4.splat(key1 ^ (high * 0x9e3779b1));
      const words = mix4(v128.xor(mix4(v128.xor(i32x4.add(i32x4.splat(low), lanes), keys)), salt));
      const layers = v128.and(words, i32x4.splat(127));
      const js = i32x4.shr_s(words, 7);
      const l0 = <u32>i32x4.extract_lane(layers, 0);
      const l1 = <u32>i32x4.extract_lane(layers, 1);
      const l2 = <u32>i32x4.extract_lane(layers, 2);
      const l3 = <u32>i32x4.extract_lane(layers, 3);
      let limits = i32x4.splat(threshold(tables, l0));
      limits = i32x4.replace_lane(limits, 1, threshold(tables, l1));
      limits = i32x4.replace_lane(limits, 2, threshold(tables, l2));
      limits = i32x4.replace_lane(limits, 3, threshold(tables, l3));
      if (i32x4.all_true(i32x4.lt_s(i32x4.abs(js), limits))) {
        // all four on the fast path: x = j·w[layer] in float64, rounded once to float32 (as the scalar path)
        let w01 = f64x2.splat(width(tables, l0));
        w01 = f64x2.replace_lane(w01, 1, width(tables, l1));
        let w23 = f64x2.splat(width(tables, l2));
        w23 = f64x2.replace_lane(w23, 1, width(tables, l3));
        const x01 = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.convert_low_i32x4_s(js), w01));
        const x23 = f32x4.demote_f64x2_zero(
          f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(js, js, 2, 3, 0, 1)), w23),
        );
        const values = v128.shuffle<f32>(x01, x23, 0, 1, 4, 5);
        const at = out + (<usize>k << 2);
        if (accumulate) v128.store(at, f32x4.add(v128.load(at), f32x4.mul(f32x4.splat(scale), values)));
        else v128.store(at, values);
      } else {
        emit(out, k, <f32>finish(tables, key0, key1, low, high, i32x4.extract_lane(words, 0)), scale, accumulate);
        emit(out, k + 1, <f32>finish(tables, key0, key1, low + 1, high, i32x4.extract_lane(words, 1)), scale, accumulate);
        emit(out, k + 2, <f32>finish(tables, key0, key1, low + 2, high, i32x4.extract_lane(words, 2)), scale, accumulate);
        emit(out, k + 3, <f32>finish(tables, key0, key1, low + 3, high, i32x4.extract_lane(words, 3)), scale, accumulate);
      }
      k += 4;
      low += 4;
    } else {
      emit(out, k, <f32>sample(tables, key0, key1, low, high), scale, accumulate);
      k++;
      low++;
    }
    if (low == 0 && k < count) high++;
  }
}
