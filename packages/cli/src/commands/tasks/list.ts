/** `molap tasks list`: the tasks of the project (`listTasks` of @molap/tasks): built-in and plugins. */
import { listTasks } from '@molap/tasks';
import { commonOptions, defineCommand } from '../../command.js';
import { taskSourceOptions } from '../../flags.js';
import { flag } from '../../options.js';
import { json } from '../../output.js';
import { openTaskProject } from '../../project.js';
import { formatTaskList } from '../../text/tasks.js';

export const tasksList = defineCommand({
  words: ['tasks', 'list'],
  summary: 'list the tasks: the built-in Yang et al. 2019 tasks and those of plugins in this project',
  args: [],
  options: {
    tag: flag.string('only tasks with this tag', { value: 'tag' }),
    json: flag.boolean('print JSON: [{ id, name, source, tags, paper, link, periods }]'),
    ...taskSourceOptions,
    ...commonOptions,
  },
  examples: ['molap tasks list', 'molap tasks list --tag delay', 'molap tasks list --json --project ../my-lab'],
  async run(input) {
    const { tag } = input.options;
    const { catalog } = await openTaskProject(input);
    const rows = listTasks(catalog.registry, tag === undefined ? {} : { tag });
    if (input.options.json) return void input.io.stdout(json(rows));
    input.io.stdout(formatTaskList(rows));
    const sources = new Set(rows.map((row) => row.source)).size;
    const filter = tag === undefined ? '' : ` with tag "${tag}"`;
    input.io.stderr(
      `${rows.length} task${rows.length === 1 ? '' : 's'}${filter} from ${sources} source${sources === 1 ? '' : 's'}\n`,
    );
  },
});
