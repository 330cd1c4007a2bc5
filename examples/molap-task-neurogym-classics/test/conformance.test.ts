import { checkTaskConformance, composeRules, createTaskRegistry, resolveTaskOptions, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { NEUROGYM_CLASSICS_IDS, tasks } from '../src/tasks.js';

/** Generated from a registry: every task of the plugin, under several option sets. */
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

/** One corpus: the 20 Yang tasks and this plugin's tasks in one registry, with one composed rule block. */
describe('mixed with the Yang corpus', () => {
  const corpus = createTaskRegistry({ tasks: yang19, source: '@molap/tasks' });
  for (const task of tasks) corpus.register(task, { source: 'molap-task-neurogym-classics' });
  const options = { rules: composeRules(corpus.list()), batchSize: 8 };

  it('composes the Yang rules, then the plugin rules in code-point order', () => {
    expect(options.rules.slice(20)).toEqual([
      'neurogym/delay-comparison',
      'neurogym/go-no-go',
      'neurogym/perceptual-decision-making',
      'neurogym/ready-set-go',
    ]);
  });

  it('gives every task the same channel layout (89 inputs, 33 outputs)', () => {
    const layouts = corpus.list().map((task) => JSON.stringify(task.layout(resolveTaskOptions(task, options))));
    expect(new Set(layouts).size).toBe(1);
    expect(JSON.parse(layouts[0])).toMatchObject({ inputSize: 89, outputSize: 33 });
  });

  it.each(corpus.ids())('%s keeps the task contract with the shared rules', (id) => {
    expect(checkTaskConformance(corpus.get(id), { options })).toEqual([]);
  });
});
