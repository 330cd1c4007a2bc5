import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A package to lay out under `node_modules`: its package.json and any other files (path → content). */
export interface FixturePackage {
  readonly manifest: Record<string, unknown>;
  readonly files?: Readonly<Record<string, string>>;
}

/** A throwaway folder on the real file system; `remove()` deletes it. */
export interface FixtureDir {
  readonly root: string;
  /** Writes `content` at `relative` (creating folders). */
  write(relative: string, content: string): void;
  /** Installs a package at `<folder>/node_modules/<name>` (folder relative to root, default root). */
  install(name: string, pkg: FixturePackage, folder?: string): void;
  remove(): void;
}

export function createFixtureDir(prefix = 'molap-tasks-'): FixtureDir {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const write = (relative: string, content: string) => {
    const file = join(root, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  return {
    root,
    write,
    install(name, pkg, folder = '.') {
      const base = join(folder, 'node_modules', name);
      write(join(base, 'package.json'), JSON.stringify({ name, ...pkg.manifest }, null, 2));
      for (const [file, content] of Object.entries(pkg.files ?? {})) write(join(base, file), content);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Fields of a fixture task that differ between tests (`fixtureTaskSource`). */
export interface FixtureTaskFields {
  /** `Task.version`; left out when undefined. */
  readonly version?: string;
  /**
   * Leave `meta.paper` and `meta.link` out (they are optional); by default both are '' (how tasks written
   * when they were required said "none").
   */
  readonly noPaper?: boolean;
}

/**
 * Source of a plain-JavaScript task (ESM or CJS body) with the given id: a complete `Task` value that
 * builds a one-trial batch, written without importing @molap/tasks so fixtures need no build.
 */
export function fixtureTaskSource(id: string, fields: FixtureTaskFields = {}): string {
  const paper = fields.noPaper ? '' : `paper: '', link: '', `;
  return `({
  id: ${JSON.stringify(id)},
  apiVersion: 1,${fields.version === undefined ? '' : `\n  version: ${JSON.stringify(fields.version)},`}
  meta: { displayName: ${JSON.stringify(id)}, description: 'Fixture task.', ${paper}tags: ['fixture'] },
  periods: ['fix1', 'go1'],
  layout: (options) => ({
    inputs: [{ name: 'fixation', role: 'fixation', start: 0, size: 1 }],
    outputs: [{ name: 'fixation', role: 'fixation', start: 0, size: 1 }],
    inputSize: 1,
    outputSize: 1,
  }),
  generate(rng, options) {
    const layout = this.layout(options);
    const B = options.mode === 'random' ? options.batchSize : options.mode === 'psychometric' ? options.conditions.length : 1;
    const inputs = new Float32Array(2 * B).fill(1, 0, B);
    if (options.noise) rng.addNormal(inputs, 0.01, 0, inputs.length);
    const fill = (value) => Int32Array.from({ length: B }, () => value);
    return {
      taskId: ${JSON.stringify(id)}, steps: 2, batchSize: B, inputSize: 1, outputSize: 1, dt: options.dt,
      inputs, targets: new Float32Array(2 * B).fill(0.8), mask: new Float32Array(2 * B).fill(1),
      targetAngle: new Float32Array(2 * B).fill(-1), trialSteps: fill(2), goCue: fill(1),
      epochs: { fix1: { start: fill(0), end: fill(1) }, go1: { start: fill(1), end: fill(2) } },
      layout,
    };
  },
})`;
}

/** package.json fields of a task plugin. */
export const pluginManifest = (version = '1.0.0', tasks = './dist/tasks.js', apiVersion: unknown = 1) => ({
  version,
  type: 'module',
  keywords: ['molap-task'],
  molap: { apiVersion, tasks },
});

/** An ESM plugin exporting tasks with these ids. */
export const esmPlugin = (ids: readonly string[], version = '1.0.0'): FixturePackage => ({
  manifest: pluginManifest(version),
  files: { 'dist/tasks.js': `export const tasks = [${ids.map((id) => fixtureTaskSource(id)).join(',\n')}];\n` },
});
