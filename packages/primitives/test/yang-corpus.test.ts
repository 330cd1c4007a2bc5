import { yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { explainedVariance, extractLatents, latentTargets, sampleCorpus } from '../src/index.js';
import { columnCorrelation } from './synthetic.js';

describe('the Yang corpus', () => {
  const corpus = sampleCorpus({ tasks: yang19, seed: 1, trialsPerTask: 16 });

  it('gives X = fixation + two rings (65 channels, rule channels excluded) and Y = 33 targets', () => {
    expect(corpus.xDim).toBe(65);
    expect(corpus.yDim).toBe(33);
    expect(corpus.inputChannels).toEqual(Array.from({ length: 65 }, (_, c) => c));
    expect(corpus.perTask.map((count) => count.taskId)).toEqual(yang19.map((task) => task.id));
    for (const count of corpus.perTask) {
      expect(count.trials).toBe(16);
      // Trials of 40–209 steps; the first 100 ms and the 100 ms grace period after the go cue are unmasked.
      expect(count.rows).toBeGreaterThan(16 * 30);
      expect(count.rows).toBeLessThan(16 * 209);
    }
  });

  it('yields CCA latents led by fixation, which PCA beats on explained variance', () => {
    const cca = extractLatents(corpus, { k: 8 });
    const pca = extractLatents(corpus, { k: 8, method: 'pca' });
    expect(cca.corpus?.taskIds).toHaveLength(20);
    // Fixation input and fixation output move together: the first canonical pair is the fixation one.
    expect(cca.rho[0]).toBeGreaterThan(0.8);
    const V = latentTargets(cca, corpus.Y);
    expect(Math.abs(columnCorrelation(V, 8, 0, corpus.Y, 33, 0))).toBeGreaterThan(0.9);
    const ccaExplained = explainedVariance(cca, corpus.Y);
    const ccaLeastSquares = explainedVariance(cca, corpus.Y, { reconstruction: 'least-squares' });
    const pcaExplained = explainedVariance(pca, corpus.Y);
    expect(ccaExplained).toBeGreaterThan(0);
    expect(ccaLeastSquares).toBeGreaterThanOrEqual(ccaExplained);
    expect(pcaExplained).toBeGreaterThanOrEqual(ccaLeastSquares);
    expect(pcaExplained).toBeLessThanOrEqual(1);
  });
});
