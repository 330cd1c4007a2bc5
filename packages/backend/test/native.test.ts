import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activation, RnnConfig, TrainableFlags } from '../src/engine.js';
import { PARAMETER_NAMES } from '../src/engine.js';
import { createNativeEngine, type NativeEngine } from '../src/native/engine.js';
import {
  finiteDifferences,
  randomBatch,
  randomParameters,
  referenceForward,
  relativeError,
  smallConfig,
  testRandom,
} from './native-fixtures.js';

const ALL: TrainableFlags = {
  inputWeights: true,
  recurrentWeights: true,
  recurrentBias: true,
  outputWeights: true,
  outputBias: true,
};
const ACTIVATIONS: Activation[] = ['softplus', 'relu', 'tanh'];

interface Scenario {
  title: string;
  config: RnnConfig;
  trainable: TrainableFlags;
  noise: boolean;
  unitMask: boolean;
}

const scenarios: Scenario[] = ACTIVATIONS.flatMap((activation) => [
  {
    title: `${activation}, one block`,
    config: smallConfig({ activation }),
    trainable: ALL,
    noise: false,
    unitMask: false,
  },
  {
    title: `${activation}, modules [3, 5], noise, unit mask`,
    config: smallConfig({ activation, modules: [3, 5], recurrentNoise: 0.1 }),
    trainable: ALL,
    noise: true,
    unitMask: true,
  },
  {
    title: `${activation}, modules [2, 1, 5], frozen W_rec and b_rec, linear output, noise`,
    config: smallConfig({ activation, modules: [2, 1, 5], recurrentNoise: 0.05, outputActivation: 'linear' }),
    trainable: { ...ALL, recurrentWeights: false, recurrentBias: false },
    noise: true,
    unitMask: false,
  },
  {
    title: `${activation}, readout only`,
    config: smallConfig({ activation }),
    trainable: { ...ALL, inputWeights: false, recurrentWeights: false, recurrentBias: false },
    noise: false,
    unitMask: false,
  },
]);

const unitMaskFor = (config: RnnConfig) =>
  Float32Array.from({ length: config.hiddenSize }, (_, i) => (i % 4 === 1 ? 0 : 1));

