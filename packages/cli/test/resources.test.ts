import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch } from './support.js';
import { tinyConfig } from './tiny-config.js';

/**
 * A resource plan before any work: values that cannot fit in the machine's memory (or --max-memory) are
 * refused with exit 2, the stage, the allocation and the option named, before a run folder exists; threads
 * beyond the cores are capped with a note; engine variables are checked up front. Every child runs with a
 * 256 MB heap, so a regression that starts allocating fails the test instead of the machine.
 */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-resources-');
  scratch.write('molap.config.json', tinyConfig({}));
  scratch.write('fine-dt.json', { ...tinyConfig({}), tasks: { options: { dt: 0.001, tau: 0.001 } } });
});
afterAll(() => scratch.remove());

const LIMITED = { NODE_OPTIONS: '--max-old-space-size=256' };
const run = (args: readonly string[], env: Record<string, string> = {}) =>
  molap(args, { cwd: scratch.root, env: { ...LIMITED, ...env } });
const firstLine = (text: string) => text.split('\n', 1)[0];

describe.concurrent('refused before any work (exit 2, no run folder)', () => {
  it.each([
    [
      ['--batch-size', '100000000'],
      /^molap: learning would need about [\d.]+ TB, more than this machine's memory \([\d.]+ [GT]B\): batch arrays \[T=\d+, B=100000000, \d+ channels\]/,
      'lower run.budget.batchSize (--batch-size, now 100000000)',
    ],
    [
      ['--analysis-trials', '100000000'],
      /^molap: analysis would need about [\d.]+ TB/,
      'lower run.analysisTrials (--analysis-trials, now 100000000)',
    ],
    [
      ['--hidden-size', '1000000', '--models', 'multitask'],
      /^molap: learning would need about [\d.]+ TB.*multitask: weights, gradients and Adam moments/,
      'lower run.network.hiddenSize (--hidden-size, now 1000000)',
    ],
    [
      ['--config', 'fine-dt.json'],
      /^molap: (learning|analysis|pre-training) would need about [\d.]+ [GT]B.*T=\d{6,}/,
      'raise tasks.options.dt (now 0.001 ms)',
    ],
    [
      ['--max-memory', '1M'],
      /^molap: pre-training would need about [\d.]+ MB, more than --max-memory \(1\.00 MB\)/,
      'or raise --max-memory',
    ],
    [
      ['--max-memory', '12x'],
      /^molap: --max-memory must be a size such as 512M, 4G or 1\.5G, got "12x"$/,
      'hint: e.g. --max-memory 8G',
    ],
  ])('molap run %j', async (flags, message, hint) => {
    const out = `refused-${flags.join('-')}`;
    const result = await run(['run', '--out', out, ...flags]);
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result.stderr)).toMatch(message);
    expect(result.stderr).toContain(hint);
    expect(existsSync(join(scratch.root, out)), 'no run folder').toBe(false);
  });

  it.each([
    [['pretrain', '--out', 'bank', '--max-memory', '1M'], 'pre-training would need'],
    [['learn', '--model', 'multitask', '--out', 'model', '--batch-size', '100000000'], 'learning would need'],
  ])('molap %j', async (args, message) => {
    const result = await run(args);
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result.stderr)).toContain(message);
    expect(existsSync(join(scratch.root, args[args.indexOf('--out') + 1]))).toBe(false);
  });

  it.each([
    ['MOLAP_ENGINE', 'gpu', 'molap: environment variable MOLAP_ENGINE="gpu" must be one of native, tfjs'],
    [
      'MOLAP_TFJS_BACKEND',
      'webgl',
      'molap: environment variable MOLAP_TFJS_BACKEND="webgl" must be one of tensorflow, wasm, cpu',
    ],
  ])('%s=%s', async (name, value, message) => {
    const result = await run(['run', '--out', `env-${name}`], { [name]: value });
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result.stderr)).toBe(message);
    expect(result.stderr).toContain(`hint: unset it (unset ${name})`);
    expect(existsSync(join(scratch.root, `env-${name}`))).toBe(false);
  });
});

describe.concurrent('molap tasks export is sized before the batch is built', () => {
  it.each([
    [
      '1000000',
      /^molap: the batch would take about [\d.]+ GB \(1000000 trials × \d+ steps × \d+ channels \(float32\)\), more than this machine's memory/,
      'hint: lower --batch-size',
    ],
    [
      '20000',
      /^molap: the export would write about [\d.]+ GB \(20000 trials × \d+ steps × \d+ channels \(float32\)\), more than 256 MB$/,
      'hint: add --force to write it anyway',
    ],
  ])('--batch-size %s is refused', async (size, message, hint) => {
    const file = `export-${size}.npz`;
    const result = await run(['tasks', 'export', 'fdgo', '--mode', 'random', '--batch-size', size, '--out', file]);
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result.stderr)).toMatch(message);
    expect(result.stderr).toContain(hint);
    expect(existsSync(join(scratch.root, file))).toBe(false);
  });
});

describe.concurrent('threads and workers beyond the cores', () => {
  it('are capped at the cores with a note', async () => {
    const result = await run(['run', '--dry-run', '--threads', '10000', '--workers', '5000']);
    expect(result.code, result.stderr).toBe(0);
    const cores = availableParallelism();
    expect(result.stderr).toContain(
      `molap: note: backend.threads (--threads) 10000 is capped at the ${cores} cores of this machine`,
    );
    expect(result.stderr).toContain(`molap: note: run.bank.workers (--workers) 5000 is capped at the ${cores} cores`);
    const plan = JSON.parse(result.stdout);
    expect(plan.backend.threads).toBe(cores);
    expect(plan.bank.workers).toBe(cores);
  });
});
