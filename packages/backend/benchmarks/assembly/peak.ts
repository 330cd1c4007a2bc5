// The machine's WebAssembly SIMD ceiling for the engine's arithmetic: the inner loop of the engine's
// matrix product (a 2 × 4 register block, as in assembly/gemm.ts) with its data in L1 cache and no
// overhead around it. Each iteration loads six f32x4 vectors from a 2 KiB buffer and adds their eight
// products to eight accumulators (no fused multiply-add: WebAssembly SIMD has none without relaxed
// SIMD); the accumulators' chains carry only the adds, so the loop is bound by the processor's multiply,
// add and load throughput. Keeping the four column vectors in registers instead of loading them was
// slower (V8 spills with 14 live vectors). Compiled by the rnn benchmark at run time; not part of the engine.

/** Bytes of the buffer the loop reads (the first bytes of the module's own memory). */
const BUFFER_BYTES: i32 = 2048;

/** Runs `iterations` × 8 multiply-adds on 4 lanes (64 FLOPs per iteration); returns a sum of the results. */
export function peak(iterations: i32, seed: f32): f32 {
  for (let i = 0; i < BUFFER_BYTES; i += 4) store<f32>(<usize>i, seed + <f32>(i & 63) * 0.001);
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s02 = f32x4.splat(0);
  let s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s12 = f32x4.splat(0);
  let s13 = f32x4.splat(0);
  for (let i = 0; i < iterations; i++) {
    const o = <usize>((i & 15) << 6);
    const x0 = v128.load(o);
    const x1 = v128.load(o + 16);
    const y0 = v128.load(o + 32);
    s00 = f32x4.add(s00, f32x4.mul(x0, y0));
    s10 = f32x4.add(s10, f32x4.mul(x1, y0));
    const y1 = v128.load(o + 48);
    s01 = f32x4.add(s01, f32x4.mul(x0, y1));
    s11 = f32x4.add(s11, f32x4.mul(x1, y1));
    const y2 = v128.load(o + 64);
    s02 = f32x4.add(s02, f32x4.mul(x0, y2));
    s12 = f32x4.add(s12, f32x4.mul(x1, y2));
    const y3 = v128.load(o + 80);
    s03 = f32x4.add(s03, f32x4.mul(x0, y3));
    s13 = f32x4.add(s13, f32x4.mul(x1, y3));
  }
  // every accumulator feeds the result, so none can be dropped as dead code
  const sum = f32x4.add(
    f32x4.add(f32x4.add(s00, s01), f32x4.add(s02, s03)),
    f32x4.add(f32x4.add(s10, s11), f32x4.add(s12, s13)),
  );
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}
