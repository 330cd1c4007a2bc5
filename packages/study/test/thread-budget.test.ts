/**
 * A job told to use N threads (a thread executor's `threadsPerJob`, `molap worker --threads N`) pre-trains module
 * banks with at most N worker threads: the plan's `bank.workers` (default one per core) is capped, everything
 * else is kept.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { StudyPlan } from '../src/plan.js';
import { withThreadBudget } from '../src/thread-executor.js';

const planWith = (workers: number | undefined) =>
  ({ preset: 'standard', bank: { workers, moduleSize: 32 } }) as unknown as StudyPlan;

describe('withThreadBudget', () => {
  it('keeps the plan as it is without a thread budget', () => {
    const plan = planWith(4);
    expect(withThreadBudget(plan, undefined)).toBe(plan);
  });

  it('caps the pre-training workers at the threads, the default (one per core) included', () => {
    expect(withThreadBudget(planWith(4), 1).bank.workers).toBe(1);
    expect(withThreadBudget(planWith(undefined), 1).bank.workers).toBe(1);
    expect(withThreadBudget(planWith(undefined), 64).bank.workers).toBe(availableParallelism());
    expect(withThreadBudget(planWith(2), 8).bank.workers).toBe(2);
  });

  it('changes nothing else and does not modify the plan it is given', () => {
    const plan = planWith(4);
    const capped = withThreadBudget(plan, 1);
    expect(capped).toEqual({ preset: 'standard', bank: { workers: 1, moduleSize: 32 } });
    expect(plan.bank.workers).toBe(4);
  });
});
