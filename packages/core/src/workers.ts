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

/** Refuses a thread count that is not an integer ≥ 1 (MolapError 'invalid-option'). */
function checkParallelism(parallelism: number): void {
  if (!(Number.isSafeInteger(parallelism) && parallelism >= 1)) {
    throw new MolapError('invalid-option', `parallelism must be an integer >= 1, got ${String(parallelism)}`);
  }
}

/** Options of `createWorkerPool`. */
export interface WorkerPoolSettings {
  /** URL of the module the workers import: a package's build, e.g. `import.meta.url` of a built module. */
  readonly moduleUrl: string;
  /** Name of the module's export that runs one job (a `WorkerJob`). */
  readonly run: string;
  /** Worker threads at most, ≥ 1 (started when jobs need them; a thread runs one job at a time). */
  readonly parallelism: number;
  /** What a job is, for error messages, e.g. 'module pre-training'. */
  readonly label?: string;
  /** Running jobs see their signal abort when this one does; jobs not started are rejected with its reason. */
  readonly signal?: AbortSignal;
}

/** Worker threads that run jobs as they are submitted (see `createWorkerPool`). */
export interface WorkerPool<Input, Result, Event = unknown> {
  /**
   * Runs `input` on the next free thread (jobs wait in submission order) and resolves with its result.
   * @param label how the job is named in its error messages, e.g. 'job train/molap/seed-1'
   * @throws MolapError as `runJobsInWorkers` does, or the pool's signal's reason once it aborted
   */
  run(input: Input, onProgress?: (event: Event) => void, label?: string): Promise<Result>;
  /** Stops every thread (after their running jobs, which it does not wait for). */
  close(): Promise<void>;
}

/**
 * A pool of up to `parallelism` worker threads that run jobs as they are submitted, for work whose jobs are
 * not all known at the start (a study's jobs become ready as their inputs finish). Threads start on demand
 * and stay for the next job, so a module that keeps state between jobs (an engine) keeps it. A job that
 * fails rejects its own promise only; a thread that dies rejects its job and is replaced for the next.
 */
export function createWorkerPool<Input, Result, Event = unknown>(
  settings: WorkerPoolSettings,
): WorkerPool<Input, Result, Event> {
  const { signal } = settings;
  checkParallelism(settings.parallelism);
  interface Pending {
    readonly input: Input;
    readonly label: string;
    readonly onProgress: ((event: Event) => void) | undefined;
    readonly resolve: (result: Result) => void;
    readonly reject: (error: unknown) => void;
  }
  interface Thread {
    readonly worker: Worker;
    readonly slot: number;
    current: Pending | undefined;
  }
  const queue: Pending[] = [];
  const threads = new Set<Thread>();
  const idle: Thread[] = [];
  let closed = false;
  let slots = 0;
  let submitted = 0;

  const onAbort = () => {
    for (const thread of threads) thread.worker.postMessage({ kind: 'abort' });
    for (const pending of queue.splice(0)) pending.reject(signal!.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const retire = (thread: Thread) => {
    threads.delete(thread);
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    void thread.worker.terminate();
  };

  const dispatch = () => {
    while (queue.length > 0 && !closed) {
      let thread = idle.pop();
      if (!thread && threads.size < settings.parallelism) thread = start();
      if (!thread) return;
      const pending = queue.shift()!;
      thread.current = pending;
      thread.worker.postMessage({ kind: 'job', index: 0, input: pending.input });
    }
  };

  const finish = (thread: Thread) => {
    thread.current = undefined;
    if (closed) retire(thread);
    else idle.push(thread);
    dispatch();
  };

  const start = (): Thread => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { moduleUrl: settings.moduleUrl, run: settings.run },
      execArgv: workerExecArgv(),
    });
    const thread: Thread = { worker, slot: slots++, current: undefined };
    threads.add(thread);
    worker.on('message', (message: WorkerMessage<Result, Event>) => {
      const pending = thread.current;
      if (!pending) return;
      if (message.kind === 'progress') {
        pending.onProgress?.(message.event);
        return;
      }
      if (message.kind === 'result') pending.resolve(message.result);
      else if (signal?.aborted)
        pending.reject(signal.reason); // a job that stopped on the abort
      else {
        const where = `${pending.label} failed in worker thread ${thread.slot}`;
        const known = message.molap;
        pending.reject(
          known
            ? new MolapError(known.code, `${where}: ${known.problem}`, {
                ...(typeof known.hint === 'string' ? { hint: known.hint } : {}),
                ...(known.kind === undefined ? {} : { kind: known.kind }),
              })
            : new MolapError('worker-failed', `${where}: ${message.message}`, { kind: 'failure' }),
        );
      }
      finish(thread);
    });
    const die = (error: MolapError) => {
      if (!threads.has(thread)) return;
      const pending = thread.current;
      thread.current = undefined;
      retire(thread);
      pending?.reject(error);
      dispatch();
    };
    worker.on('error', (error) =>
      die(new MolapError('worker-failed', `worker thread ${thread.slot} crashed: ${error.message}`, { cause: error })),
    );
    worker.on('exit', (code) =>
      die(
        new MolapError(
          'worker-failed',
          `worker thread ${thread.slot} exited with code ${code}${thread.current ? ` during ${thread.current.label}` : ''}`,
        ),
      ),
    );
    return thread;
  };

  return {
    run(input, onProgress, label) {
      if (closed) return Promise.reject(new MolapError('worker-failed', 'the worker pool is closed'));
      if (signal?.aborted) return Promise.reject(signal.reason);
      const name = label ?? `${settings.label ?? 'job'} ${submitted}`;
      submitted++;
      return new Promise<Result>((resolve, reject) => {
        queue.push({ input, label: name, onProgress, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      signal?.removeEventListener('abort', onAbort);
      for (const pending of queue.splice(0)) pending.reject(new MolapError('worker-failed', 'the worker pool closed'));
      const all = [...threads];
      threads.clear();
      idle.length = 0;
      await Promise.all(all.map((thread) => thread.worker.terminate()));
    },
  };
}

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
  checkParallelism(options.parallelism);
  const label = options.label ?? 'job';
  const results = new Array<Result>(jobs.length);
  if (jobs.length === 0) return results;
  signal?.throwIfAborted();
  const pool = createWorkerPool<Input, Result, Event>({
    moduleUrl: options.moduleUrl,
    run: options.run,
    parallelism: Math.min(options.parallelism, jobs.length),
    label,
    ...(signal ? { signal } : {}),
  });
  let next = 0;
  let failure: unknown;
  // one lane per thread: each takes the next job when its last one is done, until a job fails
  const lane = async () => {
    while (failure === undefined && !signal?.aborted && next < jobs.length) {
      const index = next++;
      try {
        results[index] = await pool.run(
          jobs[index]!,
          (event) => options.onProgress?.(event, index),
          `${label} ${index}`,
        );
      } catch (error) {
        failure ??= error;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallelism, jobs.length) }, lane));
  } finally {
    await pool.close();
  }
  if (failure !== undefined && !signal?.aborted) throw failure;
  signal?.throwIfAborted();
  return results;
}
