/** The tasks of a project as data: the catalog, its listing and report, a task's description and batch. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_TASKS_SOURCE,
  createTaskRegistry,
  describeCatalog,
  describeTask,
  listTasks,
  openTaskCatalog,
  taskBatch,
  trialLengthStats,
  YANG19_TASKS,
  yang19,
} from '../src/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(`${tmpdir()}/molap-catalog-`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('openTaskCatalog', () => {
  it('without a package.json: the built-in tasks and a note, no discovery', async () => {
    const catalog = await openTaskCatalog({ projectRoot: root, hasPackageJson: false });
    expect(catalog.registry.list()).toHaveLength(yang19.length);
    expect(catalog.discovery).toBeUndefined();
    expect(catalog.note).toMatch(/no package.json in .*: only the built-in tasks are available/);
    const report = describeCatalog(catalog);
    expect(report).toEqual({ builtinTasks: yang19.length, loaded: [], skipped: [], problems: [], note: catalog.note });
  });

  it('a listed package that is not installed is a problem with its source, not a throw', async () => {
    const catalog = await openTaskCatalog({ projectRoot: root, hasPackageJson: false, plugins: ['molap-task-absent'] });
    expect(catalog.discovery).toBeDefined();
    expect(catalog.problems.length).toBeGreaterThan(0);
    const [problem] = describeCatalog(catalog).problems;
    expect(problem?.problem).toMatch(/molap-task-absent/);
  });
});

describe('listTasks', () => {
  it('lists every task with its source, or those with a tag', () => {
    const registry = createTaskRegistry({ tasks: yang19, source: BUILTIN_TASKS_SOURCE });
    const all = listTasks(registry);
    expect(all.map((task) => task.id)).toEqual(yang19.map((task) => task.id));
    expect(all[0]).toMatchObject({ source: '@molap/tasks', name: yang19[0].meta.displayName });
    const delay = listTasks(registry, { tag: 'delay' });
    expect(delay.length).toBeGreaterThan(0);
    expect(delay.length).toBeLessThan(all.length);
    expect(delay.every((task) => task.tags.includes('delay'))).toBe(true);
  });
});

describe('describeTask', () => {
  it('gives the resolved options, the layout and the trial lengths of both modes', () => {
    const task = YANG19_TASKS.fdgo;
    const description = describeTask(task, { taskOptions: { dt: 40 }, seed: 3, trials: 50, source: 'x' });
    expect(description).toMatchObject({ id: 'fdgo', source: 'x', rule: 'fdgo', score: { criterion: null } });
    expect(description.options.dt).toBe(40);
    expect('conditions' in description.options).toBe(false);
    expect(description.inputs.at(-1)!.start + description.inputs.at(-1)!.size).toBe(
      task.layout(description.options).inputSize,
    );
    expect(description.trialLength.random).toEqual({
      seed: 3,
      ...trialLengthStats(task, { dt: 40, mode: 'random' }, { trials: 50, seed: 3 }),
    });
    expect(description.trialLength.random.trials).toBe(50);
  });
});

describe('taskBatch', () => {
  it('is the same batch for the same task, options, mode and seed', () => {
    const task = YANG19_TASKS.dm1;
    const a = taskBatch(task, { taskOptions: { batchSize: 4 }, mode: 'random', seed: 7 });
    const b = taskBatch(task, { taskOptions: { batchSize: 4 }, mode: 'random', seed: 7 });
    const c = taskBatch(task, { taskOptions: { batchSize: 4 }, mode: 'random', seed: 8 });
    expect(a.batchSize).toBe(4);
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(b.inputs.buffer))).toBe(true);
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(c.inputs.buffer))).toBe(false);
  });
});
