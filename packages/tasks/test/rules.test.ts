import { describe, expect, it } from 'vitest';
import {
  composeRules,
  corpusTaskOptions,
  defineTask,
  InvalidOptionError,
  resolveTaskOptions,
  type Task,
  taskRule,
  YANG19_RULES,
  YANG19_TASKS,
} from '../src/index.js';

const plugin = (id: string, rule?: string): Task =>
  defineTask({
    id,
    ...(rule ? { rule } : {}),
    meta: { displayName: id, description: 'test task', paper: 'none', link: 'https://example.org', tags: [] },
    periods: ['fixation', 'go'] as const,
    conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
    trial(trial) {
      trial.timing({ fixation: 200, go: 300 });
      trial.fixateUntil('go');
      trial.respond('go', 1);
    },
  });

describe('rule inputs composed per corpus', () => {
  const b = plugin('lab-b/task');
  const a = plugin('lab-a/task');

  it('keeps the reference block of the Yang tasks, whatever subset a corpus holds', () => {
    expect(composeRules([YANG19_TASKS.dm1, YANG19_TASKS.fdgo])).toEqual([...YANG19_RULES]);
    const options = { dt: 20 };
    expect(corpusTaskOptions([YANG19_TASKS.dm1, YANG19_TASKS.fdgo], options)).toBe(options);
  });

  it('puts other rules after the Yang block in code-point order, independent of the listing order', () => {
    const expected = [...YANG19_RULES, 'lab-a/task', 'lab-b/task'];
    expect(composeRules([b, YANG19_TASKS.fdgo, a])).toEqual(expected);
    expect(composeRules([a, b, YANG19_TASKS.fdgo])).toEqual(expected);
    expect(composeRules([b, a])).toEqual(['lab-a/task', 'lab-b/task']);
    expect(corpusTaskOptions([b, YANG19_TASKS.fdgo, a], { dt: 10 })).toEqual({ dt: 10, rules: expected });
    expect(corpusTaskOptions([b, a], { rules: ['x', 'lab-a/task', 'lab-b/task'] }).rules).toEqual([
      'x',
      'lab-a/task',
      'lab-b/task',
    ]);
  });

  it('gives the tasks of a corpus one layout with their own units', () => {
    const rules = composeRules([YANG19_TASKS.fdgo, a, b]);
    const sizes = [YANG19_TASKS.fdgo, a, b].map((task) => task.layout(resolveTaskOptions(task, { rules })).inputSize);
    expect(sizes).toEqual([87, 87, 87]);
  });

  it('uses a declared rule identity: variants share a unit', () => {
    const variant = plugin('lab-a/task-slow', 'lab-a/task');
    expect(taskRule(variant)).toBe('lab-a/task');
    expect(composeRules([a, variant])).toEqual(['lab-a/task']);
    expect(resolveTaskOptions(variant).rules).toEqual(['lab-a/task']);
  });

  it('alone, a plugin task gets its own rule; a block without its unit is refused with what to do', () => {
    expect(resolveTaskOptions(a).rules).toEqual(['lab-a/task']);
    expect(resolveTaskOptions(YANG19_TASKS.fdgo).rules).toEqual([...YANG19_RULES]);
    expect(() => resolveTaskOptions(a, { rules: [...YANG19_RULES] })).toThrow(InvalidOptionError);
    expect(() => resolveTaskOptions(a, { rules: [...YANG19_RULES] })).toThrow(
      /has no unit for task 'lab-a\/task'.*Build the model or bank on a set of tasks that includes 'lab-a\/task', or leave the rules option unset/,
    );
  });
});
