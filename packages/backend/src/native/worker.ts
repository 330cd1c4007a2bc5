/**
 * Entry of a native-engine worker thread in Node (bundled into `generated/worker.generated.ts` by the build
 * and started with `eval: true` by `threads.ts`): serves the pool (`serve.ts`) with the {@link ThreadInit}
 * it gets as `workerData`.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type { ThreadInit } from './pool.js';
import { serveThread } from './serve.js';

// No import or require of Node built-ins: the bundled script runs as CommonJS or as an ES module
// depending on the parent's flags (e.g. --input-type=module is inherited by eval workers).
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads') as typeof WorkerThreads;
serveThread(workerData as ThreadInit, (message) => parentPort?.postMessage(message));
