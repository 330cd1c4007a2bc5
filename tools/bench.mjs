#!/usr/bin/env node
// Runs a benchmark suite: `npm run bench -- <suite> [options]`. Each suite is a plain ESM script,
// packages/<package>/benchmarks/<suite>.bench.mjs (or apps/<app>/benchmarks/…), that imports the package's
// build; the packages are built first (nx skips what is up to date).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = new Map();
for (const pkg of ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(group, name)),
)) {
  const dir = join(root, pkg, 'benchmarks');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir)) {
    const match = /^(.+)\.bench\.mjs$/.exec(file);
    if (match) suites.set(match[1], join(dir, file));
  }
}

const [suite, ...rest] = process.argv.slice(2);
if (!suite || !suites.has(suite)) {
  const known = [...suites.keys()].sort().join(', ') || '(none yet)';
  process.stderr.write(
    `${suite ? `unknown benchmark suite "${suite}"` : 'no benchmark suite given'}. Known suites: ${known}.\n` +
      'Usage: npm run bench -- <suite> [--json]\n',
  );
  process.exit(2);
}
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0) {
  process.stderr.write('the build failed: run `npm run build` to see why.\n');
  process.exit(1);
}
const result = spawnSync(process.execPath, [suites.get(suite), ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
