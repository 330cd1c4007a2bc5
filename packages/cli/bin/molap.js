#!/usr/bin/env node
// The `molap` binary: a committed launcher for the built CLI (dist/cli.js). It exists before any build,
// so npm links it into node_modules/.bin at install time, also in a fresh clone of the monorepo.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write('molap: the CLI is not built yet (dist/cli.js is missing). Run `npm run build` first.\n');
  process.exit(1);
}
await import(built.href);
