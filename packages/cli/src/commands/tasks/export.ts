/** `molap tasks export <id>`: a batch of a task (`taskBatch`, `writeNpz` of @molap/tasks) as a NumPy .npz file. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkExportSize } from '@molap/study';
import { taskBatch, writeNpz } from '@molap/tasks';
import { commonOptions, defineCommand } from '../../command.js';
import { batchOptions, DEFAULT_SEED, taskSourceOptions } from '../../flags.js';
import { flag } from '../../options.js';
import { formatBytes, json, writeOutput } from '../../output.js';
import { findTask, openTaskProject } from '../../project.js';
import { describeBatch } from '../../text/tasks.js';

export const tasksExport = defineCommand({
  words: ['tasks', 'export'],
  summary: 'write a batch of a task to a NumPy .npz file (np.load reads it)',
  details: [
    'Entries: inputs, targets, mask [T, B, C] float32; target_angle [T, B]; trial_steps, go_cue [B];',
    'epoch_<name>_start/end [B]; task_id; dt; the channel layout (see the @molap/tasks README).',
  ],
  args: [{ name: 'id', description: 'task id (see `molap tasks list`)', required: true }],
  options: {
    mode: flag.choice(['random', 'test'] as const, 'random: drawn conditions; test: the deterministic grid', {
      required: true,
    }),
    out: flag.string('.npz file to write', { value: 'file', required: true }),
    ...batchOptions,
    compress: flag.boolean('deflate the arrays (like np.savez_compressed)'),
    force: flag.boolean('write an export larger than 256 MB'),
    json: flag.boolean('print what was written as JSON'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: [
    'molap tasks export fdgo --mode test --no-noise --out fdgo-test.npz',
    'molap tasks export contextdm1 --mode random --batch-size 256 --seed 7 --out train.npz',
  ],
  async run(input) {
    const { options } = input;
    const { config, catalog } = await openTaskProject(input);
    const task = findTask(catalog.registry, input.args[0]);
    const { mode, seed = DEFAULT_SEED } = options;
    const taskOptions = config.tasks?.options ?? {};
    checkExportSize(task, { ...taskOptions, mode }, options.force === true);
    const batch = taskBatch(task, { taskOptions, mode, seed });
    const out = resolve(input.cwd, options.out);
    await writeOutput(out, (target) => writeNpz(batch, target, { compress: options.compress === true }));
    const noise = config.tasks?.options?.noise ?? true;
    const { steps, batchSize, inputSize: inputs, outputSize: outputs } = batch;
    input.io.stdout(
      options.json
        ? json({ file: out, taskId: task.id, mode, seed, noise, shape: { steps, batchSize, inputs, outputs } })
        : `wrote ${options.out} (${formatBytes((await stat(out)).size)}): ${describeBatch(batch, mode, seed, noise)}\n`,
    );
  },
});
