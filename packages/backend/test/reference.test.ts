import { describe, expect, it } from 'vitest';
import { type Activation, PARAMETER_NAMES } from '../src/engine.js';
import { createRandom } from '../src/random.js';
import { referenceAdamUpdate, referenceClip, referenceForward, referenceGradients } from '../src/reference.js';
import { finiteDifferenceGradients, randomBatch, randomParameters, relativeError, smallConfig } from './fixtures.js';

const ACTIVATIONS: Activation[] = ['softplus', 'relu', 'tanh'];

describe('float64 reference', () => {
  const cases = ACTIVATIONS.flatMap((activation) => [
    { activation, modules: undefined, noise: false, unitMask: false, linear: false },
    { activation, modules: [2, 3], noise: true, unitMask: true, linear: activation === 'tanh' },
  ]);
  it.each(cases)(
    'gradients match central finite differences (%o)',
    ({ activation, modules, noise, unitMask, linear }) => {
      const config = smallConfig({
        activation,
        modules,
        recurrentNoise: noise ? 0.05 : 0,
        outputActivation: linear ? 'linear' : 'sigmoid',
      });
      const parameters = randomParameters(config, 11);
      const batch = randomBatch(config, 6, 2, 12);
      const random = createRandom(5);
      const options = {
        standardNormal: noise
          ? Float64Array.from({ length: 6 * 2 * config.hiddenSize }, () => random.normal())
          : undefined,
        unitMask: unitMask ? Float32Array.from({ length: config.hiddenSize }, (_, i) => (i === 1 ? 0 : 1)) : undefined,
      };
      const { gradients } = referenceGradients(config, parameters, batch, options);
      const numeric = finiteDifferenceGradients((p) => referenceForward(config, p, batch, options).loss, parameters);
      for (const name of PARAMETER_NAMES) {
        expect(relativeError(gradients[name], numeric[name]), name).toBeLessThan(1e-6);
      }
      if (modules) {
        // Off-block entries of W_rec are structural zeros: no gradient, no influence on the loss.
        expect(gradients.recurrentWeights[0 * 5 + 3]).toBe(0);
        expect(numeric.recurrentWeights[0 * 5 + 3]).toBe(0);
      }
      if (unitMask) {
        // A silenced unit stays at 0, so its outgoing weights get no gradient.
        for (let k = 0; k < config.outputSize; k++) expect(gradients.outputWeights[k * config.hiddenSize + 1]).toBe(0);
      }
    },
  );

  it('computes the masked squared error by hand on a one-unit network', () => {
    const config = { ...smallConfig({ inputSize: 1, hiddenSize: 1, outputSize: 1, activation: 'relu' }), alpha: 0.5 };
    const parameters = {
      inputWeights: [2],
      recurrentWeights: [0.5],
      recurrentBias: [0],
      outputWeights: [1],
      outputBias: [0],
    };
    const batch = {
      steps: 2,
      batchSize: 1,
      inputs: new Float32Array([1, 0]),
      targets: new Float32Array([0.5, 0.5]),
      mask: new Float32Array([1, 2]),
    };
    // h0 = 0.5·relu(2) = 1; h1 = 0.5·1 + 0.5·relu(0.5) = 0.75.
    const result = referenceForward(config, parameters, batch);
    expect(Array.from(result.states)).toEqual([1, 0.75]);
    const y0 = 1 / (1 + Math.exp(-1));
    const y1 = 1 / (1 + Math.exp(-0.75));
    expect(result.loss).toBeCloseTo(((0.5 - y0) ** 2 + (2 * (0.5 - y1)) ** 2) / 2, 15);
  });

  it('clips by value and by global norm like TensorFlow', () => {
    const gradients = { outputBias: new Float64Array([3, -4]), recurrentBias: new Float64Array([0.5]) };
    expect(Array.from(referenceClip(gradients, { kind: 'value', value: 1 }).outputBias!)).toEqual([1, -1]);
    const byNorm = referenceClip(gradients, { kind: 'norm', maxNorm: 1 });
    const norm = Math.sqrt(9 + 16 + 0.25);
    expect(byNorm.outputBias![0]).toBeCloseTo(3 / norm, 15);
    expect(byNorm.recurrentBias![0]).toBeCloseTo(0.5 / norm, 15);
    expect(Array.from(referenceClip(gradients, { kind: 'none' }).outputBias!)).toEqual([3, -4]);
  });

  it('takes an Adam step in the TensorFlow formulation', () => {
    const adam = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const parameters = {
      inputWeights: [1],
      recurrentWeights: [1],
      recurrentBias: [1],
      outputWeights: [1],
      outputBias: [1],
    };
    const first = referenceAdamUpdate(
      parameters,
      { outputBias: new Float64Array([2]) },
      { step: 0, firstMoment: {}, secondMoment: {} },
      adam,
    );
    // Step 1: m = 0.2, v = 0.004, α₁ = 0.1·√0.001/0.1; θ = 1 − α₁·m/(√v + ε) ≈ 1 − 0.1.
    const alpha1 = (0.1 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    expect(first.parameters.outputBias[0]).toBeCloseTo(1 - (alpha1 * 0.2) / (Math.sqrt(0.004) + 1e-8), 14);
    expect(first.parameters.recurrentBias[0]).toBe(1);
    expect(first.state.step).toBe(1);
    expect(first.state.firstMoment.outputBias![0]).toBeCloseTo(0.2, 15);
    expect(first.state.secondMoment.outputBias![0]).toBeCloseTo(0.004, 15);
  });
});
