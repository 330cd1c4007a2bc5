import { createTaskRegistry } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { extractLatents, sampleCorpus } from '../src/index.js';
import { TOY_FIXATION_STEPS, toyTask } from './toy-task.js';

const RULES = ['test/toy-a', 'test/toy-b'];
const taskA = toyTask('test/toy-a');
const taskB = toyTask('test/toy-b');
const quiet = { rules: RULES, noise: false };

describe('sampleCorpus', () => {
  const corpus = sampleCorpus({ tasks: [taskA, taskB], seed: 3, trialsPerTask: 10, batchSize: 4, taskOptions: quiet });

  it('keeps fixation and sensory inputs, every target, and only the masked steps of real trials', () => {
    expect(corpus.xDim).toBe(3);
    expect(corpus.yDim).toBe(3);
    expect(corpus.inputChannels).toEqual([0, 1, 2]);
    expect(corpus.X.length).toBe(corpus.n * 3);
    expect(corpus.Y.length).toBe(corpus.n * 3);
    expect(corpus.perTask.map((count) => [count.taskId, count.trials])).toEqual([
      ['test/toy-a', 10],
      ['test/toy-b', 10],
    ]);
    expect(corpus.perTask[0].rows + corpus.perTask[1].rows).toBe(corpus.n);
    // Each trial has 4–6 steps and step 0 is unmasked: 3–5 rows per trial.
    for (const count of corpus.perTask) {
      expect(count.rows).toBeGreaterThanOrEqual(30);
      expect(count.rows).toBeLessThanOrEqual(50);
    }
    // Steps 1 and 2 of every trial fixate (input 1, target 0.8); later steps do not.
    let fixating = 0;
    for (let row = 0; row < corpus.n; row++) {
      const fixationInput = corpus.X[row * 3];
      expect(corpus.Y[row * 3]).toBeCloseTo(fixationInput === 1 ? 0.8 : 0.05, 6);
      if (fixationInput === 1) fixating++;
      else expect(corpus.Y[row * 3 + 1]).toBeCloseTo(corpus.X[row * 3 + 1] + corpus.X[row * 3 + 2], 5);
    }
    expect(fixating).toBe(20 * (TOY_FIXATION_STEPS - 1));
    expect(corpus.provenance).toEqual({
      taskIds: ['test/toy-a', 'test/toy-b'],
      seed: 3,
      trialsPerTask: 10,
      historyTimeConstants: [],
    });
  });

  it('is deterministic, depends on the seed, and draws each task independently of the others', () => {
    const again = sampleCorpus({ tasks: [taskA, taskB], seed: 3, trialsPerTask: 10, batchSize: 4, taskOptions: quiet });
    expect(again.X).toEqual(corpus.X);
    expect(again.Y).toEqual(corpus.Y);
    const otherSeed = sampleCorpus({
      tasks: [taskA, taskB],
      seed: 4,
      trialsPerTask: 10,
      batchSize: 4,
      taskOptions: quiet,
    });
    expect(otherSeed.X).not.toEqual(corpus.X);
    const aAlone = sampleCorpus({ tasks: [taskA], seed: 3, trialsPerTask: 10, batchSize: 4, taskOptions: quiet });
    const rowsA = corpus.perTask[0].rows;
    expect(aAlone.X).toEqual(corpus.X.subarray(0, rowsA * 3));
    const reversed = sampleCorpus({
      tasks: [taskB, taskA],
      seed: 3,
      trialsPerTask: 10,
      batchSize: 4,
      taskOptions: quiet,
    });
    expect(reversed.X.subarray(reversed.perTask[0].rows * 3)).toEqual(aAlone.X);
  });

  it('adds input noise by default', () => {
    const noisy = sampleCorpus({ tasks: [taskA], seed: 3, trialsPerTask: 4, taskOptions: { rules: RULES } });
    const fixationValues = new Set(Array.from({ length: noisy.n }, (_, row) => noisy.X[row * 3]));
    expect(fixationValues.has(1)).toBe(false);
    expect(fixationValues.size).toBe(noisy.n);
  });

  it('appends causal history traces of the X channels', () => {
    const withHistory = sampleCorpus({
      tasks: [taskA, taskB],
      seed: 3,
      trialsPerTask: 10,
      batchSize: 4,
      taskOptions: quiet,
      historyTimeConstants: [40],
    });
    expect(withHistory.xDim).toBe(6);
    expect(withHistory.n).toBe(corpus.n);
    expect(withHistory.provenance.historyTimeConstants).toEqual([40]);
    for (let row = 0; row < corpus.n; row++) {
      expect(withHistory.X.subarray(row * 6, row * 6 + 3)).toEqual(corpus.X.subarray(row * 3, row * 3 + 3));
      // Fixation input 1 at steps 0..2, α = 20/40: the trace is 0.75 at step 1 and 0.875 at step 2.
      if (corpus.X[row * 3] === 1) expect([0.75, 0.875]).toContain(withHistory.X[row * 6 + 3]);
    }
  });

  it('feeds extractLatents and carries its provenance into the primitives', () => {
    const primitives = extractLatents(corpus, { k: 2 });
    expect(primitives.corpus).toEqual(corpus.provenance);
    expect(primitives.rho[0]).toBeGreaterThan(0.9);
  });

  it('takes tasks from a registry by id, and passes on its error for an unknown id', () => {
    const registry = createTaskRegistry({ tasks: [taskA, taskB] });
    const fromRegistry = sampleCorpus({
      tasks: { registry, ids: ['test/toy-a', 'test/toy-b'] },
      seed: 3,
      trialsPerTask: 10,
      batchSize: 4,
      taskOptions: quiet,
    });
    expect(fromRegistry.X).toEqual(corpus.X);
    expect(() => sampleCorpus({ tasks: { registry, ids: ['test/toy-c'] }, seed: 3 })).toThrow(/test\/toy-a/);
    expect(() => sampleCorpus({ tasks: { registry, ids: [] }, seed: 3 })).toThrow(/corpus is empty/);
  });

  it('rejects an empty corpus, duplicates, mixed layouts and misplaced options', () => {
    expect(() => sampleCorpus({ tasks: [], seed: 1 })).toThrow(/corpus is empty/);
    expect(() => sampleCorpus({ tasks: { ids: ['test/toy-a'] } as never, seed: 1 })).toThrow(/\{ registry, ids \}/);
    expect(() => sampleCorpus({ tasks: [taskA, taskA], seed: 1, taskOptions: quiet })).toThrow(/appears twice/);
    expect(() =>
      sampleCorpus({ tasks: [taskA, toyTask('test/toy-b', 3)], seed: 1, trialsPerTask: 2, taskOptions: quiet }),
    ).toThrow(/'test\/toy-b' has 4 fixation\/sensory inputs .* 'test\/toy-a' has 3/);
    expect(() => sampleCorpus({ tasks: [taskA], seed: 1, taskOptions: { ...quiet, batchSize: 8 } as never })).toThrow(
      /taskOptions.batchSize is not used/,
    );
    expect(() => sampleCorpus({ tasks: [taskA], seed: 1.5, taskOptions: quiet })).toThrow(/seed must be an integer/);
    expect(() => sampleCorpus({ tasks: [taskA], seed: 1, trialsPerTask: 0, taskOptions: quiet })).toThrow(
      /trialsPerTask must be a positive integer/,
    );
    expect(() => sampleCorpus({ tasks: [taskA], seed: 1, taskOptions: { rules: ['fdgo'] } })).toThrow(
      /has no unit for task 'test\/toy-a'/,
    );
    // Without a rules option the corpus composes its own rule block.
    expect(sampleCorpus({ tasks: [taskA], seed: 1, trialsPerTask: 2 }).perTask).toHaveLength(1);
  });
});
