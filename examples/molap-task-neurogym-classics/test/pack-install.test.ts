import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The plugin as users get it: `npm pack` of the built plugin and of the built @molap/tasks, installed from
 * the two tarballs into a fresh project in the temp folder with `npm install --offline` and an empty npm
 * cache (so any runtime dependency fetched from a registry would fail the install), then plain Node in
 * that project discovers the plugin and generates batches, from ESM and from CommonJS.
 */
const pluginRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tasksRoot = resolve(pluginRoot, '../../packages/tasks');
const scratch = mkdtempSync(join(tmpdir(), 'molap-pack-'));
const project = join(scratch, 'host');

/** The environment without npm's per-run variables (a parent `npm test` must not steer the child npm). */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, env: cleanEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function pack(packageRoot: string): string {
  const built = join(packageRoot, 'dist');
  if (!existsSync(built))
    throw new Error(`${built} is missing: build first (npm run build, or npm test, which builds)`);
  const [info] = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], packageRoot),
  );
  return join(scratch, info.filename);
}

let tarballs: { tasks: string; plugin: string };

beforeAll(() => {
  tarballs = { tasks: pack(tasksRoot), plugin: pack(pluginRoot) };
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'host',
      private: true,
      type: 'module',
      dependencies: {
        '@molap/tasks': `file:${tarballs.tasks}`,
        'molap-task-neurogym-classics': `file:${tarballs.plugin}`,
      },
    }),
  );
  run(
    'npm',
    ['install', '--offline', '--cache', join(scratch, 'empty-cache'), '--no-audit', '--no-fund', '--ignore-scripts'],
    project,
  );
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const script = (body: string) => `
const { checkTaskConformance, composeRules, createRng, createTaskRegistry, discoverTaskPlugins, registerDiscovered, resolveTaskOptions, yang19 } = tasksModule;
const discovery = await discoverTaskPlugins({ projectRoot: process.cwd() });
const registry = createTaskRegistry();
const registerErrors = registerDiscovered(registry, discovery);
const shapes = registry.list().map((task) => {
  const batch = task.generate(createRng(7), resolveTaskOptions(task, { batchSize: 4 }));
  return [task.id, registry.source(task.id), batch.steps > 0, batch.batchSize, batch.inputSize, batch.outputSize];
});
const rules = composeRules([...yang19, ...registry.list()]);
const mixed = [...yang19.slice(0, 2), ...registry.list()].map((task) => task.generate(createRng(1), resolveTaskOptions(task, { batchSize: 2, rules })).inputSize);
const conformance = registry.list().flatMap((task) => checkTaskConformance(task, { options: { batchSize: 4 } }));
${body}
console.log(JSON.stringify({
  loaded: discovery.loaded.map((p) => [p.package, p.version, p.tasks.length]),
  skipped: discovery.skipped,
  errors: [...discovery.errors, ...registerErrors].map((e) => e.message),
  shapes,
  mixed,
  conformance,
}));
`;

describe('the packed plugin installed in a fresh project', () => {
  it('installs without a registry: @molap/tasks and the plugin have no runtime dependencies', () => {
    const installed = (name: string) =>
      JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'));
    expect(installed('@molap/tasks').dependencies ?? {}).toEqual({});
    expect(installed('molap-task-neurogym-classics').dependencies ?? {}).toEqual({});
    expect(installed('molap-task-neurogym-classics').peerDependencies).toEqual({ '@molap/tasks': '^0.1.0' });
    expect(
      readdirSync(join(project, 'node_modules'))
        .filter((name) => !name.startsWith('.'))
        .sort(),
    ).toEqual(['@molap', 'molap-task-neurogym-classics']);
  });

  it('ships only the built files', () => {
    const files = (name: string) => readdirSync(join(project, 'node_modules', name)).sort();
    expect(files('molap-task-neurogym-classics')).toEqual(['README.md', 'dist', 'package.json']);
    expect(readdirSync(join(project, 'node_modules/molap-task-neurogym-classics/dist'))).toContain('tasks.js');
  });

  it.each([
    ['ESM', 'check.mjs', "const tasksModule = await import('@molap/tasks');"],
    ['CommonJS', 'check.cjs', "const tasksModule = require('@molap/tasks');"],
  ])('discovers the plugin and generates batches with plain Node (%s host)', (_kind, file, load) => {
    const body = file.endsWith('.cjs') ? `(async () => {\n${load}\n${script('')}\n})();` : `${load}\n${script('')}`;
    writeFileSync(join(project, file), body);
    const result = JSON.parse(run(process.execPath, [file], project));
    expect(result.errors).toEqual([]);
    expect(result.skipped).toEqual([
      { package: '@molap/tasks', reason: 'has no "molap" field in its package.json (not a task plugin)' },
    ]);
    expect(result.loaded).toEqual([['molap-task-neurogym-classics', '0.1.0', 4]]);
    const source = 'molap-task-neurogym-classics@0.1.0';
    expect(result.shapes).toEqual([
      ['neurogym/perceptual-decision-making', source, true, 4, 66, 33],
      ['neurogym/go-no-go', source, true, 4, 66, 33],
      ['neurogym/ready-set-go', source, true, 4, 66, 33],
      ['neurogym/delay-comparison', source, true, 4, 66, 33],
    ]);
    expect(result.mixed).toEqual(Array(6).fill(89));
    expect(result.conformance).toEqual([]);
  });
});
