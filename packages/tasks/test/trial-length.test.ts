import { describe, expect, it } from 'vitest';
import { InvalidOptionError, trialLengthStats, YANG19_TASKS } from '../src/index.js';

/** Spec §1.8: trial length T in steps at dt = 20 ms (analytic from the reference's discrete distributions). */
const REFERENCE = [
  { tasks: ['fdgo', 'fdanti'], min: 65, max: 133, mean: 99.0, sd: 15.54 },
  { tasks: ['reactgo', 'reactanti'], min: 50, max: 149, mean: 99.5, sd: 28.866 },
  { tasks: ['delaygo', 'delayanti'], min: 60, max: 170, mean: 107.5, sd: 29.19 },
  { tasks: ['dm1', 'dm2', 'contextdm1', 'contextdm2', 'multidm'], min: 50, max: 124, mean: 83.667, sd: 25.316 },
  {
    tasks: ['delaydm1', 'delaydm2', 'contextdelaydm1', 'contextdelaydm2', 'multidelaydm'],
    min: 70,
    max: 209,
    mean: 132.0,
    sd: 30.447,
  },
  { tasks: ['dmsgo', 'dmsnogo'], min: 55, max: 165, mean: 102.5, sd: 29.19 },
  { tasks: ['dmcgo', 'dmcnogo'], min: 40, max: 170, mean: 97.5, sd: 30.311 },
] as const;

const TRIALS = 1500;

describe('trial lengths in random mode follow the reference distributions (spec §1.8)', () => {
  for (const group of REFERENCE) {
    it.each(group.tasks)(`%s: ${group.min}–${group.max} steps, mean ${group.mean}, sd ${group.sd}`, (id) => {
      const stats = trialLengthStats(YANG19_TASKS[id], {}, { trials: TRIALS, seed: 7 });
      expect(stats.trials).toBe(TRIALS);
      expect(stats.dt).toBe(20);
      expect(stats.min).toBeGreaterThanOrEqual(group.min);
      expect(stats.max).toBeLessThanOrEqual(group.max);
      expect(Math.abs(stats.mean - group.mean)).toBeLessThan((4.5 * group.sd) / Math.sqrt(TRIALS));
      expect(Math.abs(stats.sd / group.sd - 1)).toBeLessThan(0.06);
      expect(stats.p95).toBeGreaterThan(stats.mean);
      expect(stats.p95).toBeLessThanOrEqual(stats.max);
    });
  }

  it('reaches the extremes of the discrete distributions', () => {
    const stats = trialLengthStats(YANG19_TASKS.delaygo, {}, { trials: 3000, seed: 1 });
    expect([stats.min, stats.max]).toEqual([60, 170]);
  });

  it('summarises the deterministic batch in test mode, scales with dt, and is deterministic in the seed', () => {
    expect(trialLengthStats(YANG19_TASKS.fdgo, { mode: 'test' })).toEqual({
      trials: 40,
      dt: 20,
      min: 100,
      max: 100,
      mean: 100,
      sd: 0,
      p95: 100,
    });
    const coarse = trialLengthStats(YANG19_TASKS.fdgo, { mode: 'test', dt: 100 });
    expect(coarse.mean).toBe(20);
    const a = trialLengthStats(YANG19_TASKS.dm1, {}, { trials: 50, seed: 3 });
    expect(trialLengthStats(YANG19_TASKS.dm1, {}, { trials: 50, seed: 3 })).toEqual(a);
    expect(() => trialLengthStats(YANG19_TASKS.dm1, {}, { trials: 0 })).toThrow(InvalidOptionError);
  });
});
