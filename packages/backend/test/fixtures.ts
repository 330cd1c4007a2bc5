/**
 * Small seeded models and batches shared by the backend tests.
 */
import {
  type Activation,
  type OutputActivation,
  PARAMETER_NAMES,
  type RnnConfig,
  type RnnParameters,
  type TrainingBatch,
} from '../src/engine.js';
import { initRnnParameters } from '../src/init.js';
import { createRandom } from '../src/random.js';
import type { ReferenceParameters } from '../src/reference.js';

/** A small config; `modules` makes W_rec block-diagonal. */
export function smallConfig(
  overrides: Partial<{
    activation: Activation;
    outputActivation: OutputActivation;
    modules: number[];
    recurrentNoise: number;
    inputSize: number;
    hiddenSize: number;
    outputSize: number;
  }> = {},
): RnnConfig {
  const modules = overrides.modules;
  return {
    inputSize: overrides.inputSize ?? 3,
    hiddenSize: modules ? modules.reduce((a, b) => a + b, 0) : (overrides.hiddenSize ?? 5),
    outputSize: overrides.outputSize ?? 2,
    activation: overrides.activation ?? 'softplus',
    outputActivation: overrides.outputActivation ?? 'sigmoid',
    alpha: 0.2,
    recurrentNoise: overrides.recurrentNoise ?? 0,
    ...(modules ? { modules } : {}),
  };
}

/**
 * Parameters with every entry non-zero and of moderate size (so every gradient path is exercised): the
 * randortho initialisation plus seeded perturbations of biases and off-diagonal entries. Off-block W_rec
 * entries are left non-zero on purpose: engines must ignore them.
 */
export function randomParameters(config: RnnConfig, seed: number): RnnParameters {
  const parameters = initRnnParameters(config, { seed, recurrentInit: 'randortho', recurrentScale: 0.9 });
  const random = createRandom(seed, 99);
  for (const values of Object.values(parameters)) {
    for (let i = 0; i < values.length; i++) values[i] += 0.3 * (random.uniform() - 0.5);
  }
  return parameters;
}

/** A batch [T, B, ·] with inputs in [−1, 1], targets in (0.1, 0.9) and a mask with zeros, ones and twos. */
export function randomBatch(config: RnnConfig, steps: number, batchSize: number, seed: number): TrainingBatch {
  const random = createRandom(seed, 7);
  const rows = steps * batchSize;
  const inputs = new Float32Array(rows * config.inputSize).map(() => 2 * random.uniform() - 1);
  const targets = new Float32Array(rows * config.outputSize).map(() => 0.1 + 0.8 * random.uniform());
  const mask = new Float32Array(rows * config.outputSize).map(() => Math.floor(3 * random.uniform()));
  return { steps, batchSize, inputs, targets, mask };
}

/** ‖a − b‖₂ / ‖b‖₂ (b the reference); 0 when both are 0. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  if (norm === 0) return Math.sqrt(diff);
  return Math.sqrt(diff / norm);
}

/** Central finite differences of a loss, in float64, for every parameter entry. */
export function finiteDifferenceGradients(
  loss: (parameters: ReferenceParameters) => number,
  parameters: ReferenceParameters,
  step = 1e-6,
): Record<string, Float64Array> {
  const result: Record<string, Float64Array> = {};
  for (const name of PARAMETER_NAMES) {
    const values = Float64Array.from(parameters[name]);
    const gradient = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const original = values[i];
      values[i] = original + step;
      const plus = loss({ ...parameters, [name]: values });
      values[i] = original - step;
      const minus = loss({ ...parameters, [name]: values });
      values[i] = original;
      gradient[i] = (plus - minus) / (2 * step);
    }
    result[name] = gradient;
  }
  return result;
}
