/**
 * Task factories: a task in the plugin shape `{ id, version, meta, defaults, create }`, made by `taskFactory`
 * and accepted by discovery in a plugin's `tasks` export next to plain tasks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTaskPlugins, loadPluginSources, pluginSources, type TaskPluginDiscovery } from '../src/discovery.js';
import {
  angleOption,
  createRng,
  defineTask,
  resolveTaskOptions,
  type Task,
  type TaskFactoryOptions,
  taskFactory,
} from '../src/index.js';
import { createFixtureDir, type FixtureDir, fixtureTaskSource, pluginManifest } from './support/fixture-project.js';

interface CueOptions extends TaskFactoryOptions<'cue' | 'go'> {
  readonly direction?: number;
}
const CUE_DEFAULTS = { id: 'lab/cue', direction: 0, timing: { cue: 200, go: 300 } };
const createCue = (options: CueOptions = {}): Task => {
  const direction = angleOption('direction', options.direction ?? 0);
  return defineTask({
    id: options.id ?? 'lab/cue',
    version: '1.1.0',
    meta: { displayName: 'Cue', description: 'Look where the cue was.', tags: ['test'] },
    periods: ['cue', 'go'],
    timing: { defaults: CUE_DEFAULTS.timing, given: options.timing },
    conditions: { sample: () => direction, grid: () => [direction], parse: () => direction },
    trial(trial, angle) {
      trial.timing();
      trial.show({ ring: 1, during: 'cue', angle });
      trial.respond('go', angle);
    },
  });
};

describe('taskFactory', () => {
  const factory = taskFactory(createCue, CUE_DEFAULTS);

  it('has the plugin shape, read from the task it creates with its defaults', () => {
    expect(factory).toMatchObject({ id: 'lab/cue', version: '1.1.0', defaults: CUE_DEFAULTS });
    expect(factory.meta.displayName).toBe('Cue');
    expect(Object.isFrozen(factory) && Object.isFrozen(factory.defaults)).toBe(true);
  });

  it('creates tasks with options over the defaults, validated by the task', () => {
    const task = factory.create({ direction: 1, timing: { go: 500 } });
    const batch = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', noise: false }));
    expect([batch.goCue[0], batch.steps, batch.targetAngle[batch.steps - 1]]).toEqual([10, 35, 1]);
    expect(factory.create().id).toBe('lab/cue');
    expect(() => factory.create({ direction: Number.NaN })).toThrow('Invalid option direction: NaN.');
  });
});

describe('task factories in a plugin', () => {
  let project: FixtureDir;
  let discovery: TaskPluginDiscovery;
  const factorySource = (id: string, create: string) =>
    `{ id: ${JSON.stringify(id)}, meta: { displayName: 'F', description: 'A factory.' }, defaults: { gain: 1 }, create: ${create} }`;

  beforeAll(async () => {
    project = createFixtureDir();
    project.write(
      'package.json',
      JSON.stringify({
        name: 'host',
        dependencies: { 'molap-task-factories': '1.0.0', 'molap-task-bad-factory': '1.0.0' },
      }),
    );
    project.install('molap-task-factories', {
      manifest: pluginManifest('1.3.0'),
      files: {
        'dist/tasks.js': `export const tasks = [
          ${fixtureTaskSource('lab/plain')},
          ${factorySource('lab/made', `(options) => (${fixtureTaskSource('lab/made')})`)},
        ];`,
      },
    });
    project.install('molap-task-bad-factory', {
      manifest: pluginManifest('1.0.0'),
      files: {
        'dist/tasks.js': `export const tasks = [
          ${factorySource('lab/throws', "() => { throw new Error('no defaults'); }")},
          ${factorySource('lab/renamed', `() => (${fixtureTaskSource('lab/other')})`)},
        ];`,
      },
    });
    discovery = await discoverTaskPlugins({ projectRoot: project.root });
  });
  afterAll(() => project.remove());

  it('loads plain tasks and the tasks of factories, created with their defaults', () => {
    expect(discovery.loaded.map((plugin) => plugin.package)).toEqual(['molap-task-factories']);
    const [plugin] = discovery.loaded;
    expect(plugin.tasks.map((task) => [task.id, task.version])).toEqual([
      ['lab/plain', '1.3.0'],
      ['lab/made', '1.3.0'],
    ]);
    expect(typeof plugin.tasks[1].generate).toBe('function');
  });

  it('rejects a factory whose create throws or makes a task with another id, naming the factory', () => {
    const problems = discovery.errors.filter((error) => error.source === 'molap-task-bad-factory@1.0.0');
    expect(problems.map((error) => [error.code, error.problem])).toEqual([
      ['invalid-plugin', "the task factory tasks[0] ('lab/throws') is invalid: create(defaults) threw: no defaults"],
      [
        'invalid-plugin',
        `the task factory tasks[1] ('lab/renamed') is invalid: create(defaults) must return a task with the factory's id 'lab/renamed', got "lab/other"`,
      ],
    ]);
  });

  it('loads the same tasks again in a worker (loadPluginSources)', async () => {
    const again = await loadPluginSources(pluginSources(discovery));
    expect(again.loaded[0].tasks.map((task) => task.id)).toEqual(['lab/plain', 'lab/made']);
  });
});
