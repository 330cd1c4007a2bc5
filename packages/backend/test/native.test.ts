/**
 * What the native engine promises beyond the shared conformance suite (native-conformance.test.ts):
 * kernel selection, the readout-only path (no BPTT at all), accuracy of the vector activations over a
 * wide range, bit-identical results for every thread count, and no memory growth in steady training.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Activation, TrainableFlags } from '../src/engine.js';
import { MOLAP_ERROR_BRAND } from '../src/errors.js';
import { createNativeEngine } from '../src/native/engine.js';
import { FLUSH_BELOW } from '../src/native/kernels.js';
import { startThreadPool, type WorkerStarter } from '../src/native/pool.js';
import { createThreadPool } from '../src/native/threads.js';
import { fillNoise } from '../src/noise.js';
import { referenceForward, referenceGradients } from '../src/reference.js';
import { randomBatch, randomParameters, relativeError, smallConfig } from './fixtures.js';

const READOUT_ONLY: TrainableFlags = {
  inputWeights: false,
  recurrentWeights: false,
  recurrentBias: false,
  outputWeights: true,
  outputBias: true,
};

describe('native engine', () => {
  it('reports its kernels and thread count, and rejects bad options', async () => {
    const simd = await createNativeEngine({ threads: 1 });
    expect([simd.name, simd.simd, simd.threads]).toEqual(['native', true, 1]);
    await simd.dispose();
    const js = await createNativeEngine({ simd: false, threads: 4 });
    expect([js.simd, js.threads]).toEqual([false, 1]);
    await js.dispose();
    await expect(createNativeEngine({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });

  it.each([
    ['wasm SIMD', true],
    ['plain JS', false],
  ] as const)('trains the readout alone without back-propagation through time (%s)', async (_name, simd) => {
    const engine = await createNativeEngine({ simd, threads: 1 });
    const config = smallConfig({ modules: [2, 3], recurrentNoise: 0.1 });
    const parameters = randomParameters(config, 1);
    const batch = randomBatch(config, 6, 3, 2);
    const model = engine.createModel({ config, parameters, trainable: READOUT_ONLY });
    const { gradients } = await model.gradients(batch, { noiseSeed: 3 });
    const expected = referenceGradients(config, parameters, batch, {
      standardNormal: fillNoise(3, 0, new Float32Array(6 * 3 * config.hiddenSize)),
    }).gradients;
    expect(Object.keys(gradients).sort()).toEqual(['outputBias', 'outputWeights']);
    expect(relativeError(gradients.outputWeights!, expected.outputWeights)).toBeLessThan(1e-4);
    expect(relativeError(gradients.outputBias!, expected.outputBias)).toBeLessThan(1e-4);
    await engine.dispose();
  });

  it.each(['softplus', 'relu', 'tanh'] as Activation[])(
    'computes %s accurately over [−40, 40] (softplus below 2^-40 is exactly 0)',
    async (activation) => {
      const engine = await createNativeEngine({ threads: 1 });
      // one unit driven straight by its input: pre = w·x with w = 1, α = 1, so h = φ(x)
      const config = { ...smallConfig({ activation, inputSize: 1, hiddenSize: 1, outputSize: 1 }), alpha: 1 };
      const steps = 4001;
      const inputs = Float32Array.from({ length: steps }, (_, t) => -40 + (80 * t) / (steps - 1));
      const batch = { steps, batchSize: 1, inputs, targets: new Float32Array(steps), mask: new Float32Array(steps) };
      const parameters = {
        inputWeights: Float32Array.of(1),
        recurrentWeights: Float32Array.of(0),
        recurrentBias: Float32Array.of(0),
        outputWeights: Float32Array.of(0),
        outputBias: Float32Array.of(0),
      };
      const model = engine.createModel({ config, parameters });
      const { states } = await model.forward(batch, { keepStates: true });
      const expected = referenceForward(config, parameters, batch).states;
      for (let t = 0; t < steps; t++) {
        // softplus(x) < 2^-40 (x < −27.7) is flushed to exactly 0 (FLUSH_BELOW: no subnormal floats downstream)
        if (activation === 'softplus' && expected[t] < 0.99 * FLUSH_BELOW) {
          expect(states![t], `φ(${inputs[t]})`).toBe(0);
          continue;
        }
        const tolerance =
          3e-7 * Math.abs(expected[t]) +
          (activation === 'softplus' && expected[t] < 1.01 * FLUSH_BELOW ? expected[t] : 1e-30);
        expect(Math.abs(states![t] - expected[t]), `φ(${inputs[t]})`).toBeLessThanOrEqual(tolerance);
      }
      await engine.dispose();
    },
  );

  it.each([
    ['wasm SIMD', true],
    ['plain JS', false],
  ] as const)(
    'writes no subnormal float when the readout saturates and units fall silent (%s)',
    async (_name, simd) => {
      // x86 cores compute on subnormal floats through a slow microcode path, and WebAssembly cannot turn on
      // flush-to-zero: a saturated sigmoid (y ≈ 1e-38) made a whole multitask RNN train 6× slower per step.
      const engine = await createNativeEngine({ simd, threads: 1 });
      const config = smallConfig({ inputSize: 3, hiddenSize: 8, outputSize: 4 });
      const parameters = randomParameters(config, 7);
      parameters.outputBias.fill(-100); // every output saturated at 0
      parameters.recurrentBias.fill(-100); // every unit silent
      const batch = randomBatch(config, 6, 3, 11);
      const model = engine.createModel({ config, parameters });
      const forward = await model.forward(batch, { noiseScale: 0, keepStates: true });
      const { gradients } = await model.gradients(batch, { noiseScale: 0 });
      const subnormal = (values: Float32Array) => values.filter((v) => v !== 0 && Math.abs(v) < 2 ** -126).length;
      expect(forward.outputs.every((y) => y === 0)).toBe(true);
      expect(forward.states!.every((h) => h === 0)).toBe(true);
      for (const [name, values] of Object.entries(gradients)) expect(subnormal(values!), name).toBe(0);
      // without the flush these are 1e-44 to 1e-38: y(1 − y) of the readout and φ' of the silent units
      expect(Object.values(gradients).every((values) => values!.every((v) => v === 0))).toBe(true);
      await engine.dispose();
    },
  );

  it('gives bit-identical losses, parameters and states for 1, 2 and 3 threads', async () => {
    const config = smallConfig({ inputSize: 5, outputSize: 3, modules: [16, 24], recurrentNoise: 0.1 });
    const parameters = randomParameters(config, 51);
    const batches = [0, 1, 2].map((i) => randomBatch(config, 9, 7, 60 + i));
    const results = [];
    for (const threads of [1, 2, 3]) {
      const engine = await createNativeEngine({ simd: true, threads });
      const model = engine.createModel({ config, parameters, clipping: { kind: 'norm', maxNorm: 0.5 } });
      const losses = [];
      for (let step = 0; step < 3; step++) losses.push(await model.trainStep(batches[step], { noiseSeed: step }));
      const forward = await model.forward(batches[0], { noiseSeed: 9, keepStates: true });
      const { gradients } = await model.gradients(batches[1], { noiseSeed: 10 });
      results.push({ losses, parameters: model.getParameters(), states: forward.states, gradients });
      await engine.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('does not grow over 1,000 training steps (wasm heap and JS heap)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const engine = await createNativeEngine({ simd: true, threads: 2 });
    const config = smallConfig({ hiddenSize: 16, modules: [8, 8], recurrentNoise: 0.05 });
    const model = engine.createModel({ config, parameters: randomParameters(config, 71) });
    const batches = [0, 1, 2, 3].map((i) => randomBatch(config, 10 + i, 4, 73 + i));
    let seed = 0;
    const train = async (steps: number) => {
      for (let step = 0; step < steps; step++) await model.trainStep(batches[step % 4], { noiseSeed: seed++ });
    };
    await train(100);
    gc();
    const wasmBytes = engine.heapBytes();
    const allocated = engine.allocatedBytes();
    const jsHeap = process.memoryUsage().heapUsed;
    await train(1000);
    gc();
    expect(engine.heapBytes()).toBe(wasmBytes);
    expect(engine.allocatedBytes()).toBe(allocated);
    expect(process.memoryUsage().heapUsed - jsHeap).toBeLessThan(2 * 2 ** 20);
    model.dispose();
    expect(engine.allocatedBytes()).toBeLessThan(allocated);
    await engine.dispose();
  });
});

describe('native engine memory', () => {
  it('frees the training buffers for an evaluation batch bigger than the training batches, with the same results', async () => {
    const config = smallConfig({ inputSize: 10, hiddenSize: 128, outputSize: 3, recurrentNoise: 0.05 });
    const training = [0, 1, 2].map((i) => randomBatch(config, 40, 16, 91 + i));
    const evaluation = randomBatch(config, 40, 64, 97);
    /** Trains 3 steps, evaluates the big batch when `evaluate`, trains 3 more; the heap's high-water mark and results. */
    const session = async (evaluate: boolean) => {
      const engine = await createNativeEngine({ simd: true, threads: 1 });
      const model = engine.createModel({ config, parameters: randomParameters(config, 89) });
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        if (step === 3 && evaluate) await model.forward(evaluation, { noiseSeed: 5, keepStates: true });
        losses.push(await model.trainStep(training[step % 3], { noiseSeed: step }));
      }
      const last = await model.forward(evaluation, { noiseSeed: 5, keepStates: true });
      const result = {
        highWater: engine.highWaterBytes(),
        losses,
        outputs: last.outputs,
        parameters: model.getParameters(),
      };
      model.dispose();
      await engine.dispose();
      return result;
    };
    /** A model that only evaluates the big batch: its parameters, optimiser state and one set of forward buffers. */
    const evaluationOnly = async () => {
      const engine = await createNativeEngine({ simd: true, threads: 1 });
      const model = engine.createModel({ config, parameters: randomParameters(config, 89) });
      await model.forward(evaluation, { noiseSeed: 5, keepStates: true });
      const highWater = engine.highWaterBytes();
      model.dispose();
      await engine.dispose();
      return highWater;
    };
    const [between, without, floor] = [await session(true), await session(false), await evaluationOnly()];
    // Training buffers of 16 trials (about 1.4 MB here) are not kept beside the forward buffers of 64.
    expect(between.highWater).toBeLessThanOrEqual(floor + 64 * 1024);
    expect(between.losses).toEqual(without.losses);
    expect(between.outputs).toEqual(without.outputs);
    expect(between.parameters).toEqual(without.parameters);
  });

  it('keeps two steps of states, not T, when a forward pass does not return them, with the same outputs and loss', async () => {
    const config = smallConfig({
      inputSize: 10,
      hiddenSize: 96,
      outputSize: 3,
      recurrentNoise: 0.05,
      modules: [32, 64],
    });
    const [T, B] = [60, 48];
    const batch = randomBatch(config, T, B, 41);
    /** One forward pass of a new model on 2 threads: its result and the heap's high-water mark. */
    const pass = async (keepStates: boolean) => {
      const engine = await createNativeEngine({ simd: true, threads: 2 });
      const model = engine.createModel({ config, parameters: randomParameters(config, 43) });
      const result = await model.forward(batch, { noiseSeed: 7, keepStates });
      const highWater = engine.highWaterBytes();
      model.dispose();
      await engine.dispose();
      return { result, highWater };
    };
    const [kept, rolled] = [await pass(true), await pass(false)];
    expect(rolled.result.outputs).toEqual(kept.result.outputs);
    expect(rolled.result.loss).toBe(kept.result.loss);
    expect(rolled.result.states).toBeUndefined();
    expect(kept.result.states).toHaveLength(T * B * config.hiddenSize);
    // The states of T + 1 steps against 2: (T - 1)·B·N floats less, give or take the allocator's rounding.
    const saved = (T - 1) * B * config.hiddenSize * 4;
    expect(kept.highWater - rolled.highWater).toBeGreaterThanOrEqual(saved - 64 * 1024);
    expect(kept.highWater - rolled.highWater).toBeLessThanOrEqual(saved + 64 * 1024);
  });
});

