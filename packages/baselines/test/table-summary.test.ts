/** `summariseComparison`: the means a comparison table is read by, checked on a hand-made table. */
import { describe, expect, it } from 'vitest';
import { type ComparisonTable, summariseComparison } from '../src/index.js';

const row = (strategy: string, seed: number, taskId: string, performance: number, trainableParameters: number) =>
  ({ strategy, seed, taskId, performance, trainableParameters }) as ComparisonTable['rows'][number];

describe('summariseComparison', () => {
  it('averages each task and strategy over the seeds, then over every task', () => {
    const table = {
      tasks: ['fdgo', 'dm1'],
      seeds: [1, 2],
      budget: { criterion: 0.9 },
      strategies: [{ label: 'a' }, { label: 'b' }],
      rows: [
        row('a', 1, 'fdgo', 0.5, 10),
        row('a', 2, 'fdgo', 0.7, 10),
        row('a', 1, 'dm1', 0.1, 30),
        row('a', 2, 'dm1', 0.3, 30),
        row('b', 1, 'fdgo', 1, 4),
        row('b', 2, 'fdgo', 1, 4),
        row('b', 1, 'dm1', 0, 4),
        row('b', 2, 'dm1', 0.5, 4),
      ],
    } as unknown as ComparisonTable;
    const summary = summariseComparison(table);
    expect(summary.labels).toEqual(['a', 'b']);
    expect(summary.tasks.map((entry) => entry.taskId)).toEqual(['fdgo', 'dm1']);
    expect(summary.tasks[0]!.performance[0]).toBeCloseTo(0.6, 12);
    expect(summary.tasks[1]!.performance[0]).toBeCloseTo(0.2, 12);
    expect(summary.tasks[1]!.performance[1]).toBeCloseTo(0.25, 12);
    expect(summary.performance[0]).toBeCloseTo(0.4, 12);
    expect(summary.performance[1]).toBeCloseTo(0.625, 12);
    expect(summary.trainableParameters).toEqual([20, 4]);
    // a table without `scores` (written before they were recorded): Yang's criterion, the budget's criterion
    expect(summary.tasks[0]!.score).toMatchObject({ id: 'yang19-last-step', criterion: 0.9 });
  });

  it('gives each task the score the table recorded for it', () => {
    const table = {
      tasks: ['fdgo', 'lab/timing'],
      seeds: [1],
      budget: { criterion: 0.9 },
      scores: {
        fdgo: { id: 'yang19-last-step', criterion: 0.9, description: 'last step' },
        'lab/timing': { id: 'response-timing', criterion: 0.75, description: 'on time' },
      },
      strategies: [{ label: 'a' }],
      rows: [row('a', 1, 'fdgo', 1, 4), row('a', 1, 'lab/timing', 0.5, 4)],
    } as unknown as ComparisonTable;
    expect(
      summariseComparison(table).tasks.map((entry) => [entry.taskId, entry.score.id, entry.score.criterion]),
    ).toEqual([
      ['fdgo', 'yang19-last-step', 0.9],
      ['lab/timing', 'response-timing', 0.75],
    ]);
  });
});
