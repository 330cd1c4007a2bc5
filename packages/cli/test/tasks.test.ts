import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, readNpz, resolveTaskOptions, YANG19_RULES, YANG19_TASKS } from '@molap/tasks';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratch, molap } from './support.js';

/** A folder without package.json: only the built-in tasks. */
const scratch = createScratch();
afterAll(() => scratch.remove());
const run = (...args: string[]) => molap(args, { cwd: scratch.root });

describe.concurrent('molap tasks (built-in tasks)', () => {
  it('lists the 20 Yang tasks with their source', async () => {
    const result = await run('tasks', 'list');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+source\s+tags$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([...YANG19_RULES]);
    expect(lines[1]).toMatch(/^fdgo\s+Go\s+@molap\/tasks\s+go, yang19$/);
    expect(result.stderr).toBe('20 tasks from 1 source\n');
  });

  it('lists as JSON and filters by tag', async () => {
    const result = await run('tasks', 'list', '--json', '--tag', 'anti');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout);
    expect(rows.map((row: { id: string }) => row.id)).toEqual(['fdanti', 'reactanti', 'delayanti']);
    expect(rows[0]).toMatchObject({ source: '@molap/tasks', periods: ['fix1', 'stim1', 'go1'] });
  });

  it('shows a task: periods, channels, options and trial-length statistics', async () => {
    const result = await run('tasks', 'show', 'delaygo');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('periods   fix1 → stim1 → delay1 → go1');
    expect(result.stdout).toContain('rule      delaygo (its unit in the rule block');
    expect(result.stdout).toContain('score     yang19-last-step: Correct when, at the last step of the trial');
    expect(result.stdout).toContain('inputs (85)');
    expect(result.stdout).toMatch(/ring1\s+sensory\s+1–32/);
    expect(result.stdout).toMatch(/rule\s+rule\s+65–84/);
    expect(result.stdout).toContain('outputs (33)');
    expect(result.stdout).toMatch(/random \(seed 0\): 1000 trials, min \d+, mean [\d.]+/);
    expect(result.stdout).toContain('test grid:');
  });

  it('shows a task as JSON, with the same statistics for the same seed', async () => {
    const [a, b] = await Promise.all([
      run('tasks', 'show', 'dm1', '--json', '--trials', '50', '--seed', '3'),
      run('tasks', 'show', 'dm1', '--json', '--trials', '50', '--seed', '3'),
    ]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const shown = JSON.parse(a.stdout);
    expect(shown).toMatchObject({
      id: 'dm1',
      source: '@molap/tasks',
      options: { dt: 20, ringSize: 32, mode: 'random' },
    });
    expect(shown.trialLength.random).toMatchObject({ trials: 50, seed: 3, dt: 20 });
    expect(shown.inputs.map((group: { name: string }) => group.name)).toEqual(['fixation', 'ring1', 'ring2', 'rule']);
  });

  it('exits 2 on an unknown task id, naming the closest id and the known ones', async () => {
    const result = await run('tasks', 'show', 'delaygoo');
    expect(result.code).toBe(2);
    const [first, hint] = result.stderr.split('\n');
    expect(first).toMatch(/^molap: unknown task 'delaygoo'\. Did you mean 'delaygo'\? Known task ids: fdgo, reactgo, /);
    expect(hint).toContain('molap tasks list');
    expect(result.stdout).toBe('');
  });

  it('plots one trial to an SVG file', async () => {
    const out = join(scratch.root, 'plots/fdgo.svg');
    const result = await run(
      'tasks',
      'plot',
      'fdgo',
      '--mode',
      'test',
      '--trial',
      '3',
      '--no-noise',
      '--out',
      'plots/fdgo.svg',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote plots\/fdgo\.svg: trial 3 of fdgo, test mode, seed 0, noise off: 40 trials/);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<\?xml[^>]*>\s*<svg /);
    expect(svg).toContain('<title>fdgo, trial 3');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('exits 2 when the trial index is outside the batch', async () => {
    const result = await run('tasks', 'plot', 'fdgo', '--trial', '5', '--batch-size', '4', '--out', 'x.svg');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--trial 5 is out of range: the batch has 4 trials');
  });

  it('exports the exact batch of the library as .npz', async () => {
    const result = await run(
      'tasks',
      'export',
      'contextdm1',
      '--mode',
      'random',
      '--batch-size',
      '8',
      '--seed',
      '42',
      '--out',
      'data/train.npz',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^wrote data\/train\.npz \([\d.]+ kB\): contextdm1, random mode, seed 42, noise on: 8 trials/,
    );
    const batch = await readNpz(join(scratch.root, 'data/train.npz'));
    const task = YANG19_TASKS.contextdm1;
    const expected = task.generate(createRng(42), resolveTaskOptions(task, { batchSize: 8, mode: 'random' }));
    expect(batch.taskId).toBe('contextdm1');
    expect([batch.steps, batch.batchSize, batch.inputSize, batch.outputSize]).toEqual([
      expected.steps,
      8,
      expected.inputSize,
      expected.outputSize,
    ]);
    expect(batch.inputs).toEqual(expected.inputs);
    expect(batch.targets).toEqual(expected.targets);
    expect(batch.mask).toEqual(expected.mask);
  });

  it('exports the noise-free test grid, compressed, and reports it as JSON', async () => {
    const result = await run(
      'tasks',
      'export',
      'fdgo',
      '--mode',
      'test',
      '--no-noise',
      '--compress',
      '--json',
      '--out',
      'grid.npz',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ taskId: 'fdgo', mode: 'test', noise: false, shape: { batchSize: 40 } });
    const batch = await readNpz(report.file);
    const task = YANG19_TASKS.fdgo;
    const expected = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
    expect(batch.inputs).toEqual(expected.inputs);
  }, 90_000); // several CLI runs one after the other: 3 s alone, over 30 s on a loaded machine

  it.each([
    [['--mode', 'tst'], '--mode must be one of random, test, got "tst". Did you mean "test"?'],
    [['--mode', 'test', '--batch-size', '0'], '--batch-size must be an integer >= 1, got "0"'],
    [['--mode', 'test', '--batch-size', '2.5'], '--batch-size must be an integer >= 1, got "2.5"'],
    [['--mode', 'test', '--seed', 'x'], '--seed must be an integer, got "x"'],
    [['--mode', 'test', '--noise=yes'], '--noise takes no value'],
    [[], '`molap tasks export` needs --mode <random|test> (random: drawn conditions; test: the deterministic grid)'],
  ])('exits 2 on bad flag values: %j', async (flags, message) => {
    const result = await run('tasks', 'export', 'fdgo', '--out', 'bad.npz', ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`molap: ${message}`);
  });

  it('exits 1 when the output cannot be written', async () => {
    scratch.write('blocker', 'a file where a folder should be');
    const result = await run('tasks', 'export', 'fdgo', '--mode', 'test', '--out', 'blocker/grid.npz');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^molap: cannot write .*blocker\/grid\.npz: /);
  });
});
