/**
 * template/my-task.ts is generated: it is the `src/tasks.ts` that `molap new task` writes (`taskPluginFiles`
 * of @molap/tasks, the one source of the template), so the copy here cannot drift from the starter.
 */
import { readFileSync } from 'node:fs';
import { checkTaskConformance, createRng, resolveTaskOptions, taskPluginFiles, YANG19_RULES } from '@molap/tasks';
import { expect, it } from 'vitest';
import { task as myTask } from '../template/my-task.js';

it('is the starter of molap new task, byte for byte (regenerate with npm run template)', () => {
  const names = {
    packageName: 'molap-task-memory-saccade',
    taskId: 'my-lab/memory-saccade',
    displayName: 'Memory saccade',
  };
  const written = readFileSync(new URL('../template/my-task.ts', import.meta.url), 'utf8');
  expect(written).toBe(taskPluginFiles(names)['src/tasks.ts']);
});

it('the template task keeps the task contract as written', () => {
  expect(checkTaskConformance(myTask, { options: { rules: [...YANG19_RULES, myTask.id] } })).toEqual([]);
  const batch = myTask.generate(createRng(1), resolveTaskOptions(myTask, { mode: 'test', rules: [myTask.id] }));
  expect([batch.batchSize, batch.inputSize, batch.outputSize]).toEqual([24, 66, 33]);
});
