// Matrix product C[M,N] (+)= A[M,K] · B[N,K]ᵀ on row-major float32 (leading dimensions in elements).
//
// Register block 2 rows × 4 columns, 4 k per SIMD step (kernels.md: the fastest shape on V8).
// K is processed in fixed blocks of K_BLOCK; B in panels of N_PANEL rows so a panel stays in cache.
//
// Summation order, identical for every element whichever block, panel or row pairing computes it
// (so results do not depend on how rows are split between threads): per K block, four lane sums over
// k ≡ 0..3 (mod 4) — the last partial group of 4 loaded with the missing lanes masked to zero — reduced
// as (l0 + l2) + (l1 + l3); each block's sum is added to C in block order.
// The masked loads read up to 12 bytes past the end of a row: the host keeps 16 bytes of slack after
// every buffer.

const K_BLOCK: i32 = 256;
const N_PANEL: i32 = 64;

@inline function lanesSum(v: v128): f32 {
  const h = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1);
}

/** [(a0+a2)+(a1+a3), (b..), (c..), (d..)] for four lane accumulators. */
@inline function reduce4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** All-ones in the first `count` lanes, zero in the others. */
@inline function laneMask(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

@inline function storeBlock(c: usize, value: v128, first: bool, accumulate: bool): void {
  if (first && !accumulate) v128.store(c, value);
  else v128.store(c, f32x4.add(v128.load(c), value));
}

@inline function storeOne(c: usize, value: f32, first: bool, accumulate: bool): void {
  if (first && !accumulate) store<f32>(c, value);
  else store<f32>(c, load<f32>(c) + value);
}

/** 2×4 block over k ∈ [k0, k1): rows a0, a0+lda; B rows b0 .. b0+3·ldb; C rows c0, c0+ldc. */
@inline function block2x4(
  a0: usize,
  a1: usize,
  b0: usize,
  b1: usize,
  b2: usize,
  b3: usize,
  k0: i32,
  kv: i32,
  k1: i32,
  c0: usize,
  c1: usize,
  first: bool,
  accumulate: bool,
): void {
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s13 = f32x4.splat(0);
  for (let k = k0; k < kv; k += 4) {
    const o = <usize>k << 2;
    const x0 = v128.load(a0 + o);
    const x1 = v128.load(a1 + o);
    const y0 = v128.load(b0 + o);
    s00 = f32x4.add(s00, f32x4.mul(x0, y0));
    s10 = f32x4.add(s10, f32x4.mul(x1, y0));
    const y1 = v128.load(b1 + o);
    s01 = f32x4.add(s01, f32x4.mul(x0, y1));
    s11 = f32x4.add(s11, f32x4.mul(x1, y1));
    const y2 = v128.load(b2 + o);
    s02 = f32x4.add(s02, f32x4.mul(x0, y2));
    s12 = f32x4.add(s12, f32x4.mul(x1, y2));
    const y3 = v128.load(b3 + o);
    s03 = f32x4.add(s03, f32x4.mul(x0, y3));
    s13 = f32x4.add(s13, f32x4.mul(x1, y3));
  }
  if (kv < k1) {
    const mask = laneMask(k1 - kv);
    const o = <usize>kv << 2;
    const x0 = v128.and(v128.load(a0 + o), mask);
    const x1 = v128.and(v128.load(a1 + o), mask);
    const y0 = v128.and(v128.load(b0 + o), mask);
    s00 = f32x4.add(s00, f32x4.mul(x0, y0));
    s10 = f32x4.add(s10, f32x4.mul(x1, y0));
    const y1 = v128.and(v128.load(b1 + o), mask);
    s01 = f32x4.add(s01, f32x4.mul(x0, y1));
    s11 = f32x4.add(s11, f32x4.mul(x1, y1));
    const y2 = v128.and(v128.load(b2 + o), mask);
    s02 = f32x4.add(s02, f32x4.mul(x0, y2));
    s12 = f32x4.add(s12, f32x4.mul(x1, y2));
    const y3 = v128.and(v128.load(b3 + o), mask);
    s03 = f32x4.add(s03, f32x4.mul(x0, y3));
    s13 = f32x4.add(s13, f32x4.mul(x1, y3));
  }
  const r0 = reduce4(s00, s01, s02, s03);
  const r1 = reduce4(s10, s11, s12, s13);
  storeBlock(c0, r0, first, accumulate);
  storeBlock(c1, r1, first, accumulate);
}

/** 1×4 block (the odd last row). */
@inline function block1x4(
  a0: usize,
  b0: usize,
  b1: usize,
  b2: usize,
  b3: usize,
  k0: i32,
  kv: i32,
  k1: i32,
  c0: usize,
  first: bool,
  accumulate: bool,
): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  for (let k = k0; k < kv; k += 4) {
    const o = <usize>k << 2;
    const x0 = v128.load(a0 + o);
    s0 = f32x4.add(s0, f32x4.mul(x0, v128.load(b0 + o)));
    s1 = f32x4.add(s1, f32x4.mul(x0, v128.load(b1 + o)));
    s2 = f32x4.add(s2, f32x4.mul(x0, v128.load(b2 + o)));
    s3 = f32x4.add(s3, f32x4.mul(x0, v128.load(b3 + o)));
  }
  if (kv < k1) {
    const mask = laneMask(k1 - kv);
    const o = <usize>kv << 2;
    const x0 = v128.and(v128.load(a0 + o), mask);
    s0 = f32x4.add(s0, f32x4.mul(x0, v128.and(v128.load(b0 + o), mask)));
    s1 = f32x4.add(s1, f32x4.mul(x0, v128.and(v128.load(b1 + o), mask)));
    s2 = f32x4.add(s2, f32x4.mul(x0, v128.and(v128.load(b2 + o), mask)));
    s3 = f32x4.add(s3, f32x4.mul(x0, v128.and(v128.load(b3 + o), mask)));
  }
  const r0 = reduce4(s0, s1, s2, s3);
  storeBlock(c0, r0, first, accumulate);
}

