/**
 * Tables of the ziggurat method for the standard normal distribution (Marsaglia & Tsang 2000) with 256
 * layers, adapted so that every part of a sample comes from independent bits of one 32-bit word: bits 0–7
 * pick the layer, bit 8 the sign and bits 9–31 (23 bits) the position inside the layer. The method is
 * exact: a sample is accepted outright only when it lies inside the layer's inner rectangle (98.7 % of
 * words); otherwise the wedge or the tail (|x| > R) is sampled by rejection against the exact density.
 * The tables are built with the deterministic `detExp`/`detLog`, so they have the same bits on every engine.
 */
import { detExp, detLog } from './det-math.js';

/** Layers of the ziggurat. */
export const ZIGGURAT_LAYERS = 256;
/** Right edge of the base layer: the tail starts here. */
export const ZIGGURAT_R = 3.6541528853610088;
/** Area of every layer under the unnormalised density e^(−x²/2). */
export const ZIGGURAT_LAYER_AREA = 4.92867323399e-3;
/** Number of distinct positions inside a layer (23 bits). */
const POSITIONS = 8388608;
/** Bits of the word that select layer and sign. */
export const ZIGGURAT_INDEX_MASK = 2 * ZIGGURAT_LAYERS - 1;
/** Shift that extracts the 23-bit position. */
export const ZIGGURAT_POSITION_SHIFT = 9;
/** Mask of the 23-bit position after the shift. */
export const ZIGGURAT_POSITION_MASK = POSITIONS - 1;

/**
 * Inner-rectangle thresholds: the position `p` drawn for index `i` (layer | sign << 8) is accepted at once
 * when `p < ZIGGURAT_K[i]`. The second half (sign bit set) repeats the first.
 */
export const ZIGGURAT_K = new Int32Array(2 * ZIGGURAT_LAYERS);
/** Signed layer widths / 2^23: the sample is `p * ZIGGURAT_W[i]`. The second half is negative. */
export const ZIGGURAT_W = new Float64Array(2 * ZIGGURAT_LAYERS);
/** Density e^(−x_i²/2) at the right edge x_i of layer i (ZIGGURAT_F[0] = 1 at the top). */
export const ZIGGURAT_F = new Float64Array(ZIGGURAT_LAYERS);

{
  const n = ZIGGURAT_LAYERS;
  const k = ZIGGURAT_K;
  const w = ZIGGURAT_W;
  const f = ZIGGURAT_F;
  // Layer 0 is the base strip plus the tail, drawn as a rectangle of the same area and width `base`;
  // layer n − 1 sits on it, layer 1 is the top one (under the peak).
  let edge = ZIGGURAT_R;
  let lower = edge;
  const base = ZIGGURAT_LAYER_AREA / detExp(-0.5 * edge * edge);
  k[0] = Math.floor((edge / base) * POSITIONS);
  k[1] = 0;
  w[0] = base / POSITIONS;
  w[n - 1] = edge / POSITIONS;
  f[0] = 1;
  f[n - 1] = detExp(-0.5 * edge * edge);
  for (let i = n - 2; i >= 1; i--) {
    edge = Math.sqrt(-2 * detLog(ZIGGURAT_LAYER_AREA / edge + detExp(-0.5 * edge * edge)));
    k[i + 1] = Math.floor((edge / lower) * POSITIONS);
    lower = edge;
    f[i] = detExp(-0.5 * edge * edge);
    w[i] = edge / POSITIONS;
  }
  for (let i = 0; i < n; i++) {
    k[i + n] = k[i];
    w[i + n] = -w[i];
  }
}

/** Right edge x_i of layer i (x_0 = 0: the left edge of the top layer). */
export const ZIGGURAT_EDGE = Float64Array.from({ length: ZIGGURAT_LAYERS }, (_, i) =>
  i === 0 ? 0 : ZIGGURAT_W[i] * POSITIONS,
);
const TWO_POW_MINUS_32 = 1 / 4294967296;

/**
 * Completes a sample whose fast test failed. `word` is the 32-bit word that chose layer, sign and position;
 * `uniform` returns independent uniforms in [0, 1) and `nextWord` fresh 32-bit words (both from the same
 * generator). Returns a standard normal sample.
 *
 * The wedge test `y < e^(−x²/2)` is first tried against the chord of the layer's wedge: the density is
 * concave for |x| < 1 (above its chord: a point under the chord is accepted) and convex for |x| > 1 (below
 * its chord: a point over the chord is rejected), which settles most wedge points without an exp.
 */
export function zigguratSlowPath(word: number, uniform: () => number, nextWord: () => number): number {
  let bits = word;
  for (;;) {
    const layer = bits & (ZIGGURAT_LAYERS - 1);
    const negative = (bits & ZIGGURAT_LAYERS) !== 0;
    if (layer === 0) {
      // Tail beyond R (Marsaglia 1964): x = R + e1/R with e1, e2 exponential, accepted when 2·e2 > (e1/R)².
      let x: number;
      let y: number;
      do {
        x = -detLog(1 - uniform()) / ZIGGURAT_R;
        y = -detLog(1 - uniform());
      } while (y + y < x * x);
      return negative ? -(ZIGGURAT_R + x) : ZIGGURAT_R + x;
    }
    const x = ((bits >> ZIGGURAT_POSITION_SHIFT) & ZIGGURAT_POSITION_MASK) * ZIGGURAT_W[layer];
    const top = ZIGGURAT_F[layer - 1];
    const bottom = ZIGGURAT_F[layer];
    const y = bottom + (nextWord() >>> 0) * TWO_POW_MINUS_32 * (top - bottom);
    const left = ZIGGURAT_EDGE[layer - 1];
    const right = ZIGGURAT_EDGE[layer];
    const chord = top + ((x - left) * (bottom - top)) / (right - left);
    let accept: boolean;
    if (right <= 1 && y < chord) accept = true;
    else if (left >= 1 && y > chord) accept = false;
    else accept = y < detExp(-0.5 * x * x);
    if (accept) return negative ? -x : x;
    bits = nextWord();
    const index = bits & ZIGGURAT_INDEX_MASK;
    const position = (bits >> ZIGGURAT_POSITION_SHIFT) & ZIGGURAT_POSITION_MASK;
    if (position < ZIGGURAT_K[index]) return position * ZIGGURAT_W[index];
  }
}
