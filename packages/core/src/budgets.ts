/**
 * Named learning budgets. A preset is a per-task budget: strategies that learn tasks independently or in
 * sequence spend `steps` on each task, and interleaved strategies get `steps × tasks` for the whole
 * curriculum (`budgetFor`), so every strategy sees the same number of training trials, and evaluate every
 * `evalEvery × tasks` steps, so every learning curve has the same resolution per task.
 */

import { unknownNameProblem } from '@molap/tasks';
import { z } from 'zod';
import { InvalidValueError, MolapError } from './errors.js';
import type { LearningBudget } from './model.js';
import { defineOptions, OPTION_KINDS, option } from './options.js';
import type { LearningSchedule } from './strategy.js';

/** The fields of a `LearningBudget`, declared once (defaults: the `standard` preset). */
export const BUDGET_OPTIONS = defineOptions('budget option', {
  steps: option(OPTION_KINDS.nonNegativeInteger, 900, 'optimiser steps per task'),
  batchSize: option(OPTION_KINDS.positiveInteger, 64, 'trials per optimiser step'),
  evalEvery: option(OPTION_KINDS.nonNegativeInteger, 100, 'evaluate every this many steps (0: only at the end)'),
  evalTrials: option(OPTION_KINDS.positiveInteger, 256, 'trials per task in each evaluation'),
  criterion: option(
    OPTION_KINDS.custom(z.number().gt(0).max(1), 'a Yang performance in (0, 1]'),
    0.9,
    'performance that counts as learned',
  ),
});

/**
 * Checks a budget: every field present and valid.
 * @throws InvalidValueError naming the field, the value and what it must be.
 */
export function validateBudget(budget: LearningBudget): void {
  if (budget === null || typeof budget !== 'object') {
    throw new InvalidValueError(
      'a LearningBudget must be an object { steps, batchSize, evalEvery, evalTrials, criterion }',
    );
  }
  for (const key of BUDGET_OPTIONS.keys) {
    const spec = BUDGET_OPTIONS.specs[key];
    if (!spec.schema.safeParse(budget[key]).success) {
      throw new InvalidValueError(`budget.${key} must be ${spec.rule}, got ${String(budget[key])}`, {
        hint: spec.description,
      });
    }
  }
}

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

/**
 * The budget a strategy gets for `taskCount` tasks from a per-task budget (see the module comment). An
 * interleaved strategy gets `steps × taskCount` steps and evaluates every `evalEvery × taskCount` steps: its
 * learning curves then have a point every `evalEvery` steps of each task on average, as those of the other
 * schedules, so steps to criterion are measured at the same resolution for every strategy (evaluating every
 * `evalEvery` steps of the curriculum measured the interleaved network's about `taskCount` times finer).
 */
export function budgetFor(budget: LearningBudget, schedule: LearningSchedule, taskCount: number): LearningBudget {
  return schedule === 'interleaved'
    ? { ...budget, steps: budget.steps * taskCount, evalEvery: budget.evalEvery * taskCount }
    : budget;
}

/** A budget given by preset name or as a value. */
export function resolveBudget(budget: LearningBudget | BudgetPresetName): LearningBudget {
  if (typeof budget === 'string') {
    const preset = BUDGET_PRESETS[budget as BudgetPresetName];
    if (!preset) {
      throw new MolapError('unknown-id', `unknown budget preset '${budget}'`, {
        hint: `the presets are ${Object.keys(BUDGET_PRESETS).join(', ')}, or pass a LearningBudget`,
      });
    }
    return preset;
  }
  return budget;
}

/** A budget as a config file gives it: a preset name, or `{ preset?, …fields }` whose fields override the preset. */
export type BudgetConfigValue = string | (Partial<LearningBudget> & { readonly preset?: string });

/**
 * The budget of a config value (see `BudgetConfigValue`): the preset's values (`defaultPreset` when it names
 * none), overridden by the fields given. The fields are checked where the budget is used (`validateBudget`).
 * @throws MolapError 'unknown-id' (bad input) for an unknown preset, naming the closest one.
 */
export function budgetFromConfig(
  config: BudgetConfigValue | undefined,
  defaultPreset: BudgetPresetName = 'standard',
): LearningBudget {
  const { preset = defaultPreset, ...fields } = typeof config === 'string' ? { preset: config } : (config ?? {});
  const base = (BUDGET_PRESETS as Readonly<Record<string, LearningBudget>>)[preset];
  if (base === undefined) {
    const names = Object.keys(BUDGET_PRESETS);
    throw new MolapError('unknown-id', unknownNameProblem('budget preset', preset, names), {
      hint: `the presets are ${names.join(', ')}; --steps, --batch-size, --eval-every, --eval-trials and --criterion override their values`,
    });
  }
  return { ...base, ...fields };
}
