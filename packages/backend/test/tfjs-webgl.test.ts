/**
 * The tfjs backend `webgl` in Node: it is never tried unless requested, and requesting it where there is no
 * WebGL2 fails with a molap error naming the fix before its package is even imported. (It runs in Chromium:
 * the playground's end-to-end test trains on it.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadTfjsBackend, TFJS_BACKEND_ORDER, TfjsBackendUnavailableError } from '../src/tfjs/backends.js';
import { createTfjsEngine } from '../src/tfjs/engine.js';

describe("the tfjs backend 'webgl'", () => {
  it('is not in the fallback order (Node has no WebGL)', () => {
    expect(TFJS_BACKEND_ORDER).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(TFJS_BACKEND_ORDER).not.toContain('webgl');
  });

  it('is refused in Node with the fix in the hint, before its package is imported', async () => {
    const failure = await createTfjsEngine({ backend: 'webgl' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TfjsBackendUnavailableError);
    const error = failure as TfjsBackendUnavailableError;
    expect(error.code).toBe('engine-unavailable');
    expect(error.kind).toBe('bad-input');
    expect(error.problem).toBe(
      "the tfjs backend 'webgl' is not available (webgl: there is no WebGL here (no OffscreenCanvas or document: not a browser))",
    );
    expect(error.hint).toBe(
      "choose the native engine (createNativeEngine) or the tfjs backend 'wasm' or 'cpu'; webgl needs a browser with WebGL2 enabled",
    );
    expect(error.attempts).toEqual([{ backend: 'webgl', loaded: false, reason: expect.stringMatching(/no WebGL/) }]);
    // tfjs-backend-webgl registers its factory when imported: it never was
    expect(tf.findBackendFactory('webgl')).toBeNull();
  });

  it('is named among the choices when an unknown backend is asked for', async () => {
    await expect(loadTfjsBackend('webgpu' as never)).rejects.toMatchObject({
      code: 'invalid-option',
      problem: 'unknown tfjs backend "webgpu"',
      hint: 'choose one of tensorflow, wasm, cpu, webgl (webgl: browsers only, never tried unless requested)',
    });
  });
});
