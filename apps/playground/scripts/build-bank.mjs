#!/usr/bin/env node
/**
 * Builds the module bank shipped with the page: `molap pretrain` (the real CLI, @molap/cli) with a small,
 * fixed shape and seed, into a temporary folder; then copies the bank's three files into `public/bank/`
 * (bank.json, modules/model.json, modules/weights.bin; git-ignored), where Vite copies them into the built
 * page, and records the command in `public/bank/build.json`. The page's Train live panel fetches them.
 *
 * Deterministic: the same command gives the same modules (the same weights.bin; bank.json differs only in the
 * seconds of its training log). When `public/bank/build.json` already records the same command and CLI
 * version, nothing is rebuilt.
 * Usage: node scripts/build-bank.mjs [--force]
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shipped bank: the quick pre-training preset (300 steps per module) on the corpus of `molap run`
 * (nine Yang tasks; delayanti and dmcgo held out), 4 modules of 16 units, seed 1, one worker: a few seconds.
 */
export const SHIPPED_BANK_COMMAND = Object.freeze([
  'pretrain',
  '--preset',
  'quick',
  '--modules',
  '4',
  '--module-size',
  '16',
  '--seed',
  '1',
  '--workers',
  '1',
  '--threads',
  '1',
  '--engine',
  'native',
  '--quiet',
]);

const here = dirname(fileURLToPath(import.meta.url));
/** Where the bank goes: Vite copies `public/` into the built page. */
export const SHIPPED_BANK_DIR = join(here, '..', 'public', 'bank');

/** The bank folder's files, as the page fetches them. */
const FILES = ['bank.json', join('modules', 'model.json'), join('modules', 'weights.bin')];

async function cliVersionAndBin() {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@molap/cli/package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8'));
  return { version, bin: join(dirname(manifest), 'bin', 'molap.js') };
}

/** Builds the bank unless the recorded build is the same; returns what happened. */
export async function buildShippedBank({ force = false } = {}) {
  const { version, bin } = await cliVersionAndBin();
  const record = { command: SHIPPED_BANK_COMMAND, cliVersion: version };
  const recordPath = join(SHIPPED_BANK_DIR, 'build.json');
  if (!force) {
    const previous = await readFile(recordPath, 'utf8').then(JSON.parse, () => undefined);
    if (JSON.stringify(previous) === JSON.stringify({ ...record, files: previous?.files })) return 'up to date';
  }
  const scratch = await mkdtemp(join(tmpdir(), 'molap-playground-bank-'));
  try {
    const out = join(scratch, 'bank');
    const started = Date.now();
    const result = spawnSync(process.execPath, [bin, ...SHIPPED_BANK_COMMAND, '--out', out], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (result.status !== 0) {
      throw new Error(
        `molap ${SHIPPED_BANK_COMMAND.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
      );
    }
    await rm(SHIPPED_BANK_DIR, { recursive: true, force: true });
    await mkdir(join(SHIPPED_BANK_DIR, 'modules'), { recursive: true });
    for (const file of FILES) await copyFile(join(out, file), join(SHIPPED_BANK_DIR, file));
    await writeFile(
      recordPath,
      `${JSON.stringify({ ...record, files: FILES.map((f) => f.split('\\').join('/')) }, null, 2)}\n`,
    );
    return `built in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outcome = await buildShippedBank({ force: process.argv.includes('--force') });
  process.stdout.write(`playground module bank (public/bank): ${outcome}\n`);
}
