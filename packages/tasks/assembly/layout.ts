// Memory layout of the normal-fill kernel: one 64 KiB page, fixed addresses (exported by normal-fill.ts so
// the host, src/normal-kernel.ts, reads them instead of repeating them). The host writes the tables once.

/** Samples per call: the chunk of the fill and the length of the slow-path queue. */
export const CHUNK: i32 = 4096;
/** f32[CHUNK]: the values the noise is added to, in place. */
export const BUFFER: usize = 0;
/** i32[CHUNK]: byte offsets in BUFFER of the samples whose word failed the fast test. */
export const SLOW_AT: usize = BUFFER + 4 * <usize>CHUNK;
/** u32[CHUNK]: those words. */
export const SLOW_WORD: usize = SLOW_AT + 4 * <usize>CHUNK;
/** i32[512] (ZIGGURAT_K): a word is accepted at once when its position is below THRESHOLDS[index]. */
export const THRESHOLDS: usize = SLOW_WORD + 4 * <usize>CHUNK;
/** f64[512] (ZIGGURAT_W): signed layer width / 2^23. */
export const LAYER_WIDTHS: usize = THRESHOLDS + 4 * 512;
/** f64[512]: LAYER_WIDTHS times the std of the fill. */
export const SCALED_WIDTHS: usize = LAYER_WIDTHS + 8 * 512;
/** f64[256] (ZIGGURAT_F): the density e^(−x²/2) at the right edge of each layer. */
export const DENSITY: usize = SCALED_WIDTHS + 8 * 512;
/** f64[256] (ZIGGURAT_EDGE): right edge x_i of each layer. */
export const EDGES: usize = DENSITY + 8 * 256;
/** u32[4]: the xoshiro128** state, read at the start of a call and written back at its end. */
export const STATE: usize = EDGES + 8 * 256;
/** Bytes used. */
export const END: usize = STATE + 16;
