#!/usr/bin/env node
// Runs a benchmark suite: `npm run bench -- <suite> [options]`. Each suite is a plain ESM script,
// packages/<package>/benchmarks/<suite>.bench.mjs (or apps/<app>/benchmarks/…), that imports the package's
// build; the packages are built first (nx skips what is up to date).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
      "Usage: npm run bench -- <suite> [--json] (--help: the suite's options)\n",
  );
  process.exit(2);
}
if (rest.includes('--help') || rest.includes('-h')) {
  // The suite's usage is its leading comment block: print it instead of running (a benchmark takes minutes).
  const lines = readFileSync(suites.get(suite), 'utf8').split('\n');
  const usage = [];
  for (const line of lines.slice(lines[0].startsWith('#!') ? 1 : 0)) {
    if (!line.startsWith('//')) break;
    usage.push(line.replace(/^\/\/ ?/, ''));
  }
  process.stdout.write(`${usage.join('\n') || `no usage written at the top of ${suites.get(suite)}`}\n`);
  process.exit(0);
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
