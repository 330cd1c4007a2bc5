/**
 * The thread executor runs the jobs of a study in worker threads of this process, two at a time here, with the
 * package's build (worker threads import `dist/index.js`; `npm test` builds first). The tiny study must give the
 * results of the local executor to the bit (the fixture of run-study.test.ts), with the same progress events;
 * a plan naming a strategy that worker threads cannot load is refused before any job runs; an interrupted
 * study resumes with the local executor and ends with the same results.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '@molap/backend';
import { createStrategyRegistry } from '@molap/core';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MolapConfig } from '../src/config.js';
import type { StudyEvent } from '../src/events.js';
import { planStudy, type StudyPlan } from '../src/plan.js';
import { runStudy } from '../src/run-study.js';
import { createBuiltinStrategyRegistry } from '../src/strategies.js';
import { localJobs, THREADS_PER_DEFAULT_JOB } from '../src/thread-executor.js';
import { recordedRunFolder } from './run-folder.js';

/** The build's thread executor: the one a program that installed @molap/study gets. */
const built = (): Promise<typeof import('../src/index.js')> =>
  import(new URL('../dist/index.js', import.meta.url).href);

const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

let root: string;
let engine: Engine;
const registry = createTaskRegistry({ tasks: yang19 });
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-threads-'));
  engine = await createEngine({ engine: 'native', threads: 1 });
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const newRunFolder = (plan: StudyPlan, config: MolapConfig) => recordedRunFolder(root, plan, config);

const withoutTimings = (results: unknown) => {
  const { timings: _, createdBy: __, ...rest } = JSON.parse(JSON.stringify(results));
  return rest;
};

describe('createThreadExecutor', () => {
  it('runs the tiny study two jobs at a time with the results of the local executor, to the bit', async () => {
    const { createThreadExecutor } = await built();
    const config = JSON.parse(await fixture('tiny-study.config.json')) as MolapConfig;
    const plan = await planStudy(config, undefined, { registry, strategyContext: { engine, tasks: registry } });
    const runDir = await newRunFolder(plan, config);
    const events: StudyEvent[] = [];
    const executor = createThreadExecutor({ plan, jobs: 2 });
    expect(executor.name).toBe('threads');
    const output = await runStudy(plan, { runDir, engine, registry, executor, onEvent: (e) => events.push(e) });
    expect(withoutTimings(output.results)).toEqual(JSON.parse(await fixture('tiny-study.results.json')));
    // every job started and ended once, and the jobs' own progress (curves, bank steps) came through
    const starts = events.filter((event) => event.type === 'stage-start').length;
    const ends = events.filter((event) => event.type === 'stage-end').length;
    expect(starts).toBe(ends);
    expect(starts).toBeGreaterThan(20);
    expect(events.some((event) => event.type === 'curve')).toBe(true);
    expect(events.some((event) => event.type === 'pretrain')).toBe(true);
    // no checkpoints are left behind
    const jobs = join(runDir, 'state', 'jobs', 'train', 'molap', 'seed-1');
    expect(await readdir(jobs)).not.toContain('checkpoints');
  }, 180_000);

  it('stops at a checkpoint when aborted, and the run resumes with the local executor to the same results', async () => {
    const { createThreadExecutor } = await built();
    const tiny = JSON.parse(await fixture('tiny-study.config.json')) as MolapConfig;
    const config: MolapConfig = { ...tiny, run: { ...tiny.run, seeds: [1] } };
    const plan = await planStudy(config, undefined, { registry, strategyContext: { engine, tasks: registry } });
    const runDir = await newRunFolder(plan, config);
    const controller = new AbortController();
    let ends = 0;
    const interrupted = runStudy(plan, {
      runDir,
      engine,
      registry,
      executor: createThreadExecutor({ plan, jobs: 2 }),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'stage-end' && ++ends === 3) controller.abort(new Error('stopped by the test'));
      },
    });
    await expect(interrupted).rejects.toThrow(/stopped by the test/);
    const resumed: StudyEvent[] = [];
    const { results } = await runStudy(plan, { runDir, engine, registry, onEvent: (e) => resumed.push(e) });
    expect(resumed.filter((event) => event.type === 'stage-end' && event.resumed).length).toBeGreaterThanOrEqual(3);
    const fresh = await runStudy(plan, { runDir: await newRunFolder(plan, config), engine, registry });
    expect(withoutTimings(results)).toEqual(withoutTimings(fresh.results));
  }, 180_000);

  it('refuses, before any job, a plan naming a strategy registered in code', async () => {
    const { createThreadExecutor } = await built();
    const tiny = JSON.parse(await fixture('tiny-study.config.json')) as MolapConfig;
    const builtin = await createBuiltinStrategyRegistry();
    const strategies = createStrategyRegistry([...builtin.list(), { ...builtin.get('multitask'), id: 'my-multitask' }]);
    const config: MolapConfig = { ...tiny, run: { ...tiny.run, seeds: [1], models: ['multitask', 'my-multitask'] } };
    const plan = await planStudy(config, undefined, {
      registry,
      strategies,
      strategyContext: { engine, tasks: registry },
    });
    const runDir = await newRunFolder(plan, config);
    const events: StudyEvent[] = [];
    await expect(
      runStudy(plan, {
        runDir,
        engine,
        registry,
        strategies,
        executor: createThreadExecutor({ plan, jobs: 2 }),
        onEvent: (event) => events.push(event),
      }),
    ).rejects.toThrow(
      /worker threads do not know strategy 'my-multitask'[\s\S]*hint: publish them in a plugin package/,
    );
    expect(events.filter((event) => event.type === 'stage-start')).toEqual([]);
    expect(() => createThreadExecutor({ plan, jobs: 0 })).toThrow(/jobs must be an integer >= 1, got 0/);
  }, 60_000);
});

describe('localJobs', () => {
  it('runs one job per two engine threads by default on the native engine, one on tfjs, and caps --jobs', () => {
    expect(THREADS_PER_DEFAULT_JOB).toBe(2);
    expect(localJobs({ cores: 2 })).toEqual({ jobs: 1, threadsPerJob: 2 });
    expect(localJobs({ cores: 1 })).toEqual({ jobs: 1, threadsPerJob: 1 });
    expect(localJobs({ cores: 8 })).toEqual({ jobs: 4, threadsPerJob: 2 });
    expect(localJobs({ cores: 8, threads: 3 })).toEqual({ jobs: 1, threadsPerJob: 3 });
    expect(localJobs({ cores: 8, engine: 'tfjs' })).toEqual({ jobs: 1, threadsPerJob: 8 });
    expect(localJobs({ cores: 2, jobs: 2 })).toEqual({ jobs: 2, threadsPerJob: 1 });
    expect(localJobs({ cores: 4, jobs: 3 })).toEqual({ jobs: 3, threadsPerJob: 1 });
    expect(localJobs({ threads: 2, jobs: 5 })).toEqual({
      jobs: 2,
      threadsPerJob: 1,
      note: '--jobs 5 is capped at the 2 threads of the engine (--threads)',
    });
    expect(() => localJobs({ jobs: 0 })).toThrow(/jobs must be an integer >= 1, got 0/);
  });
});
