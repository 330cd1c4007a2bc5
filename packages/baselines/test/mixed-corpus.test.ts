/**
 * Plugin tasks next to the Yang tasks: `compare` composes one rule block for the tasks it compares, so no
 * rule list is typed by hand; a model built on one rule block refuses tasks it cannot represent.
 */
import { loadSavedModel } from '@molap/core';
import { corpusTaskOptions, createTaskRegistry, defineTask, type Task, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { createBaselineRegistry } from '../src/builtins.js';
import { compare } from '../src/compare.js';
import { multitask } from '../src/multitask.js';
import { createTestContext, TINY_BUDGET, withTemporaryDir } from './helpers.js';

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
      const refused = model.learn(['lab-a/reach'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 });
      await expect(refused).rejects.toThrow(
        /tasks lab-a\/reach need 66 inputs, 33 outputs and a rule block of 1 rule: lab-a\/reach, but this network has 85, 33 and 20 rules: [\s\S]*hint: build the model for the whole set of tasks at once/,
      );
      await expect(refused).rejects.toMatchObject({ code: 'incompatible', kind: 'bad-input' });
    } finally {
      await model.dispose();
      await context.engine.dispose();
    }
  });

  it('two plugin tasks whose own blocks have the same size do not share a rule unit: refused, saying what to do', async () => {
    const context = { ...(await createTestContext()), tasks: registry() };
    const model = await multitask.create(context, { hiddenSize: 8 });
    try {
      // Alone, each task's block is its own rule: 66 inputs for both, the rule unit meaning another task.
      await expect(
        model.learn(['lab-a/reach', 'lab-b/reach'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 }),
      ).rejects.toThrow(
        /tasks 'lab-a\/reach' and 'lab-b\/reach' cannot share a network: inputs 66 vs 66.*their rule blocks differ \(1 rule: lab-a\/reach vs 1 rule: lab-b\/reach\)[\s\S]*corpusTaskOptions/,
      );
      await model.learn(['lab-a/reach'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 });
      await expect(model.learn(['lab-b/reach'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 })).rejects.toThrow(
        /a rule block of 1 rule: lab-b\/reach, but this network has 66, 33 and 1 rule: lab-a\/reach/,
      );
    } finally {
      await model.dispose();
      await context.engine.dispose();
    }
  });

  it('a saved model refuses to load under task options that give its rule units to other tasks', async () => {
    const base = await createTestContext();
    const tasks = registry();
    const composed = {
      ...base,
      tasks,
      taskOptions: corpusTaskOptions([tasks.get('lab-a/reach'), tasks.get('lab-b/reach')]),
    };
    const model = await multitask.create(composed, { hiddenSize: 8 });
    try {
      await withTemporaryDir(async (dir) => {
        await model.learn(['lab-a/reach', 'lab-b/reach'], { ...TINY_BUDGET, steps: 1 }, { seed: 1 });
        await model.save(dir);
        const reloaded = await loadSavedModel(dir, composed, createBaselineRegistry());
        expect(reloaded.learnedTasks()).toEqual(['lab-a/reach', 'lab-b/reach']);
        await reloaded.dispose();
        // The same two rules in the other order: the same sizes, every rule unit meaning the other task.
        const swapped = { ...composed, taskOptions: { rules: ['lab-b/reach', 'lab-a/reach'] } };
        const error = await loadSavedModel(dir, swapped, createBaselineRegistry()).catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: 'incompatible',
          problem: expect.stringMatching(
            /the multitask model in .* was trained with a rule block of 2 rules: lab-a\/reach, lab-b\/reach, but the task options given now make it 2 rules: lab-b\/reach, lab-a\/reach/,
          ),
        });
      });
    } finally {
      await model.dispose();
      await base.engine.dispose();
    }
  });
});
