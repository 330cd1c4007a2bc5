// The hot loop of the seeded generator's normal fill, in WebAssembly: the twin of `addNormalFast` in
// src/rng.ts, bit-identical to it (same xoshiro128** steps, same ziggurat fast test, same float64
// arithmetic rounded once to float32). The host (src/normal-kernel.ts) owns the memory layout and passes
// every region as a byte address; nothing here allocates.

/** Bits 0-8 of a word: layer and sign (index into the 512-entry tables). */
const INDEX_MASK: u32 = 511;
/** The 23-bit position inside the layer is the word shifted right by this. */
const POSITION_SHIFT: u32 = 9;

/**
 * buffer[i] += z_i · std for i < count, z_i from one xoshiro128** word each (fast ziggurat test only).
 * A word that fails the test leaves buffer[i] unchanged and is queued: slowIndex[f] = i, slowWord[f] = word.
 * The generator steps in blocks of four words: words past `count` in the last block are drawn and discarded.
 * @param buffer f32[count], updated in place.
 * @param state i32[4], the generator state; read at the start and written back at the end.
 * @param thresholds i32[512]: accept the word at once when its position is below thresholds[index].
 * @param widths f64[512]: signed layer width / 2^23 times std.
 * @param slowIndex i32[count], slowWord i32[count]: the queue of words for the slow path.
 * @returns the number of queued words.
 */
export function fillNormal(
  buffer: usize,
  count: i32,
  state: usize,
  thresholds: usize,
  widths: usize,
  slowIndex: usize,
  slowWord: usize,
): i32 {
  let s0 = load<u32>(state, 0);
  let s1 = load<u32>(state, 4);
  let s2 = load<u32>(state, 8);
  let s3 = load<u32>(state, 12);
  let failures: i32 = 0;
  for (let i: i32 = 0; i < count; i++) {
    const word: u32 = rotl<u32>(s1 * 5, 7) * 9;
    const t: u32 = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const index = <usize>(word & INDEX_MASK);
    const position = <i32>(word >>> POSITION_SHIFT);
    const at = buffer + ((<usize>i) << 2);
    if (position < load<i32>(thresholds + (index << 2))) {
      store<f32>(at, <f32>(<f64>load<f32>(at) + <f64>position * load<f64>(widths + (index << 3))));
    } else {
      store<i32>(slowIndex + ((<usize>failures) << 2), i);
      store<u32>(slowWord + ((<usize>failures) << 2), word);
      failures++;
    }
  }
  for (let i: i32 = count; (i & 3) != 0; i++) {
    const t: u32 = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
  }
  store<u32>(state, s0, 0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
  return failures;
}
