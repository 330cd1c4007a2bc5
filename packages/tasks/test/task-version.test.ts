/**
 * A task's version (`Task.version`, semver): given by the task, or its plugin package's at discovery; kept
 * through registration and worker reloads; shown where a task is described. Paper and link are optional.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTasks } from '../src/catalog.js';
import { defineTask } from '../src/define-task.js';
import {
  discoverTaskPlugins,
  loadPluginSources,
  pluginSources,
  registerDiscovered,
  type TaskPluginDiscovery,
  withPackageVersion,
} from '../src/discovery.js';
import { describeTask } from '../src/inspect.js';
import { resolveTaskOptions } from '../src/options.js';
import { createTaskRegistry } from '../src/registry.js';
import { createRng } from '../src/rng.js';
import { createFixtureDir, type FixtureDir, fixtureTaskSource, pluginManifest } from './support/fixture-project.js';
import { toyTask } from './support/toy-task.js';

let project: FixtureDir;
let discovery: TaskPluginDiscovery;

beforeAll(async () => {
  project = createFixtureDir();
  project.write('package.json', JSON.stringify({ name: 'host', dependencies: { 'molap-task-versioned': '^1.4.0' } }));
  project.install('molap-task-versioned', {
    // apiVersion 1: the first manifest format keeps loading.
    manifest: pluginManifest('1.4.0'),
    files: {
      'dist/tasks.js': `export const tasks = [
        ${fixtureTaskSource('versioned/own', { version: '2.1.0' })},
        ${fixtureTaskSource('versioned/inherits', { noPaper: true })},
      ];`,
    },
  });
  discovery = await discoverTaskPlugins({ projectRoot: project.root });
});
afterAll(() => project.remove());

const versions = (tasks: readonly { id: string; version?: string }[]) => tasks.map((task) => [task.id, task.version]);

describe('task versions at discovery', () => {
  it("gives a task without a version its package's, and keeps a task's own", () => {
    expect(discovery.errors).toEqual([]);
    expect(versions(discovery.loaded[0].tasks)).toEqual([
      ['versioned/own', '2.1.0'],
      ['versioned/inherits', '1.4.0'],
    ]);
  });

  it('keeps the versions through registration (guarded tasks) and a worker reload', async () => {
    const registry = createTaskRegistry();
    expect(registerDiscovered(registry, discovery)).toEqual([]);
    expect(versions(registry.list())).toEqual([
      ['versioned/own', '2.1.0'],
      ['versioned/inherits', '1.4.0'],
    ]);
    const reloaded = await loadPluginSources(JSON.parse(JSON.stringify(pluginSources(discovery))));
    expect(versions(reloaded.loaded[0].tasks)).toEqual([
      ['versioned/own', '2.1.0'],
      ['versioned/inherits', '1.4.0'],
    ]);
  });

  it('a versioned copy generates what the task generates (its methods keep their `this`)', () => {
    const inherits = discovery.loaded[0].tasks[1];
    const options = resolveTaskOptions(inherits, { batchSize: 3 });
    expect(inherits.generate(createRng(5), options).inputs).toEqual(
      withPackageVersion(inherits, '9.9.9').generate(createRng(5), options).inputs,
    );
  });

  it('leaves a task alone when it has a version or the package version is not semver', () => {
    const own = { ...toyTask('lab/own'), version: '3.0.0' };
    expect(withPackageVersion(own, '1.0.0')).toBe(own);
    const bare = toyTask('lab/bare');
    expect(withPackageVersion(bare, 'latest')).toBe(bare);
    const copy = withPackageVersion(bare, '0.2.0');
    expect(copy).not.toBe(bare);
    expect(copy.version).toBe('0.2.0');
    expect(Object.isFrozen(copy)).toBe(true);
    expect(bare.version).toBeUndefined();
  });
});

describe('where a task is described', () => {
  it('lists and describes the version, and the paper and link only when given', () => {
    const registry = createTaskRegistry();
    registerDiscovered(registry, discovery);
    const [own, inherits] = listTasks(registry);
    expect(own).toMatchObject({ id: 'versioned/own', version: '2.1.0', source: 'molap-task-versioned@1.4.0' });
    // '' (how tasks said "none" while paper and link were required) counts as not given.
    expect(own).not.toHaveProperty('paper');
    expect(inherits).toMatchObject({ id: 'versioned/inherits', version: '1.4.0' });
    expect(inherits).not.toHaveProperty('link');
    const described = describeTask(registry.get('versioned/inherits'), { seed: 1, trials: 2 });
    expect(described.version).toBe('1.4.0');
    expect(described).not.toHaveProperty('paper');
    const unversioned = describeTask(
      { ...toyTask('lab/toy'), meta: { ...toyTask().meta, paper: 'A paper', link: 'https://example.org' } },
      { seed: 1, trials: 2 },
    );
    expect(unversioned).not.toHaveProperty('version');
    expect(unversioned).toMatchObject({ paper: 'A paper', link: 'https://example.org' });
  });

  it('defineTask keeps the version it is given, and none when it is not', () => {
    const define = (version?: string) =>
      defineTask({
        id: 'lab/defined',
        ...(version === undefined ? {} : { version }),
        meta: { displayName: 'Defined', description: 'A defined task without a paper.', tags: [] },
        periods: ['fixation', 'go'],
        conditions: { sample: () => ({}), grid: () => [{}], parse: () => ({}) },
        trial(trial) {
          trial.timing({ fixation: 100, go: 100 });
          trial.respond('go', 0);
        },
      });
    const versioned = define('1.1.0');
    expect(versioned.version).toBe('1.1.0');
    expect(createTaskRegistry().register(versioned).get('lab/defined')).toBe(versioned);
    expect(define()).not.toHaveProperty('version');
  });
});
