/**
 * Loading of TensorFlow.js backends with fallback: `tensorflow` (libtensorflow through the optional peer
 * `@tensorflow/tfjs-node`), then `wasm`, then `cpu`; and `webgl` (a browser's GPU through WebGL2), only when
 * asked for by name. Backend packages are imported on demand, never at import time of this package, so a
 * missing backend can never break `import '@molap/backend'`, and a bundle that never asks for `webgl` does not
 * carry its code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, invalidOption, MOLAP_ERROR_BRAND } from '../errors.js';

/**
 * The tfjs backends this package can run on: the three of `TFJS_BACKEND_ORDER`, and `webgl` (browsers with
 * WebGL2 only; float32 on the GPU), which is never tried unless requested.
 */
export type TfjsBackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl';

/** Fallback order when no backend is requested (fastest first; `webgl` is not in it: Node has no WebGL). */
export const TFJS_BACKEND_ORDER: readonly TfjsBackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Every backend `loadTfjsBackend` accepts by name. */
const REQUESTABLE: readonly TfjsBackendName[] = [...TFJS_BACKEND_ORDER, 'webgl'];

/** The fix when `webgl` cannot run here. */
const WEBGL_HINT =
  "choose the native engine (createNativeEngine) or the tfjs backend 'wasm' or 'cpu'; webgl needs a browser with WebGL2 enabled";

/** What happened when one backend was tried. */
export interface BackendAttempt {
  readonly backend: TfjsBackendName;
  readonly loaded: boolean;
  /** Why it was skipped (first line of the error), when it was. */
  readonly reason?: string;
}

/** A tfjs backend ready to run on, and the attempts that led to it. */
export interface LoadedTfjsBackend {
  readonly backend: TfjsBackendName;
  readonly attempts: readonly BackendAttempt[];
}

// A variable specifier keeps bundlers (tsup, vite) from resolving the optional peer at build time.
const TFJS_NODE = '@tensorflow/tfjs-node';

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}

