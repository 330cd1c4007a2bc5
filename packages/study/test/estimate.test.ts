/**
 * The estimate of a plan's work (`molap run --dry-run`): jobs scheduled on workers as the Redis executor takes
 * them, and the estimate of a preset's plan.
 */
import { createEngine } from '@molap/backend';
import { MolapError } from '@molap/core';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { failedJobsError } from '../src/executor.js';
import { estimateRun, planStudy, type StudyJob, scheduleSeconds } from '../src/index.js';

const job = (id: string, inputs: string[] = []): StudyJob => ({ id, kind: 'train', seed: 1, inputs });

describe('scheduleSeconds', () => {
  it('gives each free worker the first job whose inputs are done', () => {
    const jobs = [
      { job: job('a'), seconds: 2 },
      { job: job('b', ['a']), seconds: 1 },
      { job: job('c'), seconds: 3 },
    ];
    expect(scheduleSeconds(jobs, 1)).toBe(6);
    // worker 1: a (0–2), then b (2–3); worker 2: c (0–3), since b waits for a.
    expect(scheduleSeconds(jobs, 2)).toBe(3);
    expect(scheduleSeconds(jobs, 16)).toBe(3);
    // a chain cannot go faster than its length
    expect(
      scheduleSeconds(
        [
          { job: job('a'), seconds: 2 },
          { job: job('b', ['a']), seconds: 5 },
        ],
        4,
      ),
    ).toBe(7);
  });
});

describe('estimateRun', () => {
  it('costs every job of the quick plan and is faster on more workers', async () => {
    const registry = createTaskRegistry({ tasks: yang19 });
    const engine = await createEngine({ engine: 'native', threads: 1 });
    const plan = await planStudy({}, 'quick', { registry, strategyContext: { engine, tasks: registry } }).finally(() =>
      engine.dispose(),
    );
    const estimate = await estimateRun(plan);
    expect(estimate.jobs.length).toBeGreaterThan(0);
    expect(estimate.jobs.every(({ seconds }) => seconds >= 0)).toBe(true);
    expect(estimate.workSeconds).toBeCloseTo(
      estimate.jobs.reduce((sum, { seconds }) => sum + seconds, 0),
      6,
    );
    const [one, four, sixteen] = estimate.wall.map(({ seconds }) => seconds);
    expect(one).toBeCloseTo(estimate.workSeconds, 6);
    expect(four).toBeLessThanOrEqual(one);
    expect(sixteen).toBeLessThanOrEqual(four);
    // twice the rate, half the time
    expect((await estimateRun(plan, 5e8)).workSeconds).toBeCloseTo(estimate.workSeconds / 2, 6);
  });
});

describe('failedJobsError', () => {
  const failure = (model: string, error: unknown) => ({
    job: { id: `train/${model}/seed-1`, kind: 'train' as const, seed: 1, model, inputs: [] },
    error,
  });
  it('is the failure itself when it is the only one and nothing waited on it', () => {
    const error = new Error('boom');
    expect(failedJobsError([failure('a', error)], [])).toBe(error);
  });

  it('names every failed job and counts those that waited, keeping the first failure’s code, kind, hint and source', () => {
    const first = Object.assign(
      new MolapError('invalid-plugin', "task 'lab/x' made a NaN", { hint: 'fix lab-tasks@1.0.0' }),
      { source: 'lab-tasks@1.0.0' },
    );
    const error = failedJobsError(
      [failure('a', first), failure('b', new Error('disk full'))],
      [job('robustness/a/seed-1'), job('robustness/b/seed-1')],
    ) as MolapError;
    expect(error.code).toBe('invalid-plugin');
    expect(error.kind).toBe('bad-input');
    expect(error.problem).toBe(
      "task 'lab/x' made a NaN (lab-tasks@1.0.0); 1 other job failed too (b: learning the corpus (seed 1)); 2 jobs waited on a failed one and did not run",
    );
    expect(error.hint).toBe('fix lab-tasks@1.0.0');
    expect(error.cause).toBe(first);
  });
});