/** One element (the leftover columns). */
@inline function block1x1(a0: usize, b0: usize, k0: i32, kv: i32, k1: i32, c0: usize, first: bool, accumulate: bool): void {
  let s = f32x4.splat(0);
  for (let k = k0; k < kv; k += 4) {
    const o = <usize>k << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(a0 + o), v128.load(b0 + o)));
  }
  if (kv < k1) {
    const mask = laneMask(k1 - kv);
    const o = <usize>kv << 2;
    s = f32x4.add(s, f32x4.mul(v128.and(v128.load(a0 + o), mask), v128.and(v128.load(b0 + o), mask)));
  }
  storeOne(c0, lanesSum(s), first, accumulate);
}

/**
 * C[M,N] = (accumulate ? C : 0) + A[M,K] · B[N,K]ᵀ. Pointers are byte offsets; lda/ldb/ldc in elements.
 */
export function gemmNT(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  accumulate: bool,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) {
      for (let m = 0; m < M; m++) memory.fill(c + ((<usize>m * <usize>ldc) << 2), 0, <usize>N << 2);
    }
    return;
  }
  const strideA = <usize>lda << 2;
  const strideB = <usize>ldb << 2;
  const strideC = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    const k1 = min(k0 + K_BLOCK, K);
    const kv = k0 + ((k1 - k0) & ~3);
    const first = k0 == 0;
    for (let n0 = 0; n0 < N; n0 += N_PANEL) {
      const n1 = min(n0 + N_PANEL, N);
      const n4 = n0 + ((n1 - n0) & ~3);
      let m = 0;
      for (; m + 1 < M; m += 2) {
        const a0 = a + <usize>m * strideA;
        const a1 = a0 + strideA;
        const c0 = c + <usize>m * strideC;
        const c1 = c0 + strideC;
        let n = n0;
        for (; n < n4; n += 4) {
          const b0 = b + <usize>n * strideB;
          block2x4(
            a0,
            a1,
            b0,
            b0 + strideB,
            b0 + 2 * strideB,
            b0 + 3 * strideB,
            k0,
            kv,
            k1,
            c0 + (<usize>n << 2),
            c1 + (<usize>n << 2),
            first,
            accumulate,
          );
        }
        for (; n < n1; n++) {
          const b0 = b + <usize>n * strideB;
          block1x1(a0, b0, k0, kv, k1, c0 + (<usize>n << 2), first, accumulate);
          block1x1(a1, b0, k0, kv, k1, c1 + (<usize>n << 2), first, accumulate);
        }
      }
      if (m < M) {
        const a0 = a + <usize>m * strideA;
        const c0 = c + <usize>m * strideC;
        let n = n0;
        for (; n < n4; n += 4) {
          const b0 = b + <usize>n * strideB;
          block1x4(
            a0,
            b0,
            b0 + strideB,
            b0 + 2 * strideB,
            b0 + 3 * strideB,
            k0,
            kv,
            k1,
            c0 + (<usize>n << 2),
            first,
            accumulate,
          );
        }
        for (; n < n1; n++) {
          block1x1(a0, b + <usize>n * strideB, k0, kv, k1, c0 + (<usize>n << 2), first, accumulate);
        }
      }
    }
  }
}
