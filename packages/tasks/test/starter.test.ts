/** The task plugin starter: names checked before anything is written, the files of a new plugin, the folder rule. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { hasMolapCode } from '../src/errors.js';
import { defaultTaskId, writeTaskPlugin } from '../src/starter.js';
import { taskPluginFiles } from '../src/starter-files.js';
import { PACKAGE_VERSION } from '../src/version.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-starter-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('defaultTaskId', () => {
  it('drops the molap-task- prefix and scopes the id by the npm scope', () => {
    expect(defaultTaskId('@my-lab/molap-task-memory-saccade')).toBe('my-lab/memory-saccade');
    expect(defaultTaskId('molap-task-timing')).toBe('timing');
    expect(defaultTaskId('reach')).toBe('reach');
    expect(defaultTaskId('molap-task-')).toBe('molap-task-');
  });
});

describe('writeTaskPlugin', () => {
  it('writes the plugin package: manifest apiVersion 2, the task, its test, configs and README', async () => {
    const written = await writeTaskPlugin({ name: '@my-lab/molap-task-memory-saccade', dir: 'a', cwd: root });
    expect(written).toMatchObject({
      dir: join(root, 'a'),
      packageName: '@my-lab/molap-task-memory-saccade',
      taskId: 'my-lab/memory-saccade',
      displayName: 'Memory saccade',
    });
    const files = (await readdir(join(root, 'a'), { recursive: true })).filter((file) => file.includes('.'));
    expect(files.sort()).toEqual([...written.files]);
    const manifest = JSON.parse(await readFile(join(root, 'a/package.json'), 'utf8'));
    expect(manifest.molap).toEqual({ apiVersion: 2, tasks: './dist/tasks.js' });
    expect(manifest.peerDependencies).toEqual({ '@molap/tasks': `^${PACKAGE_VERSION}` });
    expect(manifest.exports['.'].import.default).toBe('./dist/tasks.js');
    const source = await readFile(join(root, 'a/src/tasks.ts'), 'utf8');
    expect(source).toContain("id: 'my-lab/memory-saccade',");
    expect(source).toContain('export const tasks = [task];');
    expect(await readFile(join(root, 'a/test/tasks.test.ts'), 'utf8')).toContain('checkTaskConformance(task');
    const readme = await readFile(join(root, 'a/README.md'), 'utf8');
    for (const section of ['What is this?', 'When to use it', 'Install', 'Use', 'API', 'Compatibility']) {
      expect(readme).toContain(`\n## ${section}\n`);
    }
  });

  it('writes into an empty folder, and the same files as taskPluginFiles', async () => {
    await mkdir(join(root, 'empty'));
    const written = await writeTaskPlugin({
      name: 'molap-task-timing',
      dir: join(root, 'empty'),
      taskId: 'lab/timing',
    });
    const expected = taskPluginFiles(written);
    for (const [file, text] of Object.entries(expected)) {
      expect(await readFile(join(root, 'empty', file), 'utf8'), file).toBe(text);
    }
  });

  it.each([
    [{ name: 'My-Task' }, 'name', /It has capital letters/],
    [{ name: '' }, 'name', /It is empty/],
    [{ name: 'a'.repeat(215) }, 'name', /It has 215 characters/],
    [{ name: '_private' }, 'name', /starts with \. or _/],
    [{ name: 'http' }, 'name', /It is reserved/],
    [{ name: 'node_modules' }, 'name', /It is reserved/],
    [{ name: 'molap-task-go', taskId: 'fdgo' }, 'taskId', /It is the id of a built-in Yang et al\. 2019 task/],
    [{ name: 'molap-task-dm1' }, 'taskId', /Made from the package name, it is the id of a built-in/],
    [{ name: 'x', taskId: 'Lab/Task' }, 'taskId', /It is not a task id/],
  ])('refuses %j (option %s) before writing anything', async (options, option, message) => {
    const before = await readdir(root);
    const error = await writeTaskPlugin({ dir: 'never', cwd: root, ...options }).catch((thrown) => thrown);
    expect(hasMolapCode(error, 'invalid-option')).toBe(true);
    expect(error.kind).toBe('bad-input');
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
    expect(await readdir(root)).toEqual(before);
  });

  it('refuses a folder that is not empty, or a file, and leaves it as it was', async () => {
    await writeFile(join(root, 'file.txt'), 'mine');
    await expect(writeTaskPlugin({ name: 'molap-task-x', dir: 'a', cwd: root })).rejects.toThrow(
      /Invalid option dir: .*The folder is not empty \(it holds \.gitignore, README\.md, package\.json, …\); nothing was written\. Pass a new folder with --dir/,
    );
    await expect(writeTaskPlugin({ name: 'molap-task-x', dir: 'file.txt', cwd: root })).rejects.toThrow(/It is a file/);
    expect(await readFile(join(root, 'file.txt'), 'utf8')).toBe('mine');
  });

  it('pins the version of @molap/tasks that plugins peer on', () => {
    expect(packageJson.version).toBe(PACKAGE_VERSION);
  });
});
