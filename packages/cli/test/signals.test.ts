import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch, startMolap } from './support.js';
import { tinyConfig } from './tiny-config.js';

/**
 * SIGTERM (what Slurm, docker stop and timeouts send) is handled like Ctrl-C: an interruptible command stops at
 * a checkpoint, releases the run folder's lock, prints the resume command quoted for the shell and exits 143;
 * the resumed run ends with the results of an uninterrupted one.
 */
let scratch: Scratch;
const OUT = "it's my runs";
beforeAll(() => {
  scratch = createScratch('molap-cli-signals-');
  scratch.write(
    'molap.config.json',
    tinyConfig({ run: { budget: { preset: 'quick', steps: 48, batchSize: 8, evalEvery: 4, evalTrials: 16 } } }),
  );
});
afterAll(() => scratch.remove());

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const timeless = (dir: string) => ({ ...readJson(join(dir, 'results.json')), timings: null });

/** Starts molap, waits until stderr contains `marker`, sends `signal`, returns what it printed. */
async function stopAt(args: readonly string[], marker: string, signal: NodeJS.Signals) {
  const { child, output, exited } = startMolap(args, { cwd: scratch.root });
  const deadline = Date.now() + 30_000;
  while (!output.stderr.includes(marker) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resume) => setTimeout(resume, 10));
  }
  expect(output.stderr, 'the marker appeared before the end').toContain(marker);
  child.kill(signal);
  return exited;
}

/** The words a POSIX shell makes of `command` (to check the quoting of a printed command). */
const shellWords = (command: string) =>
  execFileSync('sh', ['-c', `set -- ${command}; for word; do printf '%s\\0' "$word"; done`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);

describe.concurrent('SIGTERM', () => {
  it('stops molap run at a checkpoint, releases the lock and prints a resume command quoted for the shell', async () => {
    const reference = await molap(['run', '--json', '--out', 'reference'], { cwd: scratch.root });
    expect(reference.code, reference.stderr).toBe(0);
    const stopped = await stopAt(['run', '--out', OUT], 'multitask: learn the corpus', 'SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.stderr).toContain('molap: stopping at the next checkpoint (SIGTERM again to stop at once)');
    const printed = stopped.stderr.match(/Continue with:\n {2}(.+)\n$/)?.[1];
    expect(printed).toMatch(/^molap run --resume 'it'\\''s my runs\/\d{8}-\d{6}-quick'$/);
    const words = shellWords(printed!);
    expect(words.slice(0, 3)).toEqual(['molap', 'run', '--resume']);
    const runDir = join(scratch.root, words[3]);
    expect(existsSync(join(runDir, 'run.lock')), 'lock released').toBe(false);
    expect(existsSync(join(runDir, 'results.json'))).toBe(false);
    const resumed = await molap(words.slice(1), { cwd: scratch.root });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(timeless(runDir)).toEqual(timeless(JSON.parse(reference.stdout).runDir));
  }, 120_000);

  it('stops molap pretrain at a checkpoint; the same command resumes', async () => {
    const stopped = await stopAt(['pretrain', '--json', '--out', 'bank'], '"type":"loss"', 'SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.stderr).toContain(
      'molap: interrupted; run the same command again to resume from the checkpoints in bank',
    );
    expect(readdirSync(join(scratch.root, 'bank'))).toEqual(['pretraining-checkpoints']);
    const resumed = await molap(['pretrain', '--json', '--out', 'bank'], { cwd: scratch.root });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(join(scratch.root, 'bank', 'bank.json'))).toBe(true);
  }, 120_000);

  it('ends a command without checkpoints at once with exit 143 and one line', async () => {
    const stopped = await stopAt(
      ['compare', '--json', '--steps', '100000', '--tasks', 'fdgo'],
      '"type":"curve"',
      'SIGTERM',
    );
    expect(stopped.code).toBe(143);
    expect(stopped.stderr.trimEnd().split('\n').at(-1)).toBe('molap: terminated');
    expect(stopped.stdout).toBe('');
  }, 60_000);
});

describe('shell quoting of printed commands', () => {
  it.each([
    ['molap-runs/20251126-142501-quick', 'molap-runs/20251126-142501-quick'],
    ['my runs/x', "'my runs/x'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
  ])('%s → %s', async (path, quoted) => {
    const { shellQuote } = await import('../src/output.js');
    expect(shellQuote(path)).toBe(quoted);
    expect(shellWords(shellQuote(path))).toEqual([path]);
  });
});
