/**
 * Plugin tasks next to the Yang tasks: `compare` composes one rule block for the tasks it compares, so no
 * rule list is typed by hand; a model built on one rule block refuses tasks it cannot represent.
 */
import { createTaskRegistry, defineTask, type Task, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/compare.js';
import { multitask } from '../src/multitask.js';
import { createTestContext, TINY_BUDGET } from './helpers.js';

/** A delayed response of one plugin, `lab-x/…`: respond at `angle` after a delay. */
const pluginTask = (id: string, angle: number): Task =>
  defineTask({
    id,
    meta: { displayName: id, description: 'delayed response', paper: 'none', link: 'https://example.org', tags: [] },
    periods: ['fixation', 'cue', 'delay', 'go'] as const,
    conditions: { sample: () => ({}), grid: () => [{}], parse: () => ({}) },
    trial(trial) {
      trial.timing({ fixation: 100, cue: 100, delay: 200, go: 300 });
      trial.fixateUntil('go');
      trial.show({ ring: 1, during: 'cue', angle });
      trial.respond('go', angle);
    },
  });

const registry = () => {
  const tasks = createTaskRegistry({ tasks: yang19, source: '@molap/tasks' });
  tasks.register(pluginTask('lab-b/reach', 1), { source: 'lab-b-tasks@1.0.0' });
  tasks.register(pluginTask('lab-a/reach', 2), { source: 'lab-a-tasks@1.0.0' });
  return tasks;
};

describe('plugin tasks mixed with the Yang tasks', () => {
  it('compare runs a corpus of Yang and two plugins with no rules option', async () => {
    const table = await compare({
      strategies: [{ strategy: 'multitask', options: { hiddenSize: 8 } }],
      tasks: ['fdgo', 'lab-b/reach', 'lab-a/reach'],
      budget: { ...TINY_BUDGET, steps: 2, evalEvery: 2 },
      seeds: [1],
      context: { engine: { engine: 'native', threads: 1 }, tasks: registry() },
      parallelism: 1,
    });
    expect(table.rows.map((row) => row.taskId)).toEqual(['fdgo', 'lab-b/reach', 'lab-a/reach']);
  });

  it('compare across two plugins alone (87 vs 86 inputs before: now one block of two rules)', async () => {
    const table = await compare({
      strategies: [{ strategy: 'multitask', options: { hiddenSize: 8 } }],
      tasks: ['lab-b/reach', 'lab-a/reach'],
      budget: { ...TINY_BUDGET, steps: 2, evalEvery: 2 },
      seeds: [1],
      context: { engine: { engine: 'native', threads: 1 }, tasks: registry() },
      parallelism: 1,
    });
    expect(table.rows).toHaveLength(2);
  });

  it('a model built on the Yang rule block refuses a plugin task, saying what to do', async () => {
    const context = { ...(await createTestContext()), tasks: registry() };
    const model = await multitask.create(context, { hiddenSize: 8 });
    try {
      await model.learn(['fdgo'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 });
      await expect(model.learn(['lab-a/reach'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 })).rejects.toThrow(
        /tasks lab-a\/reach need 66 inputs and 33 outputs, but this network has 85 and 33: .*Build the model for the whole set of tasks at once/,
      );
    } finally {
      await model.dispose();
      await context.engine.dispose();
    }
  });
});
