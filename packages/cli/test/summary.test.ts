/**
 * The summary `molap run` prints: the model table, the claims, and the seeds on which a model's training
 * failed (from a real tiny run's results.json, one model's seed set to nothing learned).
 */
import { readFile } from 'node:fs/promises';
import type { Results } from '@molap/analysis';
import { expect, it } from 'vitest';
import { formatSummary } from '../src/run/summary.js';

const tiny: Results = JSON.parse(
  await readFile(new URL('../../analysis/test/fixtures/tiny-results.json', import.meta.url), 'utf8'),
);

it('names a seed on which a model’s training failed, after the claims', () => {
  expect(formatSummary(tiny)).not.toContain('training failed');
  const results = structuredClone(tiny);
  results.corpus.forEach((task, index) => {
    for (const row of results.models.multitask.perTask[task].perSeed) {
      row.performance = row.seed === 1 ? [0.95, 0.85][index] : [0, 0.04][index];
    }
  });
  const text = formatSummary(results);
  expect(text.indexOf('training failed')).toBeGreaterThan(text.indexOf('claims about'));
  expect(text).toContain('  multitask, seed 2: corpus mean 0.020 against 0.900 on seed 1, 2 of 2 tasks below 0.05');
});
