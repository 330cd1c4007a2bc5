import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Checks the conventions every package of the monorepo follows (docs/architecture.md). */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const packageDirs = readdirSync(join(root, 'packages')).filter((name) =>
  existsSync(join(root, 'packages', name, 'package.json')),
);
const manifests = new Map(
  packageDirs.map((dir) => [dir, readJson(join(root, 'packages', dir, 'package.json'))] as const),
);
const README_SECTIONS = ['What is this?', 'When to use it', 'Install', 'Use', 'API', 'Compatibility'];

function internalDeps(manifest: Record<string, Record<string, string> | undefined>): string[] {
  return Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
    .filter((name) => name.startsWith('@molap/'))
    .map((name) => name.slice('@molap/'.length));
}

describe('workspace layout', () => {
  it('has the packages of the architecture', () => {
    expect([...packageDirs].sort()).toEqual(
      [
        'analysis',
        'backend',
        'baselines',
        'cli',
        'composer',
        'core',
        'distributed',
        'primitives',
        'study',
        'tasks',
      ].sort(),
    );
  });

  it('pins every root tool to an exact version', () => {
    const rootManifest = readJson(join(root, 'package.json'));
    for (const [name, range] of Object.entries(rootManifest.devDependencies as Record<string, string>)) {
      if (name.startsWith('@molap/')) continue; // a workspace package, linked (for its `molap` bin)
      expect(range, `${name} must be pinned exactly`).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('links the molap binary at the root through a committed launcher', () => {
    const rootManifest = readJson(join(root, 'package.json'));
    expect(rootManifest.devDependencies['@molap/cli']).toBe(`^${manifests.get('cli').version}`);
    const launcher = manifests.get('cli').bin.molap;
    expect(existsSync(join(root, 'packages/cli', launcher)), 'the launcher exists before any build').toBe(true);
  });

  it('lists every package in the solution tsconfig', () => {
    const solution = readJson(join(root, 'tsconfig.json'));
    const referenced = solution.references.map((ref: { path: string }) => ref.path.replace('packages/', ''));
    expect([...referenced].sort()).toEqual([...packageDirs].sort());
  });
});

/**
 * The import graph of docs/architecture.md: the @molap packages each package may depend on. A new edge is a
 * design change: make it here and in the architecture's graph and table together.
 */
const ALLOWED_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  tasks: [],
  backend: [],
  core: ['backend', 'tasks'],
  primitives: ['backend', 'core', 'tasks'],
  composer: ['backend', 'core', 'primitives', 'tasks'],
  baselines: ['backend', 'core', 'tasks'],
  analysis: ['backend', 'core', 'tasks'],
  study: ['analysis', 'backend', 'baselines', 'composer', 'core', 'primitives', 'tasks'],
  distributed: ['backend', 'core', 'study', 'tasks'],
  cli: ['analysis', 'backend', 'baselines', 'composer', 'core', 'distributed', 'primitives', 'study', 'tasks'],
};

/** The @molap packages a folder's TypeScript sources import (static `from '…'` and dynamic `import('…')`). */
function importedPackages(dir: string): Set<string> {
  const found = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.generated.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/(?:from\s*|import\()\s*'@molap\/([a-z-]+)/g)) {
          found.add(match[1]);
        }
      }
    }
  };
  walk(dir);
  return found;
}

describe('the import graph', () => {
  it.each(packageDirs)('%s depends only on the packages the architecture allows, and imports only those', (dir) => {
    const allowed = ALLOWED_DEPENDENCIES[dir];
    expect(allowed, `add ${dir} to ALLOWED_DEPENDENCIES and docs/architecture.md`).toBeDefined();
    const declared = internalDeps(manifests.get(dir));
    expect(
      declared.filter((name) => !allowed.includes(name)),
      'dependencies outside the graph',
    ).toEqual([]);
    const imported = [...importedPackages(join(root, 'packages', dir, 'src'))].filter((name) => name !== dir);
    expect(
      imported.filter((name) => !declared.includes(name)),
      'imports of undeclared packages',
    ).toEqual([]);
  });
});

describe.each(packageDirs)('package %s', (dir) => {
  const manifest = manifests.get(dir);
  const packageRoot = join(root, 'packages', dir);

  it('is named @molap/<folder> with a source export condition first', () => {
    expect(manifest.name).toBe(`@molap/${dir}`);
    const dot = manifest.exports['.'];
    expect(Object.keys(dot)[0]).toBe('@molap/source');
    expect(existsSync(join(packageRoot, dot['@molap/source']))).toBe(true);
    expect(manifest.engines.node).toBe('>=20.19');
  });

  it('has the shared files', () => {
    for (const file of [
      'tsconfig.json',
      'tsup.config.ts',
      'vitest.config.ts',
      'README.md',
      'src/index.ts',
      'test/exports.test.ts',
    ]) {
      expect(existsSync(join(packageRoot, file)), file).toBe(true);
    }
  });

  it('has a README with the shared sections in order', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1].trim());
    expect(headings.slice(0, README_SECTIONS.length)).toEqual(README_SECTIONS);
  });

  it('references in tsconfig exactly the internal packages it depends on', () => {
    const tsconfig = readJson(join(packageRoot, 'tsconfig.json'));
    const referenced = (tsconfig.references ?? []).map((ref: { path: string }) => ref.path.replace('../', ''));
    expect([...referenced].sort()).toEqual(internalDeps(manifest).sort());
  });

  it('depends on internal packages with a real semver range (npm has no workspace: protocol)', () => {
    for (const dep of internalDeps(manifest)) {
      const range = manifest.dependencies?.[`@molap/${dep}`] ?? manifest.peerDependencies?.[`@molap/${dep}`];
      expect(range).toBe(`^${manifests.get(dep).version}`);
    }
  });

  it('pins every @tensorflow package to one exact version', () => {
    const all = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies };
    const versions = Object.entries(all as Record<string, string>)
      .filter(([name]) => name.startsWith('@tensorflow/'))
      .map(([, version]) => version);
    expect(new Set(versions).size).toBeLessThanOrEqual(1);
    for (const version of versions) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('dependency graph', () => {
  it('has no cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (dir: string, path: string[]) => {
      if (state.get(dir) === 'done') return;
      if (state.get(dir) === 'visiting') throw new Error(`cycle: ${[...path, dir].join(' -> ')}`);
      state.set(dir, 'visiting');
      for (const dep of internalDeps(manifests.get(dir))) visit(dep, [...path, dir]);
      state.set(dir, 'done');
    };
    for (const dir of packageDirs) expect(() => visit(dir, [])).not.toThrow();
  });

  it('keeps tfjs out of every package but the backend', () => {
    for (const [dir, manifest] of manifests) {
      if (dir === 'backend') continue;
      const names = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      expect(
        names.filter((name) => name.startsWith('@tensorflow/')),
        dir,
      ).toEqual([]);
    }
  });
});

describe('benchmark suites', () => {
  const suites = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group)).flatMap((name) => {
      const dir = join(root, group, name, 'benchmarks');
      return existsSync(dir)
        ? readdirSync(dir)
            .filter((file) => file.endsWith('.bench.mjs'))
            .map((file) => file.slice(0, -'.bench.mjs'.length))
        : [];
    }),
  );

  it.each(suites)('%s prints its usage with --help instead of running', (suite) => {
    const result = spawnSync(process.execPath, [join(root, 'tools/bench.mjs'), suite, '--help'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`npm run bench -- ${suite}`);
  });
});
