/**
 * The defaults the help shows are the libraries' own: read from their constants, or (for a library loaded
 * only when its command runs) pinned to them here.
 */
import { BASELINE_STRATEGIES } from '@molap/baselines';
import { DEFAULT_LOCK_SECONDS } from '@molap/distributed';
import { DEFAULT_LEARN_MODEL, DEFAULT_RUNS_FOLDER, RUN_PRESETS } from '@molap/study';
import { DEFAULT_TASK_OPTIONS } from '@molap/tasks';
import { expect, it } from 'vitest';
import { compareCommand } from '../src/commands/compare.js';
import { learnCommand } from '../src/commands/learn.js';
import { runCommand } from '../src/commands/run.js';
import { tasksPlot } from '../src/commands/tasks/plot.js';
import { workerCommand } from '../src/commands/worker.js';
import { seedOption } from '../src/flags.js';

it("shows the libraries' defaults", () => {
  expect(workerCommand.options.lockSeconds.defaultText).toBe(String(DEFAULT_LOCK_SECONDS));
  expect(compareCommand.options.strategies.defaultText).toBe(BASELINE_STRATEGIES.map(({ id }) => id).join(','));
  expect(runCommand.options.out.defaultText).toBe(DEFAULT_RUNS_FOLDER);
  expect(learnCommand.options.model.defaultText).toBe(DEFAULT_LEARN_MODEL);
  expect(tasksPlot.options.mode.defaultText).toBe(DEFAULT_TASK_OPTIONS.mode);
  expect(seedOption.seed.defaultText).toBe(String(RUN_PRESETS.quick.seeds));
});

it("describes the budget flags of compare and run alike, from the budget's declaration", () => {
  for (const key of ['steps', 'batchSize', 'evalEvery', 'evalTrials', 'criterion'] as const) {
    expect(compareCommand.options[key].description).toBe(runCommand.options[key].description);
  }
});
