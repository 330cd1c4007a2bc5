/** `molap tasks plot <id>`: one trial of a batch (`taskBatch`, `plotTrial` of @molap/tasks) as an SVG file. */
import { resolve } from 'node:path';
import { DEFAULT_TASK_OPTIONS, plotTrial, taskBatch } from '@molap/tasks';
import { commonOptions, defineCommand } from '../../command.js';
import { UsageError } from '../../errors.js';
import { batchOptions, DEFAULT_SEED, taskSourceOptions } from '../../flags.js';
import { flag } from '../../options.js';
import { json, writeTextFile } from '../../output.js';
import { findTask, openTaskProject } from '../../project.js';
import { describeBatch } from '../../text/tasks.js';

export const tasksPlot = defineCommand({
  words: ['tasks', 'plot'],
  summary: 'draw one trial (inputs, targets, loss mask, periods, go cue) as an SVG file',
  details: [
    'The trial is trial <i> of the batch `molap tasks export` writes with the same id, mode, seed and options.',
  ],
  args: [{ name: 'id', description: 'task id (see `molap tasks list`)', required: true }],
  options: {
    out: flag.string('SVG file to write', { value: 'file', required: true }),
    trial: flag.integer('index of the trial in the batch', { value: 'i', min: 0, defaultText: '0' }),
    mode: flag.choice(['random', 'test'] as const, 'random: drawn conditions; test: the deterministic grid', {
      defaultText: DEFAULT_TASK_OPTIONS.mode,
    }),
    ...batchOptions,
    json: flag.boolean('print what was written as JSON'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: [
    'molap tasks plot fdgo --out fdgo.svg',
    'molap tasks plot dm1 --mode test --trial 12 --no-noise --out dm1-12.svg',
  ],
  async run(input) {
    const { options } = input;
    const { config, catalog } = await openTaskProject(input);
    const task = findTask(catalog.registry, input.args[0]);
    const { mode = DEFAULT_TASK_OPTIONS.mode, seed = DEFAULT_SEED, trial = 0 } = options;
    const batch = taskBatch(task, { taskOptions: config.tasks?.options ?? {}, mode, seed });
    if (trial >= batch.batchSize) {
      throw new UsageError(`--trial ${trial} is out of range: the batch has ${batch.batchSize} trials`, {
        hint: `pass --trial 0 to ${batch.batchSize - 1}${mode === 'random' ? ', or a larger --batch-size' : ''}`,
      });
    }
    const out = resolve(input.cwd, options.out);
    await writeTextFile(out, plotTrial(batch, trial));
    const noise = config.tasks?.options?.noise ?? true;
    input.io.stdout(
      options.json
        ? json({ file: out, taskId: task.id, trial, mode, seed, noise, steps: batch.trialSteps[trial] })
        : `wrote ${options.out}: trial ${trial} of ${describeBatch(batch, mode, seed, noise)}\n`,
    );
  },
});
