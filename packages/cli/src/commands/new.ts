/**
 * `molap new task <name>`: writes a new task plugin package (`writeTaskPlugin` of @molap/tasks) into
 * `./<name>` or `--dir`, after checking the name, the task id and the folder.
 */
import { relative } from 'node:path';
import { writeTaskPlugin } from '@molap/tasks';
import { commonOptions, defineCommand } from '../command.js';
import { flag } from '../options.js';

export const newTaskCommand = defineCommand({
  words: ['new', 'task'],
  summary: 'write a new task plugin package: a defineTask task, its conformance test, build config and README',
  details: [
    'The package has a "molap" field (apiVersion 2) naming dist/tasks.js, so molap finds it among a project\'s',
    'dependencies once it is built and installed. The folder must be new or empty; nothing is written when the',
    'name, the task id or the folder is wrong.',
  ],
  args: [
    {
      name: 'name',
      description:
        'npm package name of the plugin, e.g. molap-task-memory-saccade or @my-lab/molap-task-memory-saccade',
      required: true,
    },
  ],
  options: {
    dir: flag.string('folder to write the plugin into (default: ./<name without its npm scope>)', { value: 'dir' }),
    id: flag.string(
      'id of the task (default: the name without molap-task-, scoped by its npm scope: @my-lab/molap-task-x → my-lab/x)',
      { value: 'id' },
    ),
    json: flag.boolean('print JSON: { dir, packageName, taskId, displayName, files }'),
    ...commonOptions,
  },
  examples: [
    'molap new task @my-lab/molap-task-memory-saccade',
    'molap new task molap-task-timing --id my-lab/interval-timing --dir plugins/timing',
  ],
  async run(input) {
    const [name] = input.args;
    const written = await writeTaskPlugin({
      name,
      dir: input.options.dir ?? (name.split('/').pop() || name),
      cwd: input.cwd,
      ...(input.options.id === undefined ? {} : { taskId: input.options.id }),
    });
    if (input.options.json) {
      input.io.stdout(`${JSON.stringify(written, null, 2)}\n`);
      return;
    }
    const shown = relative(input.cwd, written.dir) || '.';
    input.io.stdout(
      [
        `wrote ${written.packageName} (task ${written.taskId}) in ${shown}:`,
        ...written.files.map((file) => `  ${file}`),
        '',
        'next:',
        `  cd ${shown} && npm install && npm test && npm run build`,
        `  then, in a project: npm install <path to ${shown}> && npx molap tasks doctor --strict`,
        '',
      ].join('\n'),
    );
  },
});
