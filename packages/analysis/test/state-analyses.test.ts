import { describe, expect, it } from 'vitest';
import { analysisBatches, analysisNoiseSeed, stateAnalyses } from '../src/analyse-model.js';
import { batchTrials } from '../src/task-variance.js';
import { countingPasses, createTestContext, TINY_NETWORK, tinyDenseAndModular } from './helpers.js';

describe('stateAnalyses', () => {
  it('runs a batch in parts of trials, with the noise, dimensionality and examples of one pass over it', async () => {
    const context = await createTestContext();
    const tasks = ['dm1', 'fdgo'].map((id) => context.tasks.get(id));
    const models = await tinyDenseAndModular(context);
    try {
      for (const model of models) {
        const batches = analysisBatches(tasks, { trials: 8, seed: 3 });
        const passes: number[] = []; // trials of each evaluation pass
        const watched = countingPasses(model, passes);
        const options = { batches, seed: 3, modelName: 'tiny' };
        const inParts = await stateAnalyses(watched, { ...options, trialsAtOnce: 3 });
        expect(passes).toEqual([3, 3, 2, 3, 3, 2]);
        const atOnce = await stateAnalyses(watched, { ...options, trialsAtOnce: 8 });
        expect(passes.slice(6)).toEqual([8, 8]);
        expect(inParts).toEqual(atOnce);
        expect(inParts.dimensionality.perTask.dm1.samples).toBeGreaterThan(8);

        // The recurrent noise is on: a part evaluated as a batch of its own has other states.
        const batch = batches.get('dm1')!;
        const noiseSeed = analysisNoiseSeed(3, 'dm1');
        const whole = await model.evaluate('dm1', batch, { noiseSeed, keepStates: true });
        const part = batchTrials(batch, 3, 6);
        const own = await model.evaluate('dm1', part, { noiseSeed, keepStates: true });
        const placed = await model.evaluate('dm1', part, {
          noiseSeed,
          keepStates: true,
          noiseTrials: { first: 3, of: 8 },
        });
        const n = model.hiddenSize;
        const wholeTrial3 = whole.states!.subarray(3 * n, 4 * n); // step 0, trial 3
        expect(placed.states!.subarray(0, n)).toEqual(wholeTrial3);
        expect(own.states!.subarray(0, n)).not.toEqual(wholeTrial3);
      }
    } finally {
      for (const model of models) await model.dispose();
      await context.engine.dispose();
    }
  });

  it('refuses a trialsAtOnce that is not a positive integer', async () => {
    const context = await createTestContext();
    const { multitask } = await import('@molap/baselines');
    const model = await multitask.create(context, TINY_NETWORK);
    try {
      const batches = analysisBatches([context.tasks.get('fdgo')], { trials: 2, seed: 1 });
      await expect(stateAnalyses(model, { batches, seed: 1, modelName: 'x', trialsAtOnce: 0 })).rejects.toThrow(
        /trialsAtOnce must be an integer >= 1, got 0/,
      );
    } finally {
      await model.dispose();
      await context.engine.dispose();
    }
  });
});
