import { describe, expect, it } from 'vitest';
import { phaseSeconds, timePhase, WORK_PHASES } from '../src/phases.js';

/** Spins for `ms` milliseconds of wall time (the clock is wall time, so this is exact whatever the load). */
const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
};

const difference = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(WORK_PHASES.map((phase) => [phase, after[phase] - before[phase]]));

describe('timePhase', () => {
  it('counts a phase entered inside another to the inner phase only', () => {
    const before = phaseSeconds();
    const started = performance.now();
    timePhase('training', () => {
      spin(10);
      timePhase('batches', () => spin(20));
      spin(5);
    });
    const elapsed = (performance.now() - started) / 1000;
    const spent = difference(before, phaseSeconds());
    expect(spent.batches).toBeGreaterThanOrEqual(0.02);
    expect(spent.training).toBeGreaterThanOrEqual(0.015);
    // Exclusive: were the inner 20 ms counted twice, the sum would exceed the wall time.
    expect(spent.batches + spent.training).toBeLessThanOrEqual(elapsed + 1e-4);
    expect(spent.evaluation).toBe(0);
  });

  it('lasts until a returned promise settles, and returns its value', async () => {
    const before = phaseSeconds();
    const value = await timePhase('evaluation', async () => {
      await new Promise((done) => setTimeout(done, 15));
      return 42;
    });
    expect(value).toBe(42);
    expect(difference(before, phaseSeconds()).evaluation).toBeGreaterThanOrEqual(0.014);
  });

  it('closes the phase when the work throws or rejects', async () => {
    expect(() =>
      timePhase('files', () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    await expect(timePhase('files', () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    // No phase is left open: time now counts nowhere.
    const before = phaseSeconds();
    spin(10);
    const spent = difference(before, phaseSeconds());
    for (const phase of WORK_PHASES) expect(spent[phase]).toBe(0);
  });

  it('includes the running phase up to now in a reading', () => {
    timePhase('training', () => {
      const before = phaseSeconds();
      spin(10);
      expect(phaseSeconds().training - before.training).toBeGreaterThanOrEqual(0.01);
    });
  });
});
