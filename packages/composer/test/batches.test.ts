import { createNativeEngine, initRnnParameters, type RnnConfig } from '@molap/backend';
import { createRng, resolveTaskOptions, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { concatenateBatches } from '../src/batches.js';
import { evaluateOnBatch } from '../src/evaluation.js';
import { evaluationBatch } from '../src/learning.js';

const delaydm1 = yang19.find((task) => task.id === 'delaydm1')!;

function parts() {
  const options = resolveTaskOptions(delaydm1, { batchSize: 3 });
  const rng = createRng(1);
  return [delaydm1.generate(rng.fork(0), options), delaydm1.generate(rng.fork(1), options)];
}

describe('concatenateBatches', () => {
  it('pads shorter batches and keeps every trial', () => {
    const [a, b] = parts();
    expect(a.steps).not.toBe(b.steps);
    const joined = concatenateBatches([a, b]);
    expect(joined.steps).toBe(Math.max(a.steps, b.steps));
    expect(joined.batchSize).toBe(6);
    expect(Array.from(joined.trialSteps)).toEqual([...a.trialSteps, ...b.trialSteps]);
    const short = a.steps < b.steps ? a : b;
    const offset = short === a ? 0 : 3;
    const n = a.inputSize;
    for (let t = 0; t < joined.steps; t++) {
      for (let i = 0; i < n; i++) {
        const value = joined.inputs[(t * 6 + offset + 1) * n + i];
        expect(value).toBe(t < short.steps ? short.inputs[(t * 3 + 1) * n + i] : 0);
      }
      if (t >= short.steps) expect(joined.mask[(t * 6 + offset) * 33]).toBe(0);
    }
    expect(Object.keys(joined.epochs).sort()).toEqual(Object.keys(a.epochs).sort());
    expect(Array.from(joined.epochs.stim2.start.slice(3))).toEqual(Array.from(b.epochs.stim2.start));
    expect(concatenateBatches([a])).toBe(a);
    expect(() => concatenateBatches([])).toThrow(/at least one/);
  });

  it('evaluates like its parts: same trials, same performance, loss over the real steps', async () => {
    const engine = await createNativeEngine({ threads: 1 });
    const config: RnnConfig = {
      inputSize: 85,
      hiddenSize: 8,
      outputSize: 33,
      activation: 'softplus',
      outputActivation: 'sigmoid',
      alpha: 0.2,
      recurrentNoise: 0.05,
    };
    const model = engine.createModel({ config, parameters: initRnnParameters(config, { seed: 2 }) });
    const [a, b] = parts();
    const joined = await evaluateOnBatch(model, concatenateBatches([a, b]), { noiseScale: 0 });
    const first = await evaluateOnBatch(model, a, { noiseScale: 0 });
    const second = await evaluateOnBatch(model, b, { noiseScale: 0 });
    expect(joined.performance).toBeCloseTo((first.performance + second.performance) / 2, 12);
    const expectedLoss = (first.loss * a.steps + second.loss * b.steps) / (a.steps + b.steps);
    expect(joined.loss).toBeCloseTo(expectedLoss, 6);
    model.dispose();
    await engine.dispose();
  });

  it('is how evaluation sets cover the per-batch timing of the Yang tasks', () => {
    const set = evaluationBatch(delaydm1, { trials: 256, seed: 4 });
    expect(set.batchSize).toBe(256);
    expect(new Set(set.trialSteps).size).toBeGreaterThan(4);
    expect(new Set(evaluationBatch(delaydm1, { trials: 64, seed: 4, batchSize: 64 }).trialSteps).size).toBe(1);
  });
});
