/**
 * Entry of a native-engine Web Worker (bundled into `generated/web-worker.generated.ts` by the build as a
 * classic script, started from a Blob URL by `web-threads.ts`): waits for its {@link ThreadInit} (the first
 * message), then serves the pool (`serve.ts`).
 */
import type { ThreadInit } from './pool.js';
import { serveThread } from './serve.js';

/** The part of a worker's global scope used here (the package's TypeScript lib has no DOM). */
interface WorkerScope {
  addEventListener(type: 'message', listener: (event: { data: ThreadInit }) => void, options: { once: true }): void;
  postMessage(message: string): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.addEventListener('message', (event) => serveThread(event.data, (message) => scope.postMessage(message)), {
  once: true,
});
