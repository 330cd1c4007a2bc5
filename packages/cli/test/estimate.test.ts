/**
 * `molap run --dry-run`: besides the plan, its jobs, their estimated cost and the wall time on 1, 4 and 16
 * workers, scheduled as the Redis executor takes jobs.
 */
import { describe, expect, it } from 'vitest';
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