describe.each([
  ['wasm SIMD, 1 thread', { simd: true, threads: 1 }],
  ['wasm SIMD, 2 threads', { simd: true, threads: 2 }],
  ['plain-JS fallback', { simd: false }],
] as const)('native engine (%s)', (_name, engineOptions) => {
  let engine: NativeEngine;
  beforeAll(async () => {
    engine = await createNativeEngine(engineOptions);
  }, 60_000);
  afterAll(async () => {
    await engine.dispose();
  });

  it('reports its kernels and threads', () => {
    expect(engine.name).toBe('native');
    expect(engine.simd).toBe(engineOptions.simd);
    expect(engine.threads).toBe('threads' in engineOptions ? engineOptions.threads : 1);
  });

  describe.each(scenarios)('$title', ({ config, trainable, noise, unitMask }) => {
    const parameters = randomParameters(config, 11);
    const batch = randomBatch(config, 7, 5, 12);
    const run = {
      ...(noise ? { noiseSeed: 13 } : {}),
      ...(unitMask ? { unitMask: unitMaskFor(config) } : {}),
    };

    it('forward: outputs, states and loss match the float64 reference', async () => {
      const model = engine.createModel({ config, parameters, trainable });
      const result = await model.forward(batch, { ...run, keepStates: true });
      const expected = referenceForward(config, parameters, batch, run);
      expect(relativeError(result.outputs, expected.outputs)).toBeLessThan(1e-5);
      expect(relativeError(result.states!, expected.states)).toBeLessThan(1e-5);
      expect(Math.abs(result.loss - expected.loss) / expected.loss).toBeLessThan(1e-5);
      model.dispose();
    });

    it('gradients: the trainable parameters only, matching float64 central finite differences (< 1e-4)', async () => {
      const model = engine.createModel({ config, parameters, trainable });
      const { loss, gradients } = await model.gradients(batch, run);
      const expected = finiteDifferences(config, parameters, batch, run);
      expect(Math.abs(loss - referenceForward(config, parameters, batch, run).loss)).toBeLessThan(1e-6);
      for (const name of PARAMETER_NAMES) {
        if (!trainable[name]) {
          expect(gradients[name], name).toBeUndefined();
          continue;
        }
        expect(relativeError(gradients[name]!, expected[name]), name).toBeLessThan(1e-4);
      }
      model.dispose();
    });
  });

  describe('training step', () => {
    const config = smallConfig({ modules: [4, 4], recurrentNoise: 0.05 });
    const parameters = randomParameters(config, 21);
    const batch = randomBatch(config, 6, 4, 22);

    it.each([
      ['value', { kind: 'value', value: 0.01 }],
      ['norm', { kind: 'norm', maxNorm: 0.02 }],
      ['none', { kind: 'none' }],
    ] as const)(
      'clips (%s) and applies TF-style Adam to the gradients, with extra gradients',
      async (_kind, clipping) => {
        const adam = { learningRate: 0.01, beta1: 0.8, beta2: 0.9, epsilon: 1e-6 };
        const trainable = { ...ALL, recurrentBias: false };
        const probe = engine.createModel({ config, parameters, trainable });
        const model = engine.createModel({ config, parameters, trainable, adam, clipping });
        const extra = new Float32Array(parameters.outputBias.length).fill(0.003);
        const m = new Map<string, Float64Array>();
        const v = new Map<string, Float64Array>();
        let expected = parameters;
        for (let step = 1; step <= 2; step++) {
          probe.setParameters(expected);
          const { gradients } = await probe.gradients(batch, { noiseSeed: step });
          gradients.outputBias = gradients.outputBias!.map((g, i) => g + extra[i]);
          const names = PARAMETER_NAMES.filter((name) => trainable[name]);
          let scale = 1;
          if (clipping.kind === 'norm') {
            const norm = Math.sqrt(names.reduce((s, n) => s + gradients[n]!.reduce((a, g) => a + g * g, 0), 0));
            scale = norm > clipping.maxNorm ? clipping.maxNorm / norm : 1;
          }
          const lrT = (adam.learningRate * Math.sqrt(1 - adam.beta2 ** step)) / (1 - adam.beta1 ** step);
          const next = { ...expected };
          for (const name of names) {
            const g = gradients[name]!.map((x) =>
              clipping.kind === 'value' ? Math.min(Math.max(x, -clipping.value), clipping.value) : x * scale,
            );
            const mi = m.get(name) ?? new Float64Array(g.length);
            const vi = v.get(name) ?? new Float64Array(g.length);
            next[name] = expected[name].map((theta, i) => {
              mi[i] = adam.beta1 * mi[i] + (1 - adam.beta1) * g[i];
              vi[i] = adam.beta2 * vi[i] + (1 - adam.beta2) * g[i] * g[i];
              return theta - (lrT * mi[i]) / (Math.sqrt(vi[i]) + adam.epsilon);
            });
            m.set(name, mi);
            v.set(name, vi);
          }
          const loss = await model.trainStep(batch, { noiseSeed: step, extraGradients: { outputBias: extra } });
          expect(loss).toBeGreaterThan(0);
          expected = next;
        }
        const actual = model.getParameters();
        for (const name of PARAMETER_NAMES)
          expect(relativeError(actual[name], expected[name]), name).toBeLessThan(1e-5);
        expect(actual.recurrentBias).toEqual(parameters.recurrentBias);
        const state = model.getOptimizerState();
        expect(state.step).toBe(2);
        expect(state.firstMoment.recurrentBias).toBeUndefined();
        expect(relativeError(state.secondMoment.outputWeights!, v.get('outputWeights')!)).toBeLessThan(1e-4);
        probe.dispose();
        model.dispose();
      },
    );

    it('keeps off-block recurrent weights as given and never uses them', async () => {
      const dense = randomParameters(smallConfig(), 31);
      const model = engine.createModel({ config, parameters: dense });
      const cleaned = engine.createModel({
        config,
        parameters: {
          ...dense,
          recurrentWeights: dense.recurrentWeights.map((w, k) => (Math.floor(k / 8) < 4 === k % 8 < 4 ? w : 0)),
        },
      });
      expect((await model.forward(batch, { noiseSeed: 1 })).outputs).toEqual(
        (await cleaned.forward(batch, { noiseSeed: 1 })).outputs,
      );
      await model.trainStep(batch, { noiseSeed: 1 });
      const after = model.getParameters().recurrentWeights;
      for (let k = 0; k < 64; k++) {
        if (Math.floor(k / 8) < 4 !== k % 8 < 4) expect(after[k]).toBe(dense.recurrentWeights[k]);
      }
      model.dispose();
      cleaned.dispose();
    });

    it('resumes exactly from parameters and optimizer state', async () => {
      const original = engine.createModel({ config, parameters });
      await original.trainStep(batch, { noiseSeed: 1 });
      const resumed = engine.createModel({ config, parameters: original.getParameters() });
      resumed.setOptimizerState(original.getOptimizerState());
      expect(await resumed.trainStep(batch, { noiseSeed: 2 })).toBe(await original.trainStep(batch, { noiseSeed: 2 }));
      expect(resumed.getParameters()).toEqual(original.getParameters());
      original.dispose();
      resumed.dispose();
    });
  });

  describe('input errors', () => {
    const config = smallConfig({ recurrentNoise: 0.1 });
    const parameters = randomParameters(config, 41);
    const batch = randomBatch(config, 3, 2, 42);
    it('rejects bad configs, parameters, batches and options with clear messages', async () => {
      expect(() => engine.createModel({ config: { ...config, hiddenSize: 0 }, parameters })).toThrow(/hiddenSize/);
      expect(() => engine.createModel({ config: { ...config, modules: [3, 3] }, parameters })).toThrow(
        /must sum to hiddenSize 8/,
      );
      expect(() =>
        engine.createModel({ config, parameters: { ...parameters, recurrentWeights: new Float32Array(3) } }),
      ).toThrow(/recurrentWeights must be a Float32Array of shape \[8, 8\]/);
      const model = engine.createModel({ config, parameters });
      await expect(model.forward({ ...batch, inputs: new Float32Array(5) })).rejects.toThrow(/batch\.inputs/);
      await expect(model.forward(batch)).rejects.toThrow(/noiseSeed is required/);
      await expect(model.forward(batch, { noiseSeed: 1, unitMask: new Float32Array(2) })).rejects.toThrow(/unitMask/);
      expect(() => model.setOptimizerState({ step: -1, firstMoment: {}, secondMoment: {} })).toThrow(/step/);
      model.dispose();
      await expect(model.forward(batch, { noiseSeed: 1 })).rejects.toThrow(/disposed/);
    });
  });
});

