import { checkTaskConformance, createRng, resolveTaskOptions, YANG19_RULES } from '@molap/tasks';
import { expect, it } from 'vitest';
import { myTask } from '../template/my-task.js';

it('the template task keeps the task contract as written', () => {
  expect(checkTaskConformance(myTask, { options: { rules: [...YANG19_RULES, myTask.id] } })).toEqual([]);
  const batch = myTask.generate(createRng(1), resolveTaskOptions(myTask, { mode: 'test', rules: [myTask.id] }));
  expect([batch.batchSize, batch.inputSize, batch.outputSize]).toEqual([24, 66, 33]);
});
