import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch, startMolap } from './support.js';
import { TINY_CONFIG, tinyConfig } from './tiny-config.js';

/**
 * Checkpoints that know what they continue: pretrain and learn into a folder whose checkpoints were made
 * with other values refuse with the differences listed (or start over with --restart); a run resumed on
 * another engine is refused unless --engine says so; a damaged newest checkpoint falls back to the previous
 * good one with a warning, and the run ends with the results of an uninterrupted one.
 */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-checkpoints-');
  scratch.write(
    'molap.config.json',
    tinyConfig({ bank: { steps: 400, checkpointEvery: 20 }, run: { models: ['molap'] } }),
  );
  const { engine: _engine, ...backend } = TINY_CONFIG.backend;
  scratch.write('default-engine.json', { ...tinyConfig({ run: { models: ['multitask'] } }), backend });
  scratch.write(
    'lr.json',
    tinyConfig({ bank: { steps: 400, checkpointEvery: 20, learningRate: 0.01 }, run: { models: ['molap'] } }),
  );
});
afterAll(() => scratch.remove());

const at = (...parts: string[]) => join(scratch.root, ...parts);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const timeless = (dir: string) => ({ ...readJson(join(dir, 'results.json')), timings: null });

/** Starts molap and stops it with SIGTERM once stderr contains `marker`. */
async function stopAt(args: readonly string[], marker: string) {
  const { child, output, exited } = startMolap(args, { cwd: scratch.root });
  const deadline = Date.now() + 60_000;
  while (!output.stderr.includes(marker) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resume) => setTimeout(resume, 10));
  }
  expect(output.stderr).toContain(marker);
  child.kill('SIGTERM');
  return exited;
}

describe.concurrent('checkpoints know what they continue', () => {
  it('molap pretrain refuses to continue checkpoints of another seed or learning rate; --restart starts over', async () => {
    const stopped = await stopAt(['pretrain', '--json', '--out', 'bank'], '"type":"loss"');
    expect(stopped.code, stopped.stderr).toBe(143);
    const other = await molap(['pretrain', '--out', 'bank', '--seed', '5'], { cwd: scratch.root });
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr.split('\n')[0]).toMatch(
      /^molap: bank[/\\]pretraining-checkpoints holds checkpoints made with other values, which this call would continue: seed 1 → 5$/,
    );
    expect(other.stderr).toContain('hint: add --restart to drop them and start over');
    const lr = await molap(['pretrain', '--out', 'bank', '--config', 'lr.json'], { cwd: scratch.root });
    expect(lr.code, lr.stderr).toBe(2);
    expect(lr.stderr).toContain('bank.training.learningRate unset → 0.01');
    const restarted = await molap(['pretrain', '--out', 'bank', '--seed', '5', '--restart', '--json'], {
      cwd: scratch.root,
    });
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(JSON.parse(restarted.stdout).seed).toBe(5);
  }, 180_000);

  it('molap learn refuses to continue checkpoints of other steps', async () => {
    const args = ['learn', '--config', 'default-engine.json', '--model', 'multitask', '--out', 'model', '--json'];
    const stopped = await stopAt([...args, '--steps', '100000'], '"type":"curve"');
    expect(stopped.code, stopped.stderr).toBe(143);
    const other = await molap([...args, '--steps', '8'], { cwd: scratch.root });
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toContain('budget.steps 100000 → 8');
    const restarted = await molap([...args, '--steps', '8', '--restart'], { cwd: scratch.root });
    expect(restarted.code, restarted.stderr).toBe(0);
  }, 180_000);

  it('molap run --resume refuses another engine unless --engine says so', async () => {
    const started = await molap(['run', '--config', 'default-engine.json', '--out', 'engines', '--json'], {
      cwd: scratch.root,
    });
    expect(started.code, started.stderr).toBe(0);
    const runDir = JSON.parse(started.stdout).runDir;
    expect(readJson(join(runDir, 'run.json')).engine).toBe('native');
    const env = { MOLAP_ENGINE: 'tfjs' };
    const other = await molap(['run', '--resume', runDir, '--dry-run'], { cwd: scratch.root, env });
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toMatch(
      /was started on the native engine; this session would continue it on tfjs-\w+ \(MOLAP_ENGINE=tfjs\), whose numbers differ/,
    );
    expect(other.stderr).toContain('--engine tfjs');
    const explicit = await molap(['run', '--resume', runDir, '--dry-run', '--engine', 'tfjs'], {
      cwd: scratch.root,
      env,
    });
    expect(explicit.code, explicit.stderr).toBe(0);
  }, 180_000);
});

describe('a damaged newest checkpoint', () => {
  it('falls back to the previous good one with a warning and ends with the same results', async () => {
    const reference = await molap(['run', '--json', '--out', 'reference'], { cwd: scratch.root });
    expect(reference.code, reference.stderr).toBe(0);
    const stopped = await stopAt(['run', '--json', '--out', 'damaged'], '"type":"loss"');
    expect(stopped.code, stopped.stderr).toBe(143);
    const runDir = at('damaged', readdirSync(at('damaged'))[0]);
    const modules = join(runDir, 'state', 'jobs', 'bank', 'seed-1', 'checkpoints');
    let damaged = 0;
    for (const module of readdirSync(modules).filter((name) => name.startsWith('module-'))) {
      const dir = join(modules, module);
      const steps = readdirSync(dir).filter((name) => name.startsWith('step-'));
      if (steps.length < 2) continue;
      writeFileSync(join(dir, readJson(join(dir, 'latest.json')).folder, 'weights.bin'), 'truncated');
      damaged++;
    }
    expect(damaged, 'a module had two checkpoints to choose from').toBeGreaterThan(0);
    const resumed = await molap(['run', '--resume', runDir, '--json'], { cwd: scratch.root });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('MolapCheckpointWarning: the newest checkpoint');
    expect(resumed.stderr).toContain('resuming from the previous good one');
    expect(timeless(runDir)).toEqual(timeless(JSON.parse(reference.stdout).runDir));
  }, 240_000);
});
