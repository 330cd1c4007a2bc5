/**
 * `molap run --dry-run`: besides the plan, its jobs, their estimated cost and the wall time on 1, 4 and 16
 * workers, scheduled as the Redis executor takes jobs, and on this machine at its --jobs count.
 */
import type { RunEstimate, StudyJob } from '@molap/study';
import { describe, expect, it } from 'vitest';
import { thisMachine } from '../src/run/estimate.js';
import { createScratch, molap } from './support.js';

describe('molap run --dry-run --preset paper', () => {
  it('prints the plan, and its jobs, costs and wall times on 1, 4 and 16 workers', async () => {
    const scratch = createScratch();
    try {
      const result = await molap(['run', '--dry-run', '--preset', 'paper'], { cwd: scratch.root });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).preset).toBe('paper');
      // 8 models (si included) × 3 seeds: 3 banks, 24 trainings, 72 analyses, 54 held-out learnings
      expect(result.stderr).toMatch(/^153 jobs, about \d+ h \d+ min of work:/);
      expect(result.stderr).toMatch(/ 24 × train +\d+ h/);
      const wall = /1 worker (.+), 4 workers (.+), 16 workers (.+)\n/.exec(result.stderr);
      expect(wall).not.toBeNull();
      const json = await molap(['run', '--dry-run', '--preset', 'paper', '--json'], { cwd: scratch.root });
      const estimate = JSON.parse(json.stderr.trim());
      expect(estimate.jobs).toHaveLength(153);
      const [one, four, sixteen] = estimate.wall.map((row: { seconds: number }) => row.seconds);
      expect(one).toBe(estimate.workSeconds);
      expect(four).toBeLessThan(one);
      expect(sixteen).toBeLessThan(four);
    } finally {
      scratch.remove();
    }
  }, 60_000);
});

describe('molap run --dry-run --jobs', () => {
  it('gives the wall time on this machine with that many jobs at once', async () => {
    const scratch = createScratch();
    try {
      const text = await molap(['run', '--dry-run', '--jobs', '2', '--threads', '2'], { cwd: scratch.root });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stderr).toMatch(
        /on this machine \(\d+ cores\), 2 jobs at once with 1 engine thread each \(--jobs\): about \d+ min/,
      );
      const json = await molap(['run', '--dry-run', '--jobs', '2', '--threads', '2', '--json'], { cwd: scratch.root });
      const estimate = JSON.parse(json.stderr.trim());
      const local = estimate.thisMachine;
      expect(local).toMatchObject({ jobs: 2, threadsPerJob: 1, speed: Math.min(1, local.cores / 4) });
      // two workers at `speed` cannot finish the work sooner than its sum over both
      expect(local.seconds).toBeGreaterThanOrEqual(Math.floor(estimate.workSeconds / (2 * local.speed)) - 1);
      const one = await molap(['run', '--dry-run', '--jobs', '1', '--threads', '2', '--json'], { cwd: scratch.root });
      const single = JSON.parse(one.stderr.trim());
      expect(single.thisMachine).toMatchObject({ jobs: 1, threadsPerJob: 2, speed: 1 });
      expect(single.thisMachine.seconds).toBe(single.wall[0].seconds); // one job at a time: the one-worker figure
    } finally {
      scratch.remove();
    }
  }, 60_000);
});

describe('thisMachine', () => {
  const job = (id: string, inputs: string[] = []) => ({ id, inputs }) as unknown as StudyJob;
  const estimate = (seconds: number[]): RunEstimate => ({
    jobs: seconds.map((s, i) => ({ job: job(`j${i}`), seconds: s })),
    workSeconds: seconds.reduce((a, b) => a + b, 0),
    wall: [],
  });
  it('runs jobs at full speed while each has two cores, at its share of the cores beyond', () => {
    const work = estimate([10, 10, 10, 10]);
    expect(thisMachine(work, { jobs: 2, threadsPerJob: 2 }, 4)).toMatchObject({ speed: 1, seconds: 20 });
    expect(thisMachine(work, { jobs: 2, threadsPerJob: 1 }, 2)).toMatchObject({ speed: 0.5, seconds: 40 });
    expect(thisMachine(work, { jobs: 4, threadsPerJob: 1 }, 2)).toMatchObject({ speed: 0.25, seconds: 40 });
    expect(thisMachine(work, { jobs: 1, threadsPerJob: 2 }, 2)).toMatchObject({ speed: 1, seconds: 40 });
  });
});
