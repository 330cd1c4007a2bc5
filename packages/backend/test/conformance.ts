/**
 * Engine conformance suite: the same model tests for every engine. Call `describeEngineConformance` from a
 * test file with a factory of the engine under test; every expectation is checked against the float64
 * reference (`src/reference.ts`), whose gradients are themselves checked by central finite differences.
 *
 *   describeEngineConformance('tfjs-wasm', () => createTfjsEngine({ backend: 'wasm' }));
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Activation,
  type Engine,
  type EngineModel,
  type GradientClipping,
  type ModelOptions,
  PARAMETER_NAMES,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
  type TrainableFlags,
  type TrainingBatch,
} from '../src/engine.js';
import { DEFAULT_ADAM, moduleMask } from '../src/model-options.js';
import { fillNoise } from '../src/noise.js';
import {
  type ReferenceAdamState,
  type ReferenceParameters,
  referenceForward,
  referenceGradients,
  referenceTrainStep,
} from '../src/reference.js';
import { finiteDifferenceGradients, randomBatch, randomParameters, relativeError, smallConfig } from './fixtures.js';

/** Float32 engines must agree with the float64 reference to this relative error (L2, per tensor). */
export const GRADIENT_TOLERANCE = 1e-4;
/** Agreement of losses, outputs and states with the reference. */
export const VALUE_TOLERANCE = 1e-5;
/** The reference must agree with its own finite differences to this relative error. */
const FINITE_DIFFERENCE_TOLERANCE = 1e-6;

const STEPS = 6;
const BATCH = 3;
const ACTIVATIONS: Activation[] = ['softplus', 'relu', 'tanh'];
const ALL_TRAINABLE: TrainableFlags = {
  inputWeights: true,
  recurrentWeights: true,
  recurrentBias: true,
  outputWeights: true,
  outputBias: true,
};

/** One model setting of the suite. */
interface Scenario {
  readonly title: string;
  readonly config: RnnConfig;
  readonly trainable: TrainableFlags;
  readonly noise: boolean;
  readonly unitMask: boolean;
}

function scenarios(): Scenario[] {
  return ACTIVATIONS.flatMap((activation): Scenario[] => [
    {
      title: `${activation}, one block`,
      config: smallConfig({ activation }),
      trainable: ALL_TRAINABLE,
      noise: false,
      unitMask: false,
    },
    {
      title: `${activation}, modules [2, 3], noise, unit mask`,
      config: smallConfig({ activation, modules: [2, 3], recurrentNoise: 0.1 }),
      trainable: ALL_TRAINABLE,
      noise: true,
      unitMask: true,
    },
    {
      title: `${activation}, modules [3, 1, 2], frozen W_rec and b_rec, linear output`,
      config: smallConfig({ activation, modules: [3, 1, 2], recurrentNoise: 0.05, outputActivation: 'linear' }),
      trainable: { ...ALL_TRAINABLE, recurrentWeights: false, recurrentBias: false },
      noise: true,
      unitMask: false,
    },
  ]);
}

/** ξ [T, B, N] of the shared noise stream for a seed. */
function standardNormal(seed: number, batch: TrainingBatch, hiddenSize: number): Float32Array {
  return fillNoise(seed, 0, new Float32Array(batch.steps * batch.batchSize * hiddenSize));
}

function unitMaskFor(config: RnnConfig): Float32Array {
  return Float32Array.from({ length: config.hiddenSize }, (_, i) => (i === 1 ? 0 : 1));
}

function zeroAdamState(): ReferenceAdamState {
  return { step: 0, firstMoment: {}, secondMoment: {} };
}

