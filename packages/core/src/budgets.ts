/**
 * Named learning budgets. A preset is a per-task budget: strategies that learn tasks independently or in
 * sequence spend `steps` on each task, and interleaved strategies get `steps × tasks` for the whole
 * curriculum (`budgetFor`), so every strategy sees the same number of training trials.
 */
import type { LearningBudget } from './model.js';
import type { LearningSchedule } from './strategy.js';

/** Names of the presets. */
export type BudgetPresetName = 'quick' | 'standard';

/**
 * - `quick`: seconds per strategy; for smoke tests and trying the pipeline (nothing is learned well).
 * - `standard`: the budget of the reported comparisons. With the nine-task corpus the multitask RNN gets
 *   9 × 900 = 8100 steps of 64 trials (518,400 trials), about 20 minutes on 2 cores with the native engine.
 */
export const BUDGET_PRESETS: Readonly<Record<BudgetPresetName, LearningBudget>> = Object.freeze({
  quick: Object.freeze({ steps: 20, batchSize: 16, evalEvery: 10, evalTrials: 64, criterion: 0.9 }),
  standard: Object.freeze({ steps: 900, batchSize: 64, evalEvery: 100, evalTrials: 256, criterion: 0.9 }),
});

/** The budget a strategy gets for `taskCount` tasks from a per-task budget (see the module comment). */
export function budgetFor(budget: LearningBudget, schedule: LearningSchedule, taskCount: number): LearningBudget {
  return schedule === 'interleaved' ? { ...budget, steps: budget.steps * taskCount } : budget;
}

/** A budget given by preset name or as a value. */
export function resolveBudget(budget: LearningBudget | BudgetPresetName): LearningBudget {
  if (typeof budget === 'string') {
    const preset = BUDGET_PRESETS[budget as BudgetPresetName];
    if (!preset) {
      throw new RangeError(
        `unknown budget preset '${budget}'; the presets are ${Object.keys(BUDGET_PRESETS).join(', ')}, or pass a LearningBudget`,
      );
    }
    return preset;
  }
  return budget;
}
