/** `molap tasks show <id>`: a task's description (`describeTask` of @molap/tasks) as text or JSON. */
import { describeTask } from '@molap/tasks';
import { commonOptions, defineCommand } from '../../command.js';
import { DEFAULT_SEED, DEFAULT_STAT_TRIALS, taskSourceOptions } from '../../flags.js';
import { flag } from '../../options.js';
import { json } from '../../output.js';
import { findTask, openTaskProject } from '../../project.js';
import { formatTaskDescription } from '../../text/tasks.js';

export const tasksShow = defineCommand({
  words: ['tasks', 'show'],
  summary: 'describe a task: paper, periods, channels, defaults and trial-length statistics',
  args: [{ name: 'id', description: 'task id (see `molap tasks list`)', required: true }],
  options: {
    trials: flag.integer('trials sampled for the random-mode trial-length statistics', {
      value: 'n',
      min: 1,
      defaultText: String(DEFAULT_STAT_TRIALS),
    }),
    seed: flag.integer('seed of the sampled trials', { value: 'seed', defaultText: String(DEFAULT_SEED) }),
    json: flag.boolean('print JSON'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: ['molap tasks show fdgo', 'molap tasks show neurogym/go-no-go --json'],
  async run(input) {
    const { config, catalog } = await openTaskProject(input);
    const task = findTask(catalog.registry, input.args[0]);
    const description = describeTask(task, {
      taskOptions: config.tasks?.options ?? {},
      seed: input.options.seed ?? DEFAULT_SEED,
      trials: input.options.trials ?? DEFAULT_STAT_TRIALS,
      source: catalog.registry.source(task.id) ?? 'unknown',
    });
    input.io.stdout(input.options.json ? json(description) : formatTaskDescription(description));
  },
});
