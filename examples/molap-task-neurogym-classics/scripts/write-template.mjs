// Writes template/my-task.ts: the `src/tasks.ts` that `molap new task` writes (`taskPluginFiles` of
// @molap/tasks, its one source) for the task id my-lab/memory-saccade. Run after changing the starter:
// `npm run template` (needs the build of @molap/tasks); test/template.test.ts fails while the two differ.
import { writeFileSync } from 'node:fs';
import { taskPluginFiles } from '@molap/tasks';

export const TEMPLATE_NAMES = {
  packageName: 'molap-task-memory-saccade',
  taskId: 'my-lab/memory-saccade',
  displayName: 'Memory saccade',
};
writeFileSync(new URL('../template/my-task.ts', import.meta.url), taskPluginFiles(TEMPLATE_NAMES)['src/tasks.ts']);
