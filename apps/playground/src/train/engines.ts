/**
 * The engines live training can run on (the engine menu, `#train-engine`): molap's native WebAssembly engine,
 * or tfjs' WebGL backend (the GPU through WebGL2; float32 kernels, so its curve is close to the native one but
 * not bit-identical). The WebGL engine and tfjs are imported only when chosen (`webgl-engine.ts`, a chunk of its
 * own), so the native path loads none of it.
 */
import { createNativeEngine, type Engine } from '@molap/backend';

/** The engines of the menu, the default first. */
export const LIVE_ENGINE_KINDS = ['native', 'webgl'] as const;

/** An engine of the menu. */
export type LiveEngineKind = (typeof LIVE_ENGINE_KINDS)[number];

/** The default engine: the native one. */
export const DEFAULT_ENGINE: LiveEngineKind = 'native';

/** An engine ready to train, and what it runs on, for the status line. */
export interface LiveEngine {
  readonly kind: LiveEngineKind;
  readonly engine: Engine;
  /** Whether the native engine runs WebAssembly SIMD kernels (false for webgl). */
  readonly simd: boolean;
  /** Threads the engine computes on (webgl: 1, the GPU does the arithmetic). */
  readonly threads: number;
  /** What computes, in words, e.g. 'WebAssembly SIMD kernels' or 'WebGL2 shaders (float32) on <renderer>'. */
  readonly kernels: string;
}

/**
 * Creates the chosen engine. The native engine takes two threads (a Web Worker over the engine's shared memory
 * beside the calling one) where the page is cross-origin isolated, else one; more would gain little on a
 * network this small, and the curve is the same on any count.
 * @throws the backend's molap error (code, problem, hint) when the engine cannot run here, e.g. webgl without WebGL2.
 */
export async function createLiveEngine(kind: LiveEngineKind): Promise<LiveEngine> {
  if (kind === 'webgl') {
    const { createWebGlEngine } = await import('./webgl-engine.js');
    const { engine, renderer } = await createWebGlEngine();
    return { kind, engine, simd: false, threads: engine.threads, kernels: `WebGL2 shaders (float32) on ${renderer}` };
  }
  const engine = await createNativeEngine({
    threads: crossOriginIsolated ? Math.min(2, navigator.hardwareConcurrency || 1) : 1,
  });
  return {
    kind,
    engine,
    simd: engine.simd,
    threads: engine.threads,
    kernels: engine.simd ? 'WebAssembly SIMD kernels' : 'JavaScript kernels (no shared WebAssembly memory here)',
  };
}
