import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorKind, type Strategy } from '@molap/core';
import { describe, expect, it } from 'vitest';
import { type CompareOptions, type CompareProgress, compare } from '../src/compare.js';
import { multitask } from '../src/multitask.js';
import { type ComparisonTable, validateComparisonTable } from '../src/table.js';
import { TINY_BUDGET, withTemporaryDir } from './helpers.js';

const OPTIONS: CompareOptions = {
  strategies: [
    { strategy: 'multitask', options: { hiddenSize: 12 } },
    { strategy: 'psp', options: { hiddenSize: 12 } },
  ],
  tasks: ['fdgo', 'dm1'],
  budget: { ...TINY_BUDGET, steps: 4, evalEvery: 2 },
  seeds: [1, 2],
  context: { engine: { engine: 'native', threads: 1 } },
  parallelism: 1,
};

let inThread: ComparisonTable;

describe('compare', () => {
  it('gives the same table twice for the same seeds, and the table passes the schema', async () => {
    const events: CompareProgress[] = [];
    inThread = await compare({ ...OPTIONS, onProgress: (event) => events.push(event) });
    const again = await compare(OPTIONS);
    expect(again).toEqual(inThread);
    expect(validateComparisonTable(inThread)).toEqual([]);
    expect(validateComparisonTable(JSON.parse(JSON.stringify(inThread)))).toEqual([]);
    expect(events[0]).toMatchObject({ type: 'start', jobs: 4, mode: 'in-thread' });
    expect(events.filter((event) => event.type === 'job-end')).toHaveLength(4);
    expect(events.some((event) => event.type === 'curve')).toBe(true);
  });

  it('has one row per strategy, seed and task, with the budget each strategy got', () => {
    expect(inThread.rows.map((row) => `${row.strategy}/${row.seed}/${row.taskId}`)).toEqual([
      'multitask/1/fdgo',
      'multitask/1/dm1',
      'multitask/2/fdgo',
      'multitask/2/dm1',
      'psp/1/fdgo',
      'psp/1/dm1',
      'psp/2/fdgo',
      'psp/2/dm1',
    ]);
    expect(inThread.strategies.map((s) => s.budget.steps)).toEqual([8, 4]);
    for (const row of inThread.rows) {
      if (row.strategy === 'multitask') expect(row.forgetting).toBeNull();
      else expect(row.forgetting).toBeCloseTo(row.performanceAfterLearning - row.performance, 12);
    }
    expect(inThread.rows.find((r) => r.strategy === 'psp' && r.taskId === 'dm1')!.forgetting).toBe(0);
    expect(inThread.runs).toHaveLength(4);
    // Different seeds, different results.
    expect(inThread.rows[0].curve).not.toEqual(inThread.rows[2].curve);
  });

  it('resumes an aborted comparison from its checkpoint folder to the same table', async () => {
    await withTemporaryDir(async (dir) => {
      const controller = new AbortController();
      let curvesOfSecondJob = 0;
      let finishedJobs = 0;
      await expect(
        compare({
          ...OPTIONS,
          checkpointDir: dir,
          signal: controller.signal,
          onProgress: (event) => {
            // Stop in the middle of the second job.
            if (event.type === 'job-end') finishedJobs++;
            if (event.type === 'curve' && finishedJobs === 1 && ++curvesOfSecondJob === 3) controller.abort();
          },
        }),
      ).rejects.toThrow(/aborted[\s\S]*hint: run it again with the same checkpointDir/);
      const events: CompareProgress[] = [];
      const resumed = await compare({ ...OPTIONS, checkpointDir: dir, onProgress: (event) => events.push(event) });
      expect(resumed).toEqual(inThread);
      // The first job was finished: its result is read back without learning (no curve events); the second
      // resumes after its last checkpoint (step 4 of 8: the interleaved network evaluates every 2 × 2 tasks
      // steps, so the evaluation at step 8 remains).
      const curvesOf = (seed: number) =>
        events.filter((e) => e.type === 'curve' && e.strategy === 'multitask' && e.seed === seed);
      expect(curvesOf(1)).toHaveLength(0);
      expect(curvesOf(2).map((e) => (e.type === 'curve' ? e.taskId : ''))).toEqual(['fdgo', 'dm1']);
    });
  });

  it('reports schema violations with their path', () => {
    const broken = JSON.parse(JSON.stringify(inThread));
    broken.rows[1].performance = 1.5;
    delete broken.rows[2].loss;
    broken.extra = true;
    expect(validateComparisonTable(broken).sort()).toEqual([
      '$.rows[1].performance: must be <= 1, got 1.5',
      "$.rows[2]: missing property 'loss'",
      "$: unexpected property 'extra'",
    ]);
  });

  it('compares a user strategy given as a value, with a label', async () => {
    const mine: Strategy = { ...multitask, id: 'lab/small-multitask' };
    const table = await compare({
      ...OPTIONS,
      strategies: [{ strategy: mine, options: { hiddenSize: 8 }, label: 'small' }],
      seeds: [3],
    });
    expect(table.strategies[0]).toMatchObject({ label: 'small', name: 'lab/small-multitask' });
    expect(validateComparisonTable(table)).toEqual([]);
  });

  it('rejects bad inputs at the boundary', async () => {
    await expect(compare({ ...OPTIONS, seeds: [1, 1] })).rejects.toThrow(/distinct/);
    await expect(compare({ ...OPTIONS, strategies: ['multitask', 'multitask'] })).rejects.toThrow(
      /label 'multitask' is used twice/,
    );
    await expect(compare({ ...OPTIONS, budget: 'huge' as never })).rejects.toThrow(/unknown budget preset/);
    await expect(compare({ ...OPTIONS, tasks: ['fdog'] })).rejects.toThrow(/unknown task 'fdog'/);
    for (const [options, code] of [
      [{ ...OPTIONS, seeds: [1, 1] }, 'invalid-option'],
      [{ ...OPTIONS, strategies: ['multitask', 'multitask'] }, 'duplicate-id'],
      [{ ...OPTIONS, parallelism: 0 }, 'invalid-option'],
    ] as const) {
      const error = await compare(options).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code });
      expect(errorKind(error)).toBe('bad-input');
    }
  });

  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  it.runIf(existsSync(dist))('runs jobs in parallel worker threads (the build) to the same table', async () => {
    const built = (await import(dist)) as typeof import('../src/index.js');
    const events: CompareProgress[] = [];
    const table = await built.compare({ ...OPTIONS, parallelism: 2, onProgress: (event) => events.push(event) });
    expect(events[0]).toMatchObject({ type: 'start', mode: 'workers', workers: 2 });
    expect(table).toEqual(inThread);
  });

  it.runIf(existsSync(dist))('gives workers custom strategies through a workerSetup module', async () => {
    const built = (await import(dist)) as typeof import('../src/index.js');
    const mine: Strategy = { ...built.multitask, name: 'lab/renamed-multitask' };
    const options: CompareOptions = {
      ...OPTIONS,
      strategies: [{ strategy: mine, options: { hiddenSize: 8 } }],
      seeds: [5, 6],
    };
    const expected = await built.compare({ ...options, parallelism: 1 });
    await withTemporaryDir(async (dir) => {
      const setup = join(dir, 'setup.mjs');
      await writeFile(
        setup,
        `import { multitask } from ${JSON.stringify(dist)};\nexport function setup() { return { strategies: [{ ...multitask, name: 'lab/renamed-multitask' }] }; }\n`,
      );
      const events: CompareProgress[] = [];
      const table = await built.compare({
        ...options,
        parallelism: 2,
        workerSetup: setup,
        onProgress: (e) => events.push(e),
      });
      expect(events[0]).toMatchObject({ mode: 'workers' });
      expect(table).toEqual(expected);
    });
  });
});
