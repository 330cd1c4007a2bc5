/** Conformance at discovery, misspelt manifest keys, and "did you mean" for misspelt package names. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTaskPlugins, type TaskPluginDiscovery } from '../src/discovery.js';
import { createFixtureDir, type FixtureDir, fixtureTaskSource, pluginManifest } from './support/fixture-project.js';

/** A task whose batches are broken by `edit` (a JS statement run on `batch` after generating). */
const brokenTask = (id: string, edit: string) =>
  `(() => { const task = ${fixtureTaskSource(id)}; const generate = task.generate; ` +
  `return { ...task, generate(rng, options) { const batch = generate.call(task, rng, options); ${edit}; return batch; } }; })()`;

let project: FixtureDir;
let discovery: TaskPluginDiscovery;

beforeAll(async () => {
  project = createFixtureDir();
  project.write(
    'package.json',
    JSON.stringify({
      name: 'host',
      dependencies: { 'molap-task-mixed': '1.0.0', 'molap-task-typo': '1.0.0', 'molap-task-extra-key': '1.0.0' },
    }),
  );
  project.install('molap-task-mixed', {
    manifest: pluginManifest('1.2.0'),
    files: {
      'dist/tasks.js': `export const tasks = [
        ${fixtureTaskSource('lab/good')},
        ${brokenTask('lab/short-targets', 'batch.targets = batch.targets.subarray(1)')},
        ${brokenTask('lab/nan', 'batch.inputs[0] = NaN')},
        ${brokenTask('lab/negative-mask', 'batch.mask[1] = -1')},
      ];`,
    },
  });
  project.install('molap-task-typo', {
    manifest: { version: '1.0.0', type: 'module', molap: { apiVersion: 1, task: './dist/tasks.js' } },
    files: { 'dist/tasks.js': `export const tasks = [${fixtureTaskSource('lab/typo')}];` },
  });
  project.install('molap-task-extra-key', {
    manifest: { ...pluginManifest('1.0.0'), molap: { apiVersion: 1, tasks: './dist/tasks.js', strategy: './x.js' } },
    files: { 'dist/tasks.js': `export const tasks = [${fixtureTaskSource('lab/extra')}];` },
  });
  discovery = await discoverTaskPlugins({ projectRoot: project.root });
});
afterAll(() => project.remove());

describe('conformance at discovery', () => {
  it('rejects each non-conforming task with its id, the plugin and the first problem; the rest loads', () => {
    const mixed = discovery.loaded.find((plugin) => plugin.package === 'molap-task-mixed');
    expect(mixed?.tasks.map((task) => task.id)).toEqual(['lab/good']);
    const rejected = discovery.errors.filter((error) => error.source === 'molap-task-mixed@1.2.0');
    expect(rejected.map((error) => [error.code, error.taskId])).toEqual([
      ['nonconforming-task', 'lab/short-targets'],
      ['nonconforming-task', 'lab/nan'],
      ['nonconforming-task', 'lab/negative-mask'],
    ]);
    expect(rejected[0].problem).toMatch(
      /^task 'lab\/short-targets' fails the conformance check: random mode: targets must be a Float32Array of 8 elements/,
    );
    expect(rejected[1].problem).toMatch(/inputs\[t=0, b=0, c=0\] is NaN/);
    expect(rejected[2].problem).toMatch(/mask\[t=0, b=1, c=0\] = -1, expected a finite weight >= 0/);
    expect(rejected[0].message).toContain('source: molap-task-mixed@1.2.0');
  });

  it('can be switched off', async () => {
    const unchecked = await discoverTaskPlugins({ projectRoot: project.root, conformance: false });
    expect(unchecked.loaded.find((plugin) => plugin.package === 'molap-task-mixed')?.tasks).toHaveLength(4);
  });
});

describe('manifest keys', () => {
  it('warns about a misspelt key with the key it probably meant', () => {
    expect(discovery.skipped).toContainEqual({
      package: 'molap-task-typo',
      reason: 'its "molap" field declares no tasks',
    });
    const warnings = discovery.warnings.map((warning) => [warning.code, warning.source, warning.problem]);
    expect(warnings).toEqual([
      [
        'manifest-key',
        'molap-task-typo@1.0.0',
        'unknown key "task" in the "molap" field of package.json (did you mean "tasks"?)',
      ],
      ['manifest-key', 'molap-task-extra-key@1.0.0', 'unknown key "strategy" in the "molap" field of package.json'],
    ]);
  });

  it('suggests an installed package for a misspelt explicit name', async () => {
    const explicit = await discoverTaskPlugins({ projectRoot: project.root, packages: ['molap-task-mixd'] });
    expect(explicit.errors[0].hint).toBe(
      'did you mean "molap-task-mixed"? (it is installed); otherwise run npm install molap-task-mixd in the project',
    );
  });
});