describe('native engine across thread counts', () => {
  it('gives bit-identical losses, parameters and states for 1, 2 and 3 threads', async () => {
    const config = smallConfig({ inputSize: 5, hiddenSize: 40, outputSize: 3, modules: [16, 24], recurrentNoise: 0.1 });
    const parameters = randomParameters(config, 51);
    const batches = [0, 1, 2].map((i) => randomBatch(config, 9, 7, 60 + i));
    const results = [];
    for (const threads of [1, 2, 3]) {
      const engine = await createNativeEngine({ simd: true, threads });
      const model = engine.createModel({ config, parameters, clipping: { kind: 'norm', maxNorm: 0.5 } });
      const losses = [];
      for (let step = 0; step < 3; step++) losses.push(await model.trainStep(batches[step], { noiseSeed: step }));
      const forward = await model.forward(batches[0], { noiseSeed: 9, keepStates: true });
      results.push({ losses, parameters: model.getParameters(), states: forward.states });
      await engine.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe('native engine memory', () => {
  it('does not grow over 1,000 training steps (wasm heap and JS heap)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const engine = await createNativeEngine({ simd: true, threads: 2 });
    const config = smallConfig({ hiddenSize: 16, modules: [8, 8], recurrentNoise: 0.05 });
    const model = engine.createModel({ config, parameters: randomParameters(config, 71) });
    const random = testRandom(72);
    const batches = [0, 1, 2, 3].map((i) => randomBatch(config, 10 + i, 4, 73 + i));
    const run = async (steps: number) => {
      for (let step = 0; step < steps; step++) {
        await model.trainStep(batches[step % 4], { noiseSeed: Math.floor(random() * 1e9) });
      }
    };
    await run(100);
    gc();
    const wasmBytes = engine.heapBytes();
    const allocated = engine.allocatedBytes();
    const jsHeap = process.memoryUsage().heapUsed;
    await run(1000);
    gc();
    expect(engine.heapBytes()).toBe(wasmBytes);
    expect(engine.allocatedBytes()).toBe(allocated);
    expect(process.memoryUsage().heapUsed - jsHeap).toBeLessThan(2 * 2 ** 20);
    model.dispose();
    await engine.dispose();
  });
});