/** Registers the conformance tests of one engine. */
/** Trials [first, end) of a time-major batch, as a batch of their own. */
function trialsOf(batch: TrainingBatch, first: number, end: number, config: RnnConfig): TrainingBatch {
  const size = end - first;
  const take = (values: Float32Array, width: number) => {
    const out = new Float32Array(batch.steps * size * width);
    for (let t = 0; t < batch.steps; t++) {
      const from = (t * batch.batchSize + first) * width;
      out.set(values.subarray(from, from + size * width), t * size * width);
    }
    return out;
  };
  return {
    steps: batch.steps,
    batchSize: size,
    inputs: take(batch.inputs, config.inputSize),
    targets: take(batch.targets, config.outputSize),
    mask: take(batch.mask, config.outputSize),
  };
}

export function describeEngineConformance(engineName: string, createEngine: () => Promise<Engine>): void {
  describe(`engine conformance: ${engineName}`, () => {
    let engine: Engine;
    const models: EngineModel[] = [];
    const makeModel = (options: ModelOptions) => {
      const model = engine.createModel(options);
      models.push(model);
      return model;
    };

    // Loading an engine (compiling WebAssembly, starting workers) can be slow on a busy machine.
    beforeAll(async () => {
      engine = await createEngine();
    }, 60_000);
    afterAll(async () => {
      for (const model of models) model.dispose();
      await engine?.dispose();
    });

    describe.each(scenarios())('$title', (scenario) => {
      const { config, trainable } = scenario;
      const parameters = randomParameters(config, 21);
      const batch = randomBatch(config, STEPS, BATCH, 22);
      const noiseSeed = 23;
      const engineRun = {
        ...(scenario.noise ? { noiseSeed } : {}),
        ...(scenario.unitMask ? { unitMask: unitMaskFor(config) } : {}),
      };
      const referenceRun = {
        ...(scenario.noise ? { standardNormal: standardNormal(noiseSeed, batch, config.hiddenSize) } : {}),
        ...(scenario.unitMask ? { unitMask: unitMaskFor(config) } : {}),
      };

      it('reference gradients match central finite differences (float64)', () => {
        const { gradients } = referenceGradients(config, parameters, batch, referenceRun);
        const asFloat64 = Object.fromEntries(
          PARAMETER_NAMES.map((name) => [name, Float64Array.from(parameters[name])]),
        ) as ReferenceParameters;
        const numeric = finiteDifferenceGradients(
          (p) => referenceForward(config, p, batch, referenceRun).loss,
          asFloat64,
        );
        for (const name of PARAMETER_NAMES) {
          expect(relativeError(gradients[name], numeric[name]), name).toBeLessThan(FINITE_DIFFERENCE_TOLERANCE);
        }
      });

      it('forward: outputs, states and loss match the reference', async () => {
        const model = makeModel({ config, parameters, trainable });
        const result = await model.forward(batch, { ...engineRun, keepStates: true });
        const expected = referenceForward(config, parameters, batch, referenceRun);
        expect(result.outputs).toBeInstanceOf(Float32Array);
        expect(result.outputs.length).toBe(STEPS * BATCH * config.outputSize);
        expect(relativeError(result.outputs, expected.outputs)).toBeLessThan(VALUE_TOLERANCE);
        expect(relativeError(result.states!, expected.states)).toBeLessThan(VALUE_TOLERANCE);
        expect(Math.abs(result.loss - expected.loss) / expected.loss).toBeLessThan(VALUE_TOLERANCE);
      });

      it('gradients: exactly the trainable parameters, matching the reference', async () => {
        const model = makeModel({ config, parameters, trainable });
        const { loss, gradients } = await model.gradients(batch, engineRun);
        const expected = referenceGradients(config, parameters, batch, referenceRun);
        expect(Math.abs(loss - expected.loss) / expected.loss).toBeLessThan(VALUE_TOLERANCE);
        for (const name of PARAMETER_NAMES) {
          if (!trainable[name]) {
            expect(gradients[name], `${name} is frozen`).toBeUndefined();
            continue;
          }
          expect(gradients[name]).toBeInstanceOf(Float32Array);
          expect(relativeError(gradients[name]!, expected.gradients[name]), name).toBeLessThan(GRADIENT_TOLERANCE);
        }
        const mask = moduleMask(config);
        if (mask && gradients.recurrentWeights) {
          for (let i = 0; i < mask.length; i++)
            if (mask[i] === 0) expect(Math.abs(gradients.recurrentWeights[i])).toBe(0);
        }
      });

      it('trainStep: gradients + clipping + Adam over three steps match the reference', async () => {
        const model = makeModel({ config, parameters, trainable });
        let expected: { parameters: ReferenceParameters; state: ReferenceAdamState } = {
          parameters,
          state: zeroAdamState(),
        };
        for (let step = 0; step < 3; step++) {
          const stepBatch = randomBatch(config, STEPS, BATCH, 100 + step);
          const seed = noiseSeed + step;
          const loss = await model.trainStep(stepBatch, {
            ...engineRun,
            ...(scenario.noise ? { noiseSeed: seed } : {}),
          });
          const reference = referenceTrainStep(config, expected.parameters, expected.state, stepBatch, {
            ...referenceRun,
            ...(scenario.noise ? { standardNormal: standardNormal(seed, stepBatch, config.hiddenSize) } : {}),
            trainable,
            adam: DEFAULT_ADAM,
            clipping: { kind: 'value', value: 1 },
          });
          expect(Math.abs(loss - reference.loss) / reference.loss).toBeLessThan(VALUE_TOLERANCE);
          expected = reference;
        }
        const actual = model.getParameters();
        for (const name of PARAMETER_NAMES) {
          if (trainable[name]) {
            // Compare the updates, which is where the steps show (the parameters themselves barely move).
            const update = actual[name].map((value, i) => value - parameters[name][i]);
            const expectedUpdate = expected.parameters[name] as Float64Array;
            const reference = expectedUpdate.map((value, i) => value - parameters[name][i]);
            expect(relativeError(update, reference), name).toBeLessThan(GRADIENT_TOLERANCE);
          } else {
            expect(actual[name], `${name} is frozen`).toEqual(parameters[name]);
          }
        }
        const state = model.getOptimizerState();
        expect(state.step).toBe(3);
        expect(Object.keys(state.firstMoment).sort()).toEqual(PARAMETER_NAMES.filter((n) => trainable[n]).sort());
      });
    });

    describe('clipping, extra gradients and Adam hyper-parameters', () => {
      const config = smallConfig({ activation: 'tanh', modules: [2, 3] });
      const parameters = randomParameters(config, 31);
      const batch = randomBatch(config, STEPS, BATCH, 32);
      // Inside the module blocks only; off-block entries are checked on their own below.
      const extraGradients: RnnGradients = {
        recurrentWeights: new Float32Array(25).map((_, i) => 0.3 * moduleMask(config)![i]),
        outputBias: new Float32Array([0.5, -2]),
      };
      const clippings: GradientClipping[] = [
        { kind: 'none' },
        { kind: 'value', value: 0.01 },
        { kind: 'norm', maxNorm: 0.05 },
      ];
      it.each(clippings)('clipping %o with extra gradients matches the reference', async (clipping) => {
        const adam = { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 };
        const model = makeModel({ config, parameters, clipping, adam });
        let expected: { parameters: ReferenceParameters; state: ReferenceAdamState } = {
          parameters,
          state: zeroAdamState(),
        };
        for (let step = 0; step < 2; step++) {
          await model.trainStep(batch, { extraGradients });
          expected = referenceTrainStep(config, expected.parameters, expected.state, batch, {
            trainable: ALL_TRAINABLE,
            adam,
            clipping,
            extraGradients,
          });
        }
        const actual = model.getParameters();
        for (const name of PARAMETER_NAMES) {
          const update = actual[name].map((value, i) => value - parameters[name][i]);
          const reference = (expected.parameters[name] as Float64Array).map((value, i) => value - parameters[name][i]);
          expect(relativeError(update, reference), name).toBeLessThan(GRADIENT_TOLERANCE);
        }
      });
      it('gives no update to off-block W_rec entries, even from an extra gradient there', async () => {
        const model = makeModel({ config, parameters });
        await model.trainStep(batch, { extraGradients: { recurrentWeights: new Float32Array(25).fill(0.3) } });
        const actual = model.getParameters().recurrentWeights;
        const mask = moduleMask(config)!;
        for (let i = 0; i < mask.length; i++) {
          if (mask[i] === 0) expect(actual[i], `W_rec entry ${i} is off-block`).toBe(parameters.recurrentWeights[i]);
        }
      });
    });

    describe('edge cases', () => {
      it('a single time step: W_rec gets a zero gradient (h_{−1} = 0)', async () => {
        const config = smallConfig({ modules: [2, 3] });
        const parameters = randomParameters(config, 45);
        const batch = randomBatch(config, 1, BATCH, 46);
        const { gradients } = await makeModel({ config, parameters }).gradients(batch);
        const expected = referenceGradients(config, parameters, batch);
        expect(Array.from(gradients.recurrentWeights!, Math.abs)).toEqual(new Array(25).fill(0));
        expect(relativeError(gradients.inputWeights!, expected.gradients.inputWeights)).toBeLessThan(
          GRADIENT_TOLERANCE,
        );
      });
      it('every parameter frozen: no gradients, and trainStep changes nothing', async () => {
        const config = smallConfig();
        const parameters = randomParameters(config, 47);
        const frozen = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, false])) as unknown as TrainableFlags;
        const model = makeModel({ config, parameters, trainable: frozen });
        const batch = randomBatch(config, STEPS, BATCH, 48);
        const { loss, gradients } = await model.gradients(batch);
        expect(gradients).toEqual({});
        expect(Math.abs(loss - referenceForward(config, parameters, batch).loss) / loss).toBeLessThan(VALUE_TOLERANCE);
        await model.trainStep(batch);
        expect(model.getParameters()).toEqual(parameters);
      });
    });

    describe('modules', () => {
      it('ignores off-block W_rec entries (structural zeros)', async () => {
        const config = smallConfig({ modules: [2, 3] });
        const parameters = randomParameters(config, 41);
        const cleaned = {
          ...parameters,
          recurrentWeights: parameters.recurrentWeights.map((v, i) => v * moduleMask(config)![i]),
        };
        const batch = randomBatch(config, STEPS, BATCH, 42);
        const a = await makeModel({ config, parameters }).forward(batch);
        const b = await makeModel({ config, parameters: cleaned }).forward(batch);
        expect(a.outputs).toEqual(b.outputs);
      });
    });

    describe('noise', () => {
      const config = smallConfig({ recurrentNoise: 0.1 });
      const parameters = randomParameters(config, 51);
      const batch = randomBatch(config, STEPS, BATCH, 52);
      it('is a pure function of the seed; noiseScale 0 turns it off', async () => {
        const model = makeModel({ config, parameters });
        const a = await model.forward(batch, { noiseSeed: 1 });
        const b = await model.forward(batch, { noiseSeed: 1 });
        const c = await model.forward(batch, { noiseSeed: 2 });
        expect(a.outputs).toEqual(b.outputs);
        expect(a.outputs).not.toEqual(c.outputs);
        const silent = await model.forward(batch, { noiseScale: 0 });
        const expected = referenceForward(config, parameters, batch);
        expect(relativeError(silent.outputs, expected.outputs)).toBeLessThan(VALUE_TOLERANCE);
      });
      it('scales with noiseScale', async () => {
        const model = makeModel({ config, parameters });
        const result = await model.forward(batch, { noiseSeed: 3, noiseScale: 2.5, keepStates: true });
        const expected = referenceForward(config, parameters, batch, {
          standardNormal: standardNormal(3, batch, config.hiddenSize),
          noiseScale: 2.5,
        });
        expect(relativeError(result.states!, expected.states)).toBeLessThan(VALUE_TOLERANCE);
      });
      it('of a batch run in parts of trials (noiseTrials) is the noise of one pass: same states and outputs', async () => {
        const model = makeModel({ config, parameters });
        const wide = randomBatch(config, STEPS, 7, 53);
        const whole = await model.forward(wide, { noiseSeed: 4, keepStates: true });
        const N = config.hiddenSize;
        const nOut = config.outputSize;
        const states = new Float32Array(whole.states!.length);
        const outputs = new Float32Array(whole.outputs.length);
        for (const [first, end] of [
          [0, 3],
          [3, 4],
          [4, 7],
        ] as const) {
          const part = await model.forward(trialsOf(wide, first, end, config), {
            noiseSeed: 4,
            noiseTrials: { first, of: 7 },
            keepStates: true,
          });
          const size = end - first;
          for (let t = 0; t < STEPS; t++) {
            states.set(part.states!.subarray(t * size * N, (t + 1) * size * N), (t * 7 + first) * N);
            outputs.set(part.outputs.subarray(t * size * nOut, (t + 1) * size * nOut), (t * 7 + first) * nOut);
          }
        }
        expect(states).toEqual(whole.states);
        expect(outputs).toEqual(whole.outputs);
        // without noiseTrials a part draws the noise of a batch of its own
        const alone = await model.forward(trialsOf(wide, 3, 4, config), { noiseSeed: 4, keepStates: true });
        expect(alone.states!.subarray(0, N)).not.toEqual(whole.states!.subarray(3 * N, 4 * N));
      });
      it('refuses noiseTrials that do not hold the pass', async () => {
        const model = makeModel({ config, parameters });
        for (const noiseTrials of [
          { first: 1, of: BATCH },
          { first: -1, of: 10 },
          { first: 0.5, of: 10 },
        ]) {
          await expect(model.forward(batch, { noiseSeed: 1, noiseTrials })).rejects.toThrow(
            /noiseTrials .* does not hold this pass's 3 trials/,
          );
        }
      });
      it('requires a noiseSeed when the model is noisy', async () => {
        const model = makeModel({ config, parameters });
        await expect(model.forward(batch)).rejects.toThrow(/noiseSeed/);
      });
    });

    describe('optimizer state', () => {
      const config = smallConfig({ activation: 'relu', modules: [2, 3], recurrentNoise: 0.05 });
      const parameters = randomParameters(config, 61);
      const trainable = { ...ALL_TRAINABLE, outputBias: false };
      const batches = [0, 1, 2, 3].map((step) => randomBatch(config, STEPS, BATCH, 70 + step));
      it('starts at step 0 with zero moments for the trainable parameters only', () => {
        const state = makeModel({ config, parameters, trainable }).getOptimizerState();
        expect(state.step).toBe(0);
        expect(state.firstMoment.outputBias).toBeUndefined();
        expect(state.secondMoment.inputWeights).toEqual(new Float32Array(parameters.inputWeights.length));
      });
      it('round-trips: a model resumed from parameters + optimizer state continues bit-identically', async () => {
        const original = makeModel({ config, parameters, trainable });
        for (let step = 0; step < 2; step++) await original.trainStep(batches[step], { noiseSeed: step });
        const resumed = makeModel({ config, parameters: original.getParameters(), trainable });
        resumed.setOptimizerState(original.getOptimizerState());
        expect(resumed.getOptimizerState()).toEqual(original.getOptimizerState());
        for (let step = 2; step < 4; step++) {
          const a = await original.trainStep(batches[step], { noiseSeed: step });
          const b = await resumed.trainStep(batches[step], { noiseSeed: step });
          expect(b).toBe(a);
        }
        expect(resumed.getParameters()).toEqual(original.getParameters());
        expect(resumed.getOptimizerState()).toEqual(original.getOptimizerState());
      });
      it('rejects a state that does not fit the model', () => {
        const model = makeModel({ config, parameters, trainable });
        const state = model.getOptimizerState();
        expect(() => model.setOptimizerState({ ...state, step: -1 })).toThrow(/step/);
        const wrongShape = { ...state.firstMoment, inputWeights: new Float32Array(2) };
        expect(() => model.setOptimizerState({ ...state, firstMoment: wrongShape })).toThrow(
          /firstMoment\.inputWeights/,
        );
        const { inputWeights: _dropped, ...missing } = state.firstMoment;
        expect(() => model.setOptimizerState({ ...state, firstMoment: missing })).toThrow(/firstMoment\.inputWeights/);
      });
    });

    describe('input errors', () => {
      const config = smallConfig();
      const parameters = randomParameters(config, 81);
      const batch = randomBatch(config, STEPS, BATCH, 82);
      it('rejects bad configs and parameters at createModel', () => {
        expect(() => makeModel({ config: { ...config, hiddenSize: 0 }, parameters })).toThrow(/hiddenSize/);
        expect(() => makeModel({ config: { ...config, modules: [2, 2] }, parameters })).toThrow(/modules/);
        expect(() => makeModel({ config: { ...config, alpha: 1.5 }, parameters })).toThrow(/alpha/);
        const wrongShape = { ...parameters, recurrentWeights: new Float32Array(3) };
        expect(() => makeModel({ config, parameters: wrongShape })).toThrow(/recurrentWeights/);
        const { outputBias: _missing, ...incomplete } = parameters;
        expect(() => makeModel({ config, parameters: incomplete as RnnParameters })).toThrow(/outputBias/);
      });
      it('rejects batches of the wrong shape', async () => {
        const model = makeModel({ config, parameters });
        await expect(model.forward({ ...batch, inputs: new Float32Array(5) })).rejects.toThrow(/inputs/);
        await expect(model.gradients({ ...batch, mask: new Float32Array(5) })).rejects.toThrow(/mask/);
        await expect(model.trainStep({ ...batch, targets: new Float32Array(5) })).rejects.toThrow(/targets/);
        await expect(model.forward(batch, { unitMask: new Float32Array(2) })).rejects.toThrow(/unitMask/);
      });
      it('rejects bad setParameters and extra gradients; ignores extra gradients of frozen parameters', async () => {
        const model = makeModel({ config, parameters, trainable: { ...ALL_TRAINABLE, inputWeights: false } });
        expect(() => model.setParameters({ outputBias: new Float32Array(7) })).toThrow(/outputBias/);
        const wrongShape = { outputWeights: new Float32Array(3) };
        await expect(model.trainStep(batch, { extraGradients: wrongShape })).rejects.toThrow(/outputWeights/);
        await model.trainStep(batch, { extraGradients: { inputWeights: new Float32Array(15).fill(1) } });
        expect(model.getParameters().inputWeights).toEqual(parameters.inputWeights);
      });
      it('setParameters replaces only the given tensors', () => {
        const model = makeModel({ config, parameters });
        const bias = new Float32Array(config.outputSize).fill(0.25);
        model.setParameters({ outputBias: bias });
        bias[0] = 9;
        const read = model.getParameters();
        expect(Array.from(read.outputBias)).toEqual([0.25, 0.25]);
        expect(read.inputWeights).toEqual(parameters.inputWeights);
      });
      it('refuses to run a disposed model', async () => {
        const model = engine.createModel({ config, parameters });
        model.dispose();
        await expect(model.forward(batch)).rejects.toThrow(/disposed/);
        expect(() => model.getParameters()).toThrow(/disposed/);
      });
    });

    it('describes itself', () => {
      expect(typeof engine.name).toBe('string');
      expect(engine.threads).toBeGreaterThanOrEqual(1);
    });
  });
}
