import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageRoot, '../..');
export const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));

/** Flags of a compare that only checks the plumbing: 2 steps of 4 trials per task, 8 evaluation trials at the end. */
export const TINY_COMPARE_BUDGET: readonly string[] = [
  '--budget',
  'quick',
  '--steps',
  '2',
  '--batch-size',
  '4',
  '--eval-trials',
  '8',
  '--eval-every',
  '0',
];
const binary = join(packageRoot, manifest.bin.molap);

/** The environment without npm's per-run variables, so a parent `npm test` does not steer the child. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `molap` binary (built by `npm test` before vitest starts) in a child process. */
/** Where and how the binary runs: its folder and extra environment variables (e.g. `NODE_OPTIONS`). */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export function molap(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [binary, ...args],
      { cwd: options.cwd ?? packageRoot, env: { ...cleanEnv, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Starts the built binary without waiting for it: stdout and stderr are collected as text. */
export function startMolap(args: readonly string[], options: RunOptions = {}) {
  const child: ChildProcess = spawn(process.execPath, [binary, ...args], {
    cwd: options.cwd ?? packageRoot,
    env: { ...cleanEnv, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const exited = new Promise<Result>((done) =>
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), ...output })),
  );
  return { child, output, exited };
}

/** A throwaway folder on the real file system. */
export interface Scratch {
  readonly root: string;
  /** Writes `content` (a string, or JSON for anything else) at `relative`, creating folders. */
  write(relative: string, content: unknown): string;
  remove(): void;
}

export function createScratch(prefix = 'molap-cli-'): Scratch {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    write(relative, content) {
      const file = join(root, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
      return file;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The example plugin of the repository (built by `npm test`). */
export const examplePlugin = join(repoRoot, 'examples/molap-task-neurogym-classics');

/** Installs the example plugin into `scratch` as `node_modules/molap-task-neurogym-classics` (a symlink, as npm links a local package). */
export function linkExamplePlugin(scratch: Scratch, folder = '.'): void {
  const target = join(scratch.root, folder, 'node_modules', 'molap-task-neurogym-classics');
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(examplePlugin, target, 'dir');
}

/** Links the repository's example package `examples/<name>` into the scratch project's node_modules. */
export function linkExamplePackage(scratch: Scratch, name: string): void {
  const target = join(scratch.root, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(repoRoot, 'examples', name), target, 'dir');
}

/**
 * Installs packages into `scratch` as users get them: `npm pack` of each folder (built first where it ships
 * `dist`), then `npm install --offline` of the tarballs with an empty cache (a dependency fetched from a
 * registry would fail) and without their peer dependencies; then links every @molap package of the
 * repository into the project's node_modules, as the peers a user installs next to them.
 * @returns the names of the installed packages, in order.
 */
export function installPackedPackages(scratch: Scratch, folders: readonly string[]): string[] {
  const packs = join(scratch.root, '.packs');
  mkdirSync(packs, { recursive: true });
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', args, { cwd, env: cleanEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const installed = folders.map((folder) => {
    const [info] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packs], folder));
    return { name: info.name as string, tarball: join(packs, info.filename) };
  });
  scratch.write('package.json', {
    name: 'lab',
    private: true,
    dependencies: Object.fromEntries(installed.map(({ name, tarball }) => [name, `file:${tarball}`])),
  });
  npm(
    ['install', '--offline', '--cache', join(packs, 'empty-cache'), '--legacy-peer-deps', '--ignore-scripts'].concat([
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
    ]),
    scratch.root,
  );
  const molapPackages = join(repoRoot, 'packages');
  mkdirSync(join(scratch.root, 'node_modules', '@molap'), { recursive: true });
  for (const folder of readdirSync(molapPackages)) {
    const name = JSON.parse(readFileSync(join(molapPackages, folder, 'package.json'), 'utf8')).name as string;
    if (name.startsWith('@molap/'))
      symlinkSync(join(molapPackages, folder), join(scratch.root, 'node_modules', name), 'dir');
  }
  return installed.map(({ name }) => name);
}
