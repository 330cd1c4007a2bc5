// The hot loop of the seeded generator's normal fill, in WebAssembly: the twin of `addNormalFast` in
// src/rng.ts, bit-identical to it (same xoshiro128** steps in blocks of four words, same ziggurat fast
// test, same float64 arithmetic rounded once to float32). The memory layout is fixed here and exported;
// the host (src/normal-kernel.ts) reads it from the exports. Nothing here allocates.
// Fixed addresses matter for speed: with seven pointer arguments V8 ran out of registers (2.6 ns/sample);
// with constant addresses and the four steps of a block written out, 1.8 ns/sample (Zen 4, Node 20).

/** Samples per call: the chunk of the fill and the length of the slow-path queue. */
export const CHUNK: i32 = 4096;
/** f32[CHUNK]: the values the noise is added to, in place. */
export const BUFFER: usize = 0;
/** i32[CHUNK]: positions in BUFFER of the words that need the slow path. */
export const SLOW_INDEX: usize = BUFFER + 4 * <usize>CHUNK;
/** u32[CHUNK]: those words. */
export const SLOW_WORD: usize = SLOW_INDEX + 4 * <usize>CHUNK;
/** i32[512]: a word is accepted at once when its position is below THRESHOLDS[index]. */
export const THRESHOLDS: usize = SLOW_WORD + 4 * <usize>CHUNK;
/** f64[512]: signed layer width / 2^23, times the std of the fill. */
export const WIDTHS: usize = THRESHOLDS + 4 * 512;
/** u32[4]: the xoshiro128** state, read at the start of a call and written back at its end. */
export const STATE: usize = WIDTHS + 8 * 512;
/** Bytes used (the memory is one 64 KiB page). */
export const END: usize = STATE + 16;

/** Bits 0-8 of a word: layer and sign (index into the 512-entry tables). */
const INDEX_MASK: u32 = 511;
/** The 23-bit position inside the layer is the word shifted right by this. */
const POSITION_SHIFT: u32 = 9;

/**
 * Adds std·z to BUFFER at byte offset `at` when `word` passes the fast test; otherwise queues the word
 * (and leaves the value). `failures` and the result are byte offsets into the queues.
 */
@inline function emit(at: usize, word: u32, failures: usize): usize {
  const index = <usize>(word & INDEX_MASK);
  const position = <i32>(word >>> POSITION_SHIFT);
  if (position < load<i32>(index << 2, THRESHOLDS)) {
    store<f32>(at, <f32>(<f64>load<f32>(at, BUFFER) + <f64>position * load<f64>(index << 3, WIDTHS)), BUFFER);
    return failures;
  }
  store<i32>(failures, <i32>(at >> 2), SLOW_INDEX);
  store<u32>(failures, word, SLOW_WORD);
  return failures + 4;
}

/**
 * BUFFER[i] += std·z_i for i < count (count <= CHUNK), z_i from one xoshiro128** word each (fast ziggurat
 * test only; the words that fail it are queued in SLOW_INDEX/SLOW_WORD). The generator steps in blocks of
 * four words: words past `count` in the last block are drawn and discarded.
 * @returns the number of queued words.
 */
export function fillNormal(count: i32): i32 {
  let s0 = load<u32>(STATE, 0);
  let s1 = load<u32>(STATE, 4);
  let s2 = load<u32>(STATE, 8);
  let s3 = load<u32>(STATE, 12);
  let failures: usize = 0;
  const end = <usize>count << 2;
  let at: usize = 0;
  let t: u32;
  // Whole blocks of four words.
  for (; at + 12 < end; at += 16) {
    const w0: u32 = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const w1: u32 = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const w2: u32 = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const w3: u32 = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    failures = emit(at, w0, failures);
    failures = emit(at + 4, w1, failures);
    failures = emit(at + 8, w2, failures);
    failures = emit(at + 12, w3, failures);
  }
  // The last block when it is partial: its words past `count` are drawn and discarded.
  if (at < end) {
    for (let k: usize = 0; k < 16; k += 4) {
      const word: u32 = rotl<u32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      if (at + k < end) failures = emit(at + k, word, failures);
    }
  }
  store<u32>(STATE, s0, 0);
  store<u32>(STATE, s1, 4);
  store<u32>(STATE, s2, 8);
  store<u32>(STATE, s3, 12);
  return <i32>(failures >> 2);
}
