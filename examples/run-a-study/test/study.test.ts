import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readRunRecord } from '@molap/study';
import { expect, it } from 'vitest';
// @ts-expect-error: the example is plain JavaScript
import { runExample } from '../study.mjs';

it('runs a study from a program and returns its claims', async () => {
  const out = await mkdtemp(join(tmpdir(), 'molap-example-'));
  try {
    const tiny = {
      models: ['molap', 'multitask'],
      budget: { preset: 'quick', steps: 4, batchSize: 8, evalEvery: 2, evalTrials: 16 },
      network: { hiddenSize: 16 },
      bank: {
        moduleSize: 4,
        latents: { k: 2 },
        steps: 4,
        batchSize: 8,
        evaluationTrials: 8,
        corpus: { trialsPerTask: 16 },
      },
      analysisTrials: 8,
      perturbations: [{ id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 }],
    };
    const { results, reportFile } = await runExample(out, tiny);
    expect(results.claims.map((claim: { id: string }) => claim.id)).toEqual([
      'efficiency',
      'robustness',
      'generalisation',
    ]);
    expect(reportFile.startsWith(out)).toBe(true);
    // The library's folder starter recorded the engine, so a resume on another engine is refused.
    expect((await readRunRecord(dirname(reportFile))).engine).toMatch(/^(native|tfjs)/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
