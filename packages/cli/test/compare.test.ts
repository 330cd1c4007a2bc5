import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateComparisonTable } from '@molap/baselines';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch, startMolap } from './support.js';

/** Small networks and a few steps: the pipeline, not the science (seconds). */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-compare-');
  scratch.write('molap.config.json', {
    backend: { engine: 'native', threads: 1 },
    compare: {
      tasks: ['fdgo', 'dm1'],
      strategies: [
        { strategy: 'multitask', options: { hiddenSize: 16 }, label: 'mt16' },
        { strategy: 'ewc', options: { hiddenSize: 16, fisherBatches: 2 }, label: 'ewc16' },
      ],
      budget: { preset: 'quick', steps: 3, batchSize: 4, evalEvery: 1, evalTrials: 8 },
      seeds: [1],
    },
    presets: { two: { compare: { seeds: [1, 2] } } },
  });
});
afterAll(() => scratch.remove());
const run = (...args: string[]) => molap(args, { cwd: scratch.root });

describe.concurrent('molap compare', () => {
  it('runs the configured comparison: a table on stdout, progress on stderr, the JSON table in --out', async () => {
    const result = await run('compare', '--out', 'runs/table.json', '--parallelism', '1');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^final performance, mean over 1 seed \(1\)\ntask\s+mt16\s+ewc16\s+score\n/);
    expect(result.stdout).toMatch(/\nfdgo\s+[\d.]+\s+[\d.]+\s+Yang's last-step criterion ≥ 0\.9\n/);
    expect(result.stdout).toMatch(/\ntrainable\/task\s+\d+\s+\d+\n$/);
    expect(result.stderr).toContain('compare: 2 jobs in this thread (parallelism 1)');
    expect(result.stderr).toContain('✔ [2/2] ewc16 seed 1 done');
    expect(result.stderr).toContain('wrote runs/table.json');
    const table = JSON.parse(readFileSync(join(scratch.root, 'runs/table.json'), 'utf8'));
    expect(validateComparisonTable(table)).toEqual([]);
    expect(table.strategies.map((s: { label: string; options: unknown }) => [s.label, s.options])).toEqual([
      ['mt16', { hiddenSize: 16 }],
      ['ewc16', { hiddenSize: 16, fisherBatches: 2 }],
    ]);
    expect(table.budget).toEqual({ steps: 3, batchSize: 4, evalEvery: 1, evalTrials: 8, criterion: 0.9 });
  });

  it('prints the table as JSON and progress as JSON lines; flags and presets override the config', async () => {
    const result = await run(
      'compare',
      '--json',
      '--preset',
      'two',
      '--strategies',
      'multitask',
      '--tasks',
      'fdgo',
      '--steps',
      '2',
    );
    expect(result.code).toBe(0);
    const table = JSON.parse(result.stdout);
    expect(validateComparisonTable(table)).toEqual([]);
    expect(table.seeds).toEqual([1, 2]);
    expect(table.tasks).toEqual(['fdgo']);
    expect(table.budget.steps).toBe(2);
    expect(table.strategies.map((s: { label: string }) => s.label)).toEqual(['multitask']);
    const events = result.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ type: 'start', jobs: 2 });
    expect(events.filter((event) => event.type === 'job-end')).toHaveLength(2);
    expect(events.some((event) => event.type === 'curve' && event.taskId === 'fdgo')).toBe(true);
  });

  it('is silent on stderr with --quiet', async () => {
    const result = await run('compare', '--quiet', '--strategies', 'sequential', '--tasks', 'fdgo', '--steps', '1');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('sequential');
  });

  it.each([
    [['--strategies', 'multitsk'], 'molap: unknown strategy "multitsk". Did you mean "multitask"?'],
    [['--budget', 'quik'], 'molap: unknown budget preset "quik". Did you mean "quick"?'],
    [['--tasks', 'fdgo,dm7'], "molap: unknown task 'dm7'. Did you mean 'dm1'?"],
    [['--seeds', '1,x'], 'molap: --seeds must be a comma-separated list of integers, got "1,x"'],
    [['--engine', 'gpu'], 'molap: --engine must be one of native, tfjs, got "gpu"'],
    [['--parallelism', '0'], 'molap: --parallelism must be an integer >= 1, got "0"'],
  ])('exits 2 on bad input: %j', async (flags, message) => {
    const result = await run('compare', ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(message);
  });

  it('stops on Ctrl-C (SIGINT) with exit 130 and one line', async () => {
    const { child, output, exited } = startMolap(['compare', '--json', '--steps', '100000', '--tasks', 'fdgo'], {
      cwd: scratch.root,
    });
    const deadline = Date.now() + 20_000;
    while (!output.stderr.includes('"type":"curve"') && Date.now() < deadline) {
      await new Promise((resume) => setTimeout(resume, 50));
    }
    expect(output.stderr).toContain('"type":"curve"');
    child.kill('SIGINT');
    const result = await exited;
    expect(result.code).toBe(130);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('molap: interrupted');
    expect(result.stdout).toBe('');
  });

  it('refuses an --out that cannot be written before any training (exit 2, nothing trained)', async () => {
    scratch.write('not-a-folder', 'a file');
    const underFile = await run('compare', '--out', 'not-a-folder/table.json');
    expect(underFile.code).toBe(2);
    expect(underFile.stderr.split('\n')[0]).toMatch(
      /^molap: --out not-a-folder\/table\.json cannot be written: its folder cannot be made \((EEXIST|ENOTDIR)\)$/,
    );
    expect(underFile.stderr).not.toContain('seed 1 done');
    scratch.write('a-folder/kept.txt', 'x');
    const folder = await run('compare', '--out', 'a-folder');
    expect(folder.code).toBe(2);
    expect(folder.stderr.split('\n')[0]).toBe('molap: --out a-folder cannot be written: it is a folder');
  });

  it('exits 2 when no tasks are given', async () => {
    const empty = createScratch();
    try {
      const result = await molap(['compare', '--budget', 'quick'], { cwd: empty.root });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('molap compare needs the task ids to learn');
      expect(result.stderr).toContain('hint: pass --tasks fdgo,dm1');
    } finally {
      empty.remove();
    }
  });
});
