/**
 * What this browser offers molap's engines: WebAssembly, its SIMD instructions (the native engine's
 * kernels), and SharedArrayBuffer (threads; only in a cross-origin isolated page).
 */

/** A module whose one function returns a v128 constant: valid only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c, // code section: v128.const
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x0b, // end
]);

export interface BrowserEnvironment {
  readonly webAssembly: boolean;
  readonly simd: boolean;
  /** SharedArrayBuffer is available: the page is cross-origin isolated, engines may use threads. */
  readonly crossOriginIsolated: boolean;
}

export function browserEnvironment(): BrowserEnvironment {
  const webAssembly = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
  return {
    webAssembly,
    simd: webAssembly && WebAssembly.validate(SIMD_PROBE),
    crossOriginIsolated: globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
  };
}

/** One line for the page header. */
export function describeEnvironment(environment: BrowserEnvironment): string {
  const parts = [
    environment.webAssembly
      ? environment.simd
        ? 'WebAssembly SIMD: yes'
        : 'WebAssembly SIMD: no (molap’s native engine needs it)'
      : 'WebAssembly: no',
    environment.crossOriginIsolated
      ? 'cross-origin isolated: yes (threads possible)'
      : 'cross-origin isolated: no (one thread; serve with the COOP/COEP headers of docs/playground.md for threads)',
  ];
  return parts.join(' · ');
}
