/**
 * The one worker pool of molap: independent jobs (pre-training a module, a comparison job, …) run in Node
 * worker threads, each thread taking the next job when it finishes one, and the results come back in job
 * order. A job is data (structured-cloneable); the code that runs it is a named export of a module the
 * workers import (a package's build), so no code travels with a job.
 *
 * Determinism: a job's result must depend on its input only (its seeds are in it), so results do not depend
 * on the number of threads or on which thread ran which job.
 */
import { Worker } from 'node:worker_threads';
import { MolapError } from './errors.js';

/**
 * Runs one job in a worker: `(input, report, signal) => result`. `report` sends a progress event to the
 * calling thread; `signal` aborts when the caller's signal does (stop at the next checkpoint and return or
 * throw).
 */
export type WorkerJob<Input, Result, Event> = (
  input: Input,
  report: (event: Event) => void,
  signal: AbortSignal,
) => Promise<Result>;

/** Options of `runJobsInWorkers`. */
export interface WorkerPoolOptions<Input, Event> {
  /** URL of the module the workers import: a package's build, e.g. `import.meta.url` of a built module. */
  readonly moduleUrl: string;
  /** Name of the module's export that runs one job (a `WorkerJob`). */
  readonly run: string;
  /** The jobs' inputs, structured-cloneable. */
  readonly jobs: readonly Input[];
  /** Worker threads (at most one per job), ≥ 1. */
  readonly parallelism: number;
  /** Progress events of the jobs, with the index of the job that sent them. */
  readonly onProgress?: (event: Event, job: number) => void;
  /** Stops the pool: running jobs see their signal abort; no new job starts; the pool rejects with the reason. */
  readonly signal?: AbortSignal;
  /** What a job is, for error messages, e.g. 'module pre-training'. */
  readonly label?: string;
}

/**
 * The parent's Node flags without custom export conditions: workers import the package builds, never the
 * TypeScript sources a test runner's `--conditions` would select.
 */
export function workerExecArgv(): string[] {
  const argv: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i];
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=')) argv.push(arg);
  }
  return argv;
}

/** The URL of a module's build, or undefined when it runs from TypeScript sources (workers need the build). */
export function builtModuleUrl(url: string): string | undefined {
  return /\.(c|m)?js$/.test(url) ? url : undefined;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let controller = new AbortController();
const loaded = import(workerData.moduleUrl);
parentPort.on('message', (message) => {
  if (message.kind === 'abort') { controller.abort(); return; }
  if (message.kind !== 'job') return;
  const { index, input } = message;
  loaded
    .then((module) => {
      const run = module[workerData.run];
      if (typeof run !== 'function') throw new Error(workerData.moduleUrl + ' exports no function ' + workerData.run);
      return run(input, (event) => parentPort.postMessage({ kind: 'progress', index, event }), controller.signal);
    })
    .then(
      (result) => parentPort.postMessage({ kind: 'result', index, result }),
      (error) => parentPort.postMessage({
        kind: 'error',
        index,
        message: error && error.stack ? error.stack : String(error),
        molap: error && typeof error.code === 'string' && typeof error.problem === 'string'
          ? { code: error.code, problem: error.problem, hint: error.hint, kind: error.kind }
          : undefined,
      }),
    );
});
`;

type WorkerMessage<Result, Event> =
  | { readonly kind: 'progress'; readonly index: number; readonly event: Event }
  | { readonly kind: 'result'; readonly index: number; readonly result: Result }
  | {
      readonly kind: 'error';
      readonly index: number;
      readonly message: string;
      /** The code, problem, hint and kind of a molap error (any error with a string `code` and `problem`). */
      readonly molap?: { code: string; problem: string; hint?: string; kind?: 'bad-input' | 'failure' };
    };

/**
 * Runs every job in worker threads and returns their results in job order (see the module comment).
 * @throws MolapError naming the job and the thread when a job throws (a molap error keeps its code, hint and
 *   kind; any other error is 'worker-failed' with its stack) or a thread dies ('worker-failed'); the signal's
 *   reason when aborted (after the running jobs returned, so their checkpoints are written).
 */
export async function runJobsInWorkers<Input, Result, Event = unknown>(
  options: WorkerPoolOptions<Input, Event>,
): Promise<Result[]> {
  const { jobs, signal } = options;
  if (!(Number.isSafeInteger(options.parallelism) && options.parallelism >= 1)) {
    throw new MolapError('invalid-option', `parallelism must be an integer >= 1, got ${String(options.parallelism)}`);
  }
  const label = options.label ?? 'job';
  const results = new Array<Result>(jobs.length);
  if (jobs.length === 0) return results;
  signal?.throwIfAborted();
  const threads: Worker[] = [];
  let next = 0;
  let failure: unknown;
  const onAbort = () => {
    for (const worker of threads) worker.postMessage({ kind: 'abort' });
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const lane = (slot: number) =>
    new Promise<void>((resolve) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { moduleUrl: options.moduleUrl, run: options.run },
        execArgv: workerExecArgv(),
      });
      threads.push(worker);
      let current = -1;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        void worker.terminate();
        resolve();
      };
      const fail = (error: unknown) => {
        failure ??= error;
        finish();
      };
      const take = () => {
        if (failure !== undefined || signal?.aborted || next >= jobs.length) {
          finish();
          return;
        }
        current = next++;
        worker.postMessage({ kind: 'job', index: current, input: jobs[current] });
      };
      worker.on('message', (message: WorkerMessage<Result, Event>) => {
        if (message.kind === 'progress') options.onProgress?.(message.event, message.index);
        else if (message.kind === 'result') {
          results[message.index] = message.result;
          take();
        } else if (signal?.aborted) {
          finish(); // a job that stopped on the abort: the pool rejects with the signal's reason
        } else {
          const where = `${label} ${message.index} failed in worker thread ${slot}`;
          const known = message.molap;
          fail(
            known
              ? new MolapError(known.code, `${where}: ${known.problem}`, {
                  ...(typeof known.hint === 'string' ? { hint: known.hint } : {}),
                  ...(known.kind === undefined ? {} : { kind: known.kind }),
                })
              : new MolapError('worker-failed', `${where}: ${message.message}`, { kind: 'failure' }),
          );
        }
      });
      worker.on('error', (error) =>
        fail(new MolapError('worker-failed', `worker thread ${slot} crashed: ${error.message}`, { cause: error })),
      );
      worker.on('exit', (code) => {
        if (!done)
          fail(
            new MolapError(
              'worker-failed',
              `worker thread ${slot} exited with code ${code} during ${label} ${current}`,
            ),
          );
      });
      take();
    });
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallelism, jobs.length) }, (_, slot) => lane(slot)));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
  if (failure !== undefined) throw failure;
  signal?.throwIfAborted();
  return results;
}
