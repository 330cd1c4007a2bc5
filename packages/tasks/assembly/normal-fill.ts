// The seeded generator's normal fill, in WebAssembly: the twin of `addNormalFrom` in src/rng.ts (fast loop
// `addNormalFast`, then `zigguratSlowPath` for the queued words), bit-identical to it: the same
// xoshiro128** words in the same order (blocks of four), the same ziggurat tests and the same float64
// arithmetic rounded once to float32. The host (src/normal-kernel.ts) reads the memory layout from the
// exports and writes the tables. Nothing here allocates.
// Fixed addresses matter for speed: with seven pointer arguments V8 ran out of registers (2.6 ns/sample);
// with constant addresses and the four steps of a block written out, 1.8 ns/sample (Zen 4, Node 20).
import { BUFFER, SCALED_WIDTHS, SLOW_AT, SLOW_WORD, STATE, THRESHOLDS } from './layout';
import { slowNormal } from './slow-path';

export {
  BUFFER,
  CHUNK,
  DENSITY,
  EDGES,
  END,
  LAYER_WIDTHS,
  SCALED_WIDTHS,
  SLOW_AT,
  SLOW_WORD,
  STATE,
  THRESHOLDS,
} from './layout';

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
    store<f32>(at, <f32>(<f64>load<f32>(at, BUFFER) + <f64>position * load<f64>(index << 3, SCALED_WIDTHS)), BUFFER);
    return failures;
  }
  store<i32>(failures, <i32>at, SLOW_AT);
  store<u32>(failures, word, SLOW_WORD);
  return failures + 4;
}

/**
 * BUFFER[i] = f32(BUFFER[i] + std·z_i) for i < count (count <= CHUNK), z_i standard normal, drawn from the
 * generator at STATE (advanced in place). First the fast loop: one word per sample, the generator stepped
 * in blocks of four words (words past `count` in the last block are drawn and discarded); the words that
 * fail the fast test are queued (SLOW_AT, SLOW_WORD) and their samples completed afterwards, in order,
 * with fresh words. SCALED_WIDTHS must hold LAYER_WIDTHS · std.
 * @returns the number of samples that took the slow path.
 */
export function fillNormal(count: i32, std: f64): i32 {
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
  for (let f: usize = 0; f < failures; f += 4) {
    const at = <usize>load<i32>(f, SLOW_AT);
    const z = slowNormal(load<u32>(f, SLOW_WORD));
    store<f32>(at, <f32>(<f64>load<f32>(at, BUFFER) + std * z), BUFFER);
  }
  return <i32>(failures >> 2);
}