/** Whether an import failed because the package itself is absent (Node's codes, or a bundler's message). */
function isModuleNotFound(error: unknown, specifier: string): boolean {
  const message = firstLine(error);
  // The quoted specifier: a missing dependency *of* the package names another module.
  const namesPackage = message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`);
  return namesPackage && /cannot find|could not resolve|failed to resolve/i.test(message);
}

async function tryBackend(backend: TfjsBackendName): Promise<BackendAttempt> {
  try {
    if (backend === 'tensorflow') {
      try {
        await import(/* @vite-ignore */ TFJS_NODE);
      } catch (error) {
        const reason = isModuleNotFound(error, TFJS_NODE)
          ? `${TFJS_NODE} is not installed (install it for libtensorflow speed)`
          : `${TFJS_NODE} is installed but cannot load: ${firstLine(error)}`;
        return { backend, loaded: false, reason };
      }
    } else if (backend === 'webgl') {
      // Checked before the import: tfjs would otherwise register the backend and fail on first use.
      const missing = webGl2Missing();
      if (missing) return { backend, loaded: false, reason: missing };
      await import('@tensorflow/tfjs-backend-webgl');
    } else if (backend === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
      silenceNodeBanner();
    }
    if (!(await tf.setBackend(backend))) {
      return { backend, loaded: false, reason: `tf.setBackend('${backend}') failed to initialise the backend` };
    }
    return { backend, loaded: true };
  } catch (error) {
    return { backend, loaded: false, reason: firstLine(error) };
  }
}

/**
 * Why WebGL2 cannot be used here, or `undefined` when a WebGL2 context can be created (on an
 * `OffscreenCanvas` in a worker or a page, else on a `<canvas>` of the page). A browser may define
 * `WebGL2RenderingContext` and still refuse a context (WebGL switched off, a GPU or driver on its block list).
 */
function webGl2Missing(): string | undefined {
  const scope = globalThis as {
    OffscreenCanvas?: new (width: number, height: number) => { getContext(kind: string): unknown };
    document?: { createElement(tag: 'canvas'): { getContext(kind: string): unknown } };
  };
  if (!scope.OffscreenCanvas && !scope.document) {
    return 'there is no WebGL here (no OffscreenCanvas or document: not a browser)';
  }
  try {
    const canvas = scope.OffscreenCanvas ? new scope.OffscreenCanvas(1, 1) : scope.document!.createElement('canvas');
    if (canvas.getContext('webgl2')) return undefined;
  } catch {
    // a canvas that cannot be created is no WebGL2 either
  }
  return 'this browser did not create a WebGL2 context (WebGL is switched off, or the GPU or its driver is not supported)';
}

/**
 * The cpu backend prints an "install our node backend" banner on its first tensor in Node. The engine
 * selection report already says whether tfjs-node was found and why it was skipped, so the banner is
 * switched off on the cpu backend instance (no global tfjs flag is touched).
 */
function silenceNodeBanner(): void {
  const cpu = tf.engine().findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

/** Error thrown when the requested tfjs backend (or every fallback) cannot be loaded. */
export class TfjsBackendUnavailableError extends Error {
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code = 'engine-unavailable';
  readonly kind = 'bad-input' as const;
  readonly problem: string;
  readonly hint: string;
  readonly attempts: readonly BackendAttempt[];
  /** `hint` defaults to choosing another tfjs backend or engine. */
  constructor(
    message: string,
    attempts: readonly BackendAttempt[],
    hint = 'choose another tfjs backend (--tfjs-backend, MOLAP_TFJS_BACKEND) or engine',
  ) {
    super(message);
    this.problem = message;
    this.hint = hint;
    this.name = 'TfjsBackendUnavailableError';
    this.attempts = attempts;
  }
}

/**
 * Loads a tfjs backend and makes it tfjs's current backend.
 * @param requested a backend to load (no fallback), or `undefined` to try tensorflow → wasm → cpu. `webgl`
 *   loads only when requested, in a browser that creates a WebGL2 context.
 * @throws TfjsBackendUnavailableError listing every attempt when nothing could be loaded (for `webgl`, before
 *   anything is imported when there is no WebGL2, with a hint naming the native engine and 'wasm' / 'cpu').
 */
export async function loadTfjsBackend(requested?: TfjsBackendName): Promise<LoadedTfjsBackend> {
  if (requested !== undefined && !REQUESTABLE.includes(requested)) {
    throw invalidOption(
      `unknown tfjs backend ${JSON.stringify(requested)}`,
      `choose one of ${REQUESTABLE.join(', ')} (webgl: browsers only, never tried unless requested)`,
    );
  }
  const candidates = requested ? [requested] : TFJS_BACKEND_ORDER;
  const attempts: BackendAttempt[] = [];
  for (const backend of candidates) {
    const attempt = await tryBackend(backend);
    attempts.push(attempt);
    if (attempt.loaded) return { backend, attempts };
  }
  const details = attempts.map((attempt) => `${attempt.backend}: ${attempt.reason}`).join('; ');
  throw new TfjsBackendUnavailableError(
    requested === 'webgl'
      ? `the tfjs backend 'webgl' is not available (${details})`
      : requested
        ? `the tfjs backend '${requested}' is not available (${details}); leave tfjsBackend unset to fall back automatically`
        : `no tfjs backend could be loaded (${details})`,
    attempts,
    requested === 'webgl' ? WEBGL_HINT : undefined,
  );
}

/**
 * Makes `backend` tfjs's current backend. tfjs has one global current backend; each engine calls this
 * before its work so engines on different backends can live in one process. The backend must have been
 * loaded by `loadTfjsBackend` (switching to an initialised backend is synchronous).
 */
export function activateTfjsBackend(backend: TfjsBackendName): void {
  if (tf.getBackend() === backend) return;
  tf.setBackend(backend).catch(() => undefined);
  if (tf.getBackend() !== backend) {
    throw new BackendError('engine-unavailable', `tfjs could not switch to the '${backend}' backend`, {
      hint: 'load it first with loadTfjsBackend',
      kind: 'bad-input',
    });
  }
}
