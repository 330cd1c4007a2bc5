/**
 * A test page of the native engine's threads in a browser (apps/playground/test/playground.test.ts builds it
 * with Vite from the packages' builds, as a user's bundler would, and serves it with and without the
 * cross-origin isolation headers). The test calls `window.threadsCheck`:
 * - `train(request)` runs the request in a fresh Web Worker (`worker.ts`);
 * - `onMainThread(threads)` creates the engine on the page's main thread and says what happened.
 */
import { createNativeEngine } from '@molap/backend';
import type { RunRequest, RunResult } from './run.js';

function train(request: RunRequest): Promise<RunResult> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  return new Promise<RunResult>((resolve, reject) => {
    worker.addEventListener('message', (event: MessageEvent<RunResult>) => resolve(event.data));
    worker.addEventListener('error', (event) => reject(new Error(event.message)));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

/** The main thread's engine: its thread count, or the error that refused it. */
async function onMainThread(threads: number): Promise<RunResult | { readonly threads: number }> {
  try {
    const engine = await createNativeEngine({ threads });
    await engine.dispose();
    return { threads: engine.threads };
  } catch (error) {
    const { message, hint } = error as { message: string; hint?: string };
    return { error: message, hint };
  }
}

Object.assign(window, { threadsCheck: { train, onMainThread } });
document.body.dataset.ready = 'true';
