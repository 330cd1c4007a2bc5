/** The worker pool, with a real job module in real worker threads. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorKind, isMolapError } from '../src/errors.js';
import { builtModuleUrl, createWorkerPool, runJobsInWorkers } from '../src/workers.js';

let dir: string;
let moduleUrl: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'molap-workers-'));
  const file = join(dir, 'jobs.mjs');
  await writeFile(
    file,
    `import { threadId } from 'node:worker_threads';
export async function square(input, report) {
  report({ job: input.n, thread: threadId });
  await new Promise((resolve) => setTimeout(resolve, input.wait ?? 5));
  if (input.n === 13) throw new Error('unlucky ' + input.n);
  return { n: input.n, square: input.n * input.n };
}
export async function diverge(input) {
  const error = new Error('training diverged at step 3: loss is NaN. lower the learning rate');
  Object.assign(error, { code: 'training-diverged', problem: 'training diverged at step 3: loss is NaN', hint: 'lower the learning rate', kind: 'failure' });
  if (input.bad) Object.assign(error, { code: 'invalid-option', problem: 'n must be positive', hint: undefined, kind: 'bad-input' });
  throw error;
}
let served = 0;
export async function count(input) {
  served++;
  if (input.exit) process.exit(3);
  return { n: input.n, served, thread: threadId };
}
export async function slow(input, report, signal) {
  for (let step = 0; step < 200; step++) {
    if (signal.aborted) return { n: input.n, stoppedAt: step };
    report({ step });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { n: input.n, stoppedAt: null };
}
`,
  );
  moduleUrl = pathToFileURL(file).href;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runJobsInWorkers', () => {
  it('runs every job in worker threads and returns the results in job order', async () => {
    const events: { job: number; thread: number }[] = [];
    const jobs = Array.from({ length: 7 }, (_, n) => ({ n, wait: 20 - 2 * n }));
    const results = await runJobsInWorkers<
      { n: number },
      { n: number; square: number },
      { job: number; thread: number }
    >({
      moduleUrl,
      run: 'square',
      jobs,
      parallelism: 3,
      onProgress: (event, job) => {
        expect(event.job).toBe(job);
        events.push(event);
      },
    });
    expect(results).toEqual(jobs.map(({ n }) => ({ n, square: n * n })));
    expect(events).toHaveLength(7);
    expect(new Set(events.map((event) => event.thread)).size).toBe(3);
    expect(await runJobsInWorkers({ moduleUrl, run: 'square', jobs: [], parallelism: 2 })).toEqual([]);
  });

  it('keeps the code, hint and kind of a molap error thrown by a job', async () => {
    const diverged = await runJobsInWorkers({
      moduleUrl,
      run: 'diverge',
      jobs: [{}],
      parallelism: 1,
      label: 'module',
    }).catch((error: unknown) => error);
    expect(isMolapError(diverged) && diverged.code).toBe('training-diverged');
    expect(errorKind(diverged)).toBe('failure');
    expect((diverged as Error).message).toMatch(
      /^module 0 failed in worker thread 0: training diverged at step 3: loss is NaN\n {2}hint: lower the learning rate$/,
    );
    const bad = await runJobsInWorkers({ moduleUrl, run: 'diverge', jobs: [{ bad: true }], parallelism: 1 }).catch(
      (error: unknown) => error,
    );
    expect(isMolapError(bad) && bad.code).toBe('invalid-option');
    expect(errorKind(bad)).toBe('bad-input');
    expect((bad as Error).message).toBe('job 0 failed in worker thread 0: n must be positive');
  });

  it('names the job and the thread of a failure, and a missing export', async () => {
    const failed = await runJobsInWorkers({
      moduleUrl,
      run: 'square',
      jobs: [{ n: 12 }, { n: 13 }],
      parallelism: 2,
      label: 'square',
    }).catch((error: unknown) => error);
    expect(isMolapError(failed)).toBe(true);
    expect((failed as Error).message).toMatch(/^square 1 failed in worker thread \d: Error: unlucky 13/);
    await expect(runJobsInWorkers({ moduleUrl, run: 'cube', jobs: [{ n: 1 }], parallelism: 1 })).rejects.toThrow(
      /exports no function cube/,
    );
    await expect(runJobsInWorkers({ moduleUrl, run: 'square', jobs: [{ n: 1 }], parallelism: 0 })).rejects.toThrow(
      /parallelism must be an integer >= 1/,
    );
  });

  it('stops on abort after the running jobs returned, and starts no other', async () => {
    const controller = new AbortController();
    let steps = 0;
    const run = runJobsInWorkers({
      moduleUrl,
      run: 'slow',
      jobs: [{ n: 1 }, { n: 2 }, { n: 3 }],
      parallelism: 2,
      signal: controller.signal,
      onProgress: () => {
        if (++steps === 6) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(steps).toBeLessThan(20);
  });

  it('knows a build from TypeScript sources', () => {
    expect(builtModuleUrl('file:///x/dist/index.js')).toBe('file:///x/dist/index.js');
    expect(builtModuleUrl('file:///x/dist/index.cjs')).toBe('file:///x/dist/index.cjs');
    expect(builtModuleUrl('file:///x/src/index.ts')).toBeUndefined();
  });
});

describe('createWorkerPool', () => {
  it('runs jobs submitted at any time, reusing each thread and its module state', async () => {
    const pool = createWorkerPool<{ n: number }, { n: number; served: number; thread: number }>({
      moduleUrl,
      run: 'count',
      parallelism: 2,
    });
    try {
      const first = await Promise.all([pool.run({ n: 1 }), pool.run({ n: 2 })]);
      expect(first.map((result) => result.n)).toEqual([1, 2]);
      // submitted after the first two finished: the same two threads, which remember their earlier job
      const later = await Promise.all([pool.run({ n: 3 }), pool.run({ n: 4 }), pool.run({ n: 5 })]);
      const threads = new Set([...first, ...later].map((result) => result.thread));
      expect(threads.size).toBe(2);
      expect(later.every((result) => result.served >= 2)).toBe(true);
      expect(later.map((result) => result.n)).toEqual([3, 4, 5]);
    } finally {
      await pool.close();
    }
    await expect(pool.run({ n: 6 })).rejects.toThrow(/closed/);
  });

  it('rejects only the job that failed, and replaces a thread that died', async () => {
    const pool = createWorkerPool<{ n: number; exit?: boolean }, { n: number; served: number }>({
      moduleUrl,
      run: 'count',
      parallelism: 1,
      label: 'count',
    });
    try {
      await expect(pool.run({ n: 1, exit: true }, undefined, 'job one')).rejects.toThrow(
        /^worker thread 0 exited with code 3 during job one/,
      );
      const after = await pool.run({ n: 2 });
      expect(after).toMatchObject({ n: 2, served: 1 }); // a new thread: its module starts afresh
    } finally {
      await pool.close();
    }
    const squares = createWorkerPool<{ n: number }, { square: number }>({ moduleUrl, run: 'square', parallelism: 2 });
    try {
      const [bad, good] = await Promise.allSettled([
        squares.run({ n: 13 }, undefined, 'square 13'),
        squares.run({ n: 3 }),
      ]);
      expect(bad.status === 'rejected' && String(bad.reason)).toMatch(
        /square 13 failed in worker thread \d: Error: unlucky 13/,
      );
      expect(good.status === 'fulfilled' && good.value.square).toBe(9);
    } finally {
      await squares.close();
    }
  });
});
