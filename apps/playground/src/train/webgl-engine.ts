/**
 * tfjs' WebGL backend as the training engine: imported by `engines.ts` only when the engine menu says `webgl`,
 * so tfjs-core's kernels and tfjs-backend-webgl travel in chunks of their own, loaded on demand.
 */
import { createTfjsEngine, type TfjsEngine } from '@molap/backend';

/** A tfjs engine on the webgl backend, and the GPU that runs it. */
export interface WebGlEngine {
  readonly engine: TfjsEngine;
  /**
   * The WebGL renderer in words (the unmasked renderer where the browser tells it, e.g. 'ANGLE (Google,
   * Vulkan 1.3.0 (SwiftShader Device (Subzero) …))' for software rendering; 'an unnamed GPU' otherwise).
   */
  readonly renderer: string;
}

/** The renderer a new WebGL2 context reports (the one tfjs created runs on the same device). */
function rendererName(): string {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'an unnamed GPU';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name || 'an unnamed GPU';
}

/**
 * Loads tfjs' webgl backend and returns an engine on it.
 * @throws TfjsBackendUnavailableError of @molap/backend (code 'engine-unavailable', a hint naming the native
 *   engine) where WebGL2 is unavailable, before any tfjs code runs.
 */
export async function createWebGlEngine(): Promise<WebGlEngine> {
  const engine = await createTfjsEngine({ backend: 'webgl' });
  return { engine, renderer: rendererName() };
}
