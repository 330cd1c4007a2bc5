// Twin of zigguratSlowPath (src/ziggurat.ts) and of the generator's nextWord/uniform (src/rng.ts): the
// same words drawn in the same order, the same arithmetic, so the same bits. Rare (about 1.3 % of
// samples), so the generator state stays in memory (STATE) here.
import { detExp, detLog } from './det-math';
import { DENSITY, EDGES, LAYER_WIDTHS, STATE, THRESHOLDS } from './layout';

const LAYERS: u32 = 256;
const INDEX_MASK: u32 = 511;
const POSITION_SHIFT: u32 = 9;
const R: f64 = 3.6541528853610088;
const TWO_POW_26: f64 = 67108864.0;
const TWO_POW_MINUS_32: f64 = 1.0 / 4294967296.0;
const TWO_POW_MINUS_53: f64 = 1.0 / 9007199254740992.0;

/** The next xoshiro128** word of the state at STATE. */
export function nextWord(): u32 {
  const s0 = load<u32>(STATE, 0);
  const s1 = load<u32>(STATE, 4);
  const s2 = load<u32>(STATE, 8) ^ s0;
  const s3 = load<u32>(STATE, 12) ^ s1;
  store<u32>(STATE, s0 ^ s3, 0);
  store<u32>(STATE, s1 ^ s2, 4);
  store<u32>(STATE, s2 ^ (s1 << 9), 8);
  store<u32>(STATE, rotl<u32>(s3, 11), 12);
  return rotl<u32>(s1 * 5, 7) * 9;
}

/** Uniform in [0, 1) from two words (27 + 26 bits), as the host's `uniform()`. */
function uniform(): f64 {
  const high = nextWord() >>> 5;
  const low = nextWord() >>> 6;
  return (<f64>high * TWO_POW_26 + <f64>low) * TWO_POW_MINUS_53;
}

/** Completes a sample whose fast test failed: a standard normal sample (see zigguratSlowPath). */
export function slowNormal(word: u32): f64 {
  let bits = word;
  while (true) {
    const layer = <usize>(bits & (LAYERS - 1));
    const negative = (bits & LAYERS) != 0;
    if (layer == 0) {
      let x: f64;
      let y: f64;
      do {
        x = -detLog(1.0 - uniform()) / R;
        y = -detLog(1.0 - uniform());
      } while (y + y < x * x);
      return negative ? -(R + x) : R + x;
    }
    const x = <f64>(bits >>> POSITION_SHIFT) * load<f64>(layer << 3, LAYER_WIDTHS);
    const top = load<f64>((layer - 1) << 3, DENSITY);
    const bottom = load<f64>(layer << 3, DENSITY);
    const y = bottom + <f64>nextWord() * TWO_POW_MINUS_32 * (top - bottom);
    const left = load<f64>((layer - 1) << 3, EDGES);
    const right = load<f64>(layer << 3, EDGES);
    const chord = top + ((x - left) * (bottom - top)) / (right - left);
    let accept: bool;
    if (right <= 1.0 && y < chord) accept = true;
    else if (left >= 1.0 && y > chord) accept = false;
    else accept = y < detExp(-0.5 * x * x);
    if (accept) return negative ? -x : x;
    bits = nextWord();
    const index = <usize>(bits & INDEX_MASK);
    const position = <i32>(bits >>> POSITION_SHIFT);
    if (position < load<i32>(index << 2, THRESHOLDS)) return <f64>position * load<f64>(index << 3, LAYER_WIDTHS);
  }
  return unreachable();
}
