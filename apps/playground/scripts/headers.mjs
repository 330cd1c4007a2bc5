/**
 * The headers that make the page cross-origin isolated (SharedArrayBuffer, hence WebAssembly threads); a
 * static host must send them with every file of the built folder (docs/playground.md).
 */
export const CROSS_ORIGIN_ISOLATION = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});
