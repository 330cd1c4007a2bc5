/**
 * `molap new task`: the real binary writes a plugin package into a scratch folder; the package builds with its
 * own tsup config, its own test (the conformance check) passes, and a project that installs it (a link, as
 * `npm install <folder>` makes) finds it: `tasks list`, `tasks doctor --strict`, `tasks plot` and a short
 * `learn` next to a Yang task. Bad names, ids and folders are refused before anything is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, repoRoot, type Scratch, TINY_COMPARE_BUDGET } from './support.js';

const NAME = '@my-lab/molap-task-memory-saccade';
const TASK = 'my-lab/memory-saccade';
const SOURCE = `${NAME}@0.1.0`;

let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-new-');
});
afterAll(() => scratch.remove());

/** `node_modules/<name>` of `from` → `target` (what npm install makes for a linked or workspace package). */
function link(from: string, name: string, target: string): void {
  const path = join(from, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

const node = (script: string, args: string[], cwd: string) =>
  execFileSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('molap new task', () => {
  it('writes a plugin that builds, passes its own test and is found, checked, plotted and learned', async () => {
    const made = await molap(['new', 'task', NAME, '--json'], { cwd: scratch.root });
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const written = JSON.parse(made.stdout);
    const plugin = join(scratch.root, 'molap-task-memory-saccade');
    expect(written).toMatchObject({ dir: plugin, packageName: NAME, taskId: TASK, displayName: 'Memory saccade' });
    expect(written.files).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/tasks.ts',
      'test/tasks.test.ts',
      'tsconfig.json',
      'tsup.config.ts',
    ]);
    const manifest = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
    expect(manifest.molap).toEqual({ apiVersion: 2, tasks: './dist/tasks.js' });
    expect(readFileSync(join(plugin, 'README.md'), 'utf8')).toMatch(/## What is this\?[\s\S]*## Compatibility/);

    // `npm install` in the plugin, from this repository: @molap/tasks and the build and test tools it pins
    link(plugin, '@molap/tasks', join(repoRoot, 'packages/tasks'));
    for (const tool of ['tsup', 'typescript', 'vitest']) link(plugin, tool, join(repoRoot, 'node_modules', tool));
    node(join(repoRoot, 'node_modules/tsup/dist/cli-default.js'), ['--silent'], plugin);
    expect(readdirSync(join(plugin, 'dist')).sort()).toEqual(
      expect.arrayContaining(['tasks.cjs', 'tasks.d.cts', 'tasks.d.ts', 'tasks.js']),
    );
    node(join(repoRoot, 'node_modules/typescript/bin/tsc'), ['--noEmit', '-p', '.'], plugin); // strict, with its test
    const tested = node(join(repoRoot, 'node_modules/vitest/vitest.mjs'), ['run', '--reporter=dot'], plugin);
    expect(stripVTControlCharacters(tested)).toMatch(/Tests\s+5 passed \(5\)/);

    // what npm would publish: the built module, the manifest and the README, no sources or tests
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: plugin,
        env: cleanEnv,
        encoding: 'utf8',
      }),
    );
    const shipped = packed.files.map((file: { path: string }) => file.path).sort();
    expect(shipped).toEqual(expect.arrayContaining(['README.md', 'dist/tasks.cjs', 'dist/tasks.js', 'package.json']));
    expect(
      shipped.filter((file: string) => !file.startsWith('dist/') && !/^(README\.md|package\.json)$/.test(file)),
    ).toEqual([]);

    const host = join(scratch.root, 'lab');
    scratch.write('lab/package.json', { name: 'lab', private: true, dependencies: { [NAME]: 'file:../plugin' } });
    link(host, NAME, plugin);

    const list = await molap(['tasks', 'list', '--json', '--strict'], { cwd: host });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const rows: { id: string; source: string }[] = JSON.parse(list.stdout);
    expect(rows.filter((row) => row.source === SOURCE).map((row) => row.id)).toEqual([TASK]);

    const doctor = await molap(['tasks', 'doctor', '--strict'], { cwd: host });
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain(SOURCE);

    const plot = await molap(['tasks', 'plot', TASK, '--mode', 'test', '--out', 'trial.svg'], { cwd: host });
    expect(plot.code, plot.stderr).toBe(0);
    expect(readFileSync(join(host, 'trial.svg'), 'utf8')).toMatch(/^<\?xml[^>]*>\s*<svg/);

    const learn = await molap(
      ['learn', '--model', 'multitask', '--tasks', `fdgo,${TASK}`, '--steps', '4', '--batch-size', '8'].concat(
        ['--eval-every', '2', '--eval-trials', '16', '--hidden-size', '16', '--engine', 'native', '--threads', '1'],
        ['--out', 'model', '--json', '--quiet'],
      ),
      { cwd: host },
    );
    expect(learn.code, learn.stderr).toBe(0);
    const { records } = JSON.parse(learn.stdout);
    expect(records.map((record: { taskId: string }) => record.taskId)).toEqual(['fdgo', TASK]);
    expect(existsSync(join(host, 'model', 'strategy.json'))).toBe(true);

    // a tiny compare of the new task with a Yang task (the "doctor --strict and a tiny compare")
    const compared = await molap(
      [
        'compare',
        '--tasks',
        `fdgo,${TASK}`,
        '--strategies',
        'multitask,independent',
        ...TINY_COMPARE_BUDGET,
        '--json',
        '--quiet',
      ],
      { cwd: host },
    );
    expect(compared.code, compared.stderr).toBe(0);
    const table = JSON.parse(compared.stdout);
    expect(table.rows.map((row: { strategy: string; taskId: string }) => [row.strategy, row.taskId])).toEqual([
      ['multitask', 'fdgo'],
      ['multitask', TASK],
      ['independent', 'fdgo'],
      ['independent', TASK],
    ]);
  }, 180_000);

  it.each([
    [['My-Task'], /^molap: Invalid option name: "My-Task"\. It has capital letters: .*molap-task-memory-saccade/],
    [['molap task'], /Invalid option name: "molap task"\. It has characters npm does not allow/],
    [['fs'], /Invalid option name: "fs"\. It is reserved/],
    [['molap-task-fdgo'], /Invalid option taskId: "fdgo"\. Made from the package name, it is the id of a built-in/],
    [['molap-task-x', '--id', 'Lab/X'], /Invalid option taskId: "Lab\/X"\. It is not a task id: ids are lower-kebab/],
    [['molap-task-a.b'], /Invalid option taskId: "a\.b"\. Made from the package name, it is not a task id.*--id/],
  ])('refuses %j before writing anything (exit 2)', async (args, message) => {
    const before = readdirSync(scratch.root).sort();
    const result = await molap(['new', 'task', ...args], { cwd: scratch.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(scratch.root).sort()).toEqual(before);
  });

  it('refuses a folder that is not empty, and leaves it as it was', async () => {
    scratch.write('taken/notes.txt', 'mine');
    const result = await molap(['new', 'task', 'molap-task-timing', '--dir', 'taken'], { cwd: scratch.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Invalid option dir: ".*taken"\. The folder is not empty \(it holds notes\.txt\)/);
    expect(result.stderr).toContain('Pass a new folder with --dir');
    expect(readdirSync(join(scratch.root, 'taken'))).toEqual(['notes.txt']);
    expect(readFileSync(join(scratch.root, 'taken/notes.txt'), 'utf8')).toBe('mine');
  });
});
