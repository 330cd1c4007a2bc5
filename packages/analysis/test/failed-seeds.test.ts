/**
 * Failed seeds: a model that learned the corpus on its other seeds and next to nothing on one is named, in the
 * report next to the claims; tiny runs where no seed learned, and runs of one seed, name none.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFailedSeed, failedSeeds } from '../src/failed-seeds.js';
import { renderReport } from '../src/report/render.js';
import type { Results } from '../src/schema.js';

let tiny: Results;
beforeAll(async () => {
  tiny = JSON.parse(await readFile(new URL('fixtures/tiny-results.json', import.meta.url), 'utf8'));
});

/** The tiny run with `model`'s final performance set per seed (the same value on every corpus task). */
function withPerformance(model: string, bySeed: Record<number, number[]>): Results {
  const results = structuredClone(tiny);
  results.corpus.forEach((task, index) => {
    for (const row of results.models[model].perTask[task].perSeed) row.performance = bySeed[row.seed][index];
  });
  return results;
}

describe('failedSeeds', () => {
  it('names a seed far below the model’s best one, with its figures', () => {
    // multitask learned fdgo and dm1 on seed 1 and collapsed on seed 2 (0 on fdgo)
    const results = withPerformance('multitask', { 1: [1, 0.86], 2: [0, 0.12] });
    const failed = failedSeeds(results);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ model: 'multitask', seed: 2, bestSeed: 1, tasksNearZero: 1, tasks: 2 });
    expect(failed[0].corpusMean).toBeCloseTo(0.06, 12);
    expect(failed[0].bestCorpusMean).toBeCloseTo(0.93, 12);
    expect(describeFailedSeed(failed[0])).toBe(
      'multitask, seed 2: corpus mean 0.060 against 0.930 on seed 1, 1 of 2 tasks below 0.05',
    );
  });

  it('names none where the weaker seed is at least half of the best, or where no seed learned the corpus', () => {
    expect(failedSeeds(withPerformance('multitask', { 1: [1, 0.86], 2: [0.5, 0.45] }))).toEqual([]);
    // the tiny run itself: no model reaches 0.5 on any seed (independent scores 0 everywhere)
    expect(failedSeeds(tiny)).toEqual([]);
  });

  it('names none in a run of one seed', () => {
    const results = withPerformance('multitask', { 1: [1, 0.86], 2: [0, 0] });
    results.seeds = [1];
    expect(failedSeeds(results)).toEqual([]);
  });

  it('is shown next to the claims in the report', async () => {
    const page = await renderReport(withPerformance('psp', { 1: [0, 0], 2: [0.9, 0.8] }));
    const claims = page.slice(page.indexOf('<section id="claims">'), page.indexOf('<section id="parameters">'));
    expect(claims).toContain('Training failed on one seed');
    expect(claims).toContain(
      '<li>psp, seed 1: corpus mean 0.000 against 0.850 on seed 2, 2 of 2 tasks below 0.05</li>',
    );
    expect(await renderReport(tiny)).not.toContain('Training failed');
  });
});
