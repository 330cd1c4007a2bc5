import { createNativeEngine, initRnnParameters, type RnnConfig } from '@molap/backend';
import { createRng, mixBatches, resolveTaskOptions, responseTimingScore, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { evaluationSet } from '../src/context.js';
import { evaluateOnBatch, ParameterUploads } from '../src/evaluation.js';
import { evaluationBatch } from '../src/learning-data.js';

const delaydm1 = yang19.find((task) => task.id === 'delaydm1')!;

function parts() {
  const options = resolveTaskOptions(delaydm1, { batchSize: 3 });
  const rng = createRng(1);
  return [delaydm1.generate(rng.fork(0), options), delaydm1.generate(rng.fork(1), options)];
}

describe('evaluateOnBatch', () => {
  it('scores a padded batch like its parts: same performance, loss over the real steps', async () => {
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
    expect(a.steps).not.toBe(b.steps);
    const joined = await evaluateOnBatch(model, mixBatches([a, b]), { noiseScale: 0 });
    const first = await evaluateOnBatch(model, a, { noiseScale: 0 });
    const second = await evaluateOnBatch(model, b, { noiseScale: 0 });
    expect(joined.performance).toBeCloseTo((first.performance + second.performance) / 2, 12);
    const expectedLoss = (first.loss * a.steps + second.loss * b.steps) / (a.steps + b.steps);
    expect(joined.loss).toBeCloseTo(expectedLoss, 6);
    const direct = await model.forward(a, { noiseScale: 0 });
    expect(first.loss).toBe(direct.loss);
    // it says which score judged the trials: Yang's by default, the batch's (the task's) own otherwise
    expect([joined.score, first.score]).toEqual(['yang19-last-step', 'yang19-last-step']);
    const timed = await evaluateOnBatch(model, { ...a, score: responseTimingScore() }, { noiseScale: 0 });
    expect(timed.score).toBe('response-timing');
    expect(timed.loss).toBe(first.loss);
    model.dispose();
    await engine.dispose();
  });
});

describe('evaluationBatch', () => {
  it('covers the per-batch timing draws of the Yang tasks with batches of 32 trials', () => {
    const set = evaluationBatch(delaydm1, { trials: 256, seed: 4 });
    expect(set.batchSize).toBe(256);
    expect(set.taskId).toBe('delaydm1');
    expect(new Set(set.trialSteps).size).toBeGreaterThan(4);
    expect(new Set(evaluationBatch(delaydm1, { trials: 64, seed: 4, batchSize: 64 }).trialSteps).size).toBe(1);
  });
});

describe('ParameterUploads', () => {
  it('sends the engine only the tensors that are other arrays than the ones it sent last', async () => {
    const engine = await createNativeEngine({ threads: 1 });
    try {
      const config: RnnConfig = {
        inputSize: 3,
        hiddenSize: 4,
        outputSize: 2,
        activation: 'tanh',
        outputActivation: 'sigmoid',
        alpha: 0.2,
        recurrentNoise: 0,
      };
      const parameters = initRnnParameters(config, { seed: 1 });
      const model = engine.createModel({ config, parameters });
      const sent: string[][] = [];
      const recording = {
        setParameters: (values: Parameters<typeof model.setParameters>[0]) => {
          sent.push(Object.keys(values).sort());
          model.setParameters(values);
        },
      };
      const uploads = new ParameterUploads();
      uploads.upload(recording, parameters);
      uploads.upload(recording, { ...parameters });
      const noisy = { ...parameters, recurrentWeights: parameters.recurrentWeights.map((w) => w + 1) };
      uploads.upload(recording, noisy);
      expect(model.getParameters().recurrentWeights).toEqual(noisy.recurrentWeights);
      uploads.upload(recording, parameters);
      expect(sent).toEqual([
        ['inputWeights', 'outputBias', 'outputWeights', 'recurrentBias', 'recurrentWeights'],
        ['recurrentWeights'],
        ['recurrentWeights'],
      ]);
      expect(model.getParameters()).toEqual(parameters);
      uploads.reset();
      uploads.upload(recording, parameters);
      expect(sent).toHaveLength(4);
      model.dispose();
    } finally {
      await engine.dispose();
    }
  });
});

describe('evaluationSet', () => {
  it('makes each task batch when asked: the same trials as evaluationBatch, none kept between calls', async () => {
    const engine = await createNativeEngine({ threads: 1 });
    const fdgo = yang19.find((task) => task.id === 'fdgo')!;
    const context = { engine, tasks: { get: (id: string) => yang19.find((task) => task.id === id)! } };
    const set = evaluationSet(context, [fdgo, delaydm1], 40, 7);
    expect(set.size).toBe(2);
    expect([...set.keys()]).toEqual(['fdgo', 'delaydm1']);
    expect(set.has('delaydm1')).toBe(true);
    expect(set.has('dm1')).toBe(false);
    expect(set.get('dm1')).toBeUndefined();
    const expected = evaluationBatch(delaydm1, { trials: 40, seed: 7 });
    const first = set.get('delaydm1')!;
    const second = set.get('delaydm1')!;
    expect(first).not.toBe(second); // made again, not held by the set
    for (const batch of [first, second]) {
      expect(batch.inputs).toEqual(expected.inputs);
      expect(batch.targets).toEqual(expected.targets);
      expect(batch.mask).toEqual(expected.mask);
    }
    const entries = [...set];
    expect(entries.map(([id]) => id)).toEqual(['fdgo', 'delaydm1']);
    expect(entries[1][1].inputs).toEqual(expected.inputs);
    expect([...set.values()][0].inputs).toEqual(evaluationBatch(fdgo, { trials: 40, seed: 7 }).inputs);
    const seen: string[] = [];
    set.forEach((batch, id) => {
      seen.push(`${id}:${batch.batchSize}`);
    });
    expect(seen).toEqual(['fdgo:40', 'delaydm1:40']);
    expect(() => evaluationSet(context, [fdgo], 0, 7)).toThrow(/evaluation trials must be an integer >= 1, got 0/);
    await engine.dispose();
  });
});