describe('native engine worker threads', () => {
  it('never keep a process alive: a script that forgets dispose() still exits', async () => {
    const { spawnSync } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    expect(existsSync(dist), 'this test runs the built package: run `npm run build` first').toBe(true);
    const script = `
      const { createNativeEngine } = await import(${JSON.stringify(dist)});
      const engine = await createNativeEngine({ threads: 3 });
      const config = { inputSize: 2, hiddenSize: 8, outputSize: 1, activation: 'tanh', outputActivation: 'linear', alpha: 0.5, recurrentNoise: 0 };
      const f = (n) => new Float32Array(n).fill(0.1);
      const model = engine.createModel({ config, parameters: { inputWeights: f(16), recurrentWeights: f(64), recurrentBias: f(8), outputWeights: f(8), outputBias: f(1) } });
      const loss = await model.trainStep({ steps: 4, batchSize: 6, inputs: f(48), targets: f(24), mask: f(24) });
      console.log('threads', engine.threads, 'loss', loss > 0);
    `;
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('threads 3 loss true');
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('that fail to start are a molap error of the engine, with a hint', async () => {
    // A module importing a function the workers do not provide: instantiating it fails in every worker.
    const bytes = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0];
    const module = new WebAssembly.Module(new Uint8Array(bytes));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const started = createThreadPool({} as never, module, memory, 2);
    await expect(started).rejects.toMatchObject({
      code: 'engine-unavailable',
      kind: 'failure',
      problem: expect.stringMatching(/^native engine worker 1 failed to start: /),
      hint: expect.stringMatching(/threads: 1/),
    });
    const error = (await started.catch((thrown: unknown) => thrown)) as Record<symbol, unknown>;
    expect(error[MOLAP_ERROR_BRAND]).toBe(true);
  });

  it('are all stopped when one fails to start, whatever starts them (the pool Node and browsers share)', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const terminated: number[] = [];
    const starter: WorkerStarter = {
      start: (init) => ({
        ready: init.thread === 2 ? Promise.reject('no kernels here') : Promise.resolve(),
        terminate: async () => {
          terminated.push(init.thread);
        },
      }),
      startHint: 'pass threads: 1',
    };
    await expect(startThreadPool({} as never, {}, memory, 4, starter)).rejects.toMatchObject({
      code: 'engine-unavailable',
      problem: 'native engine worker 2 failed to start: no kernels here',
      hint: 'pass threads: 1',
    });
    expect(terminated.sort()).toEqual([1, 2, 3]);
  });
});
