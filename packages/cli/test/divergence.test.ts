import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch } from './support.js';
import { tinyConfig } from './tiny-config.js';

/**
 * Divergence is a failure: a pre-training whose modules fit below the documented floor (R² −10), or a
 * learning whose loss or weights become non-finite, ends with exit 1, names the stage and the option to
 * change, and writes no results, bank or model as if it had succeeded.
 */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-diverge-');
  scratch.write('bank-lr.json', tinyConfig({ bank: { learningRate: 100, steps: 30 }, run: { models: ['molap'] } }));
  scratch.write('net-lr.json', tinyConfig({ network: { learningRate: 1e9 }, run: { models: ['multitask'] } }));
});
afterAll(() => scratch.remove());

const at = (...parts: string[]) => join(scratch.root, ...parts);
const onlyFolder = (parent: string) => {
  const entries = readdirSync(at(parent));
  expect(entries).toHaveLength(1);
  return at(parent, entries[0]);
};

describe.concurrent('divergence ends the work with exit 1', () => {
  it('molap run: modules below the fit floor stop the run before any result', async () => {
    const result = await molap(['run', '--config', 'bank-lr.json', '--out', 'bank-lr'], { cwd: scratch.root });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /molap: module pre-training diverged \(seed 1\): \d of 4 modules fit their held-out latent below the floor R² -10 \(module \d R² -/,
    );
    expect(result.stderr).toContain('hint: lower the pre-training learning rate (run.bank.learningRate, now 100)');
    expect(result.stderr).toContain('then start a new run');
    expect(result.stderr).not.toContain('--resume');
    const runDir = onlyFolder('bank-lr');
    expect(readdirSync(runDir).sort()).toEqual(['run.json', 'state']);
    expect(existsSync(join(runDir, 'state', 'jobs', 'bank', 'seed-1', 'output.json'))).toBe(false);
    expect(existsSync(join(runDir, 'run.lock')), 'lock released').toBe(false);
  }, 60_000);

  it('molap run: a non-finite loss names the model, the stage and its learning-rate option', async () => {
    const result = await molap(['run', '--config', 'net-lr.json', '--out', 'net-lr'], { cwd: scratch.root });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /^molap: multitask: learning the corpus \(seed 1\) diverged: training diverged at step \d+: /m,
    );
    expect(result.stderr).toContain(
      'hint: lower the learning rate of multitask (run.network.learningRate, now 1000000000)',
    );
    expect(result.stderr).not.toContain('--resume');
    const runDir = onlyFolder('net-lr');
    expect(existsSync(join(runDir, 'results.json'))).toBe(false);
    expect(existsSync(join(runDir, 'report.html'))).toBe(false);
  }, 60_000);

  it('molap pretrain: saves no bank from a diverged pre-training and says to restart', async () => {
    const result = await molap(['pretrain', '--config', 'bank-lr.json', '--out', 'bank'], { cwd: scratch.root });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('module pre-training diverged (seed 1)');
    expect(result.stderr).toContain('run.bank.learningRate, now 100');
    expect(result.stderr).toContain('then run the command again with --restart');
    expect(existsSync(at('bank', 'bank.json'))).toBe(false);
  }, 60_000);

  it('molap learn: saves no model from a diverged learning', async () => {
    const result = await molap(['learn', '--config', 'net-lr.json', '--model', 'multitask', '--out', 'model'], {
      cwd: scratch.root,
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('multitask: learning the corpus (seed 1) diverged');
    expect(result.stderr).toContain('run.network.learningRate');
    expect(existsSync(at('model', 'strategy.json'))).toBe(false);
  }, 60_000);
});
