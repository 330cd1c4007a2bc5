import { checkTaskConformance, createTaskRegistry } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { NEUROGYM_CLASSICS_IDS, tasks } from '../src/tasks.js';

/** Generated from the registry: every task of the plugin, under several option sets. */
const registry = createTaskRegistry({ tasks, source: 'molap-task-neurogym-classics' });

describe.each(registry.ids())('%s', (id) => {
  const task = registry.get(id);
  it.each([
    ['defaults', {}],
    ['dt 10 ms, 16-unit rings', { dt: 10, ringSize: 16 }],
    ['noise off', { noise: false }],
    ['only its own rule unit', { rules: [id] }],
  ])('keeps the task contract (%s)', (_name, options) => {
    expect(checkTaskConformance(task, { options: { batchSize: 12, ...options } })).toEqual([]);
  });
});

it('exports the four tasks in order, with scoped ids', () => {
  expect(registry.ids()).toEqual([...NEUROGYM_CLASSICS_IDS]);
  for (const id of registry.ids()) expect(id).toMatch(/^neurogym\/[a-z-]+$/);
});
