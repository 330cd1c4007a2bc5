/**
 * Fixtures of the native engine's tests: small seeded models and batches, a float64 loss of the leaky
 * RNN written straight from the equations in `src/engine.ts`, and central finite differences of it.
 * (Independent of the engine's code: plain loops, no kernels, no layouts shared with the engine.)
 */
import type { Activation, RnnConfig, RnnParameters, TrainingBatch } from '../src/engine.js';
import { PARAMETER_NAMES, type ParameterName } from '../src/engine.js';
import { fillNoise } from '../src/noise.js';

/** A small seeded generator (mulberry32) for test data. */
export function testRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function smallConfig(overrides: Partial<RnnConfig> = {}): RnnConfig {
  return {
    inputSize: 3,
    hiddenSize: 8,
    outputSize: 2,
    activation: 'softplus',
    outputActivation: 'sigmoid',
    alpha: 0.2,
    recurrentNoise: 0,
    ...overrides,
  };
}

export function randomParameters(config: RnnConfig, seed: number): RnnParameters {
  const random = testRandom(seed);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  const { inputSize: nIn, hiddenSize: N, outputSize: nOut } = config;
  return {
    inputWeights: uniform(N * nIn, 0.8),
    recurrentWeights: uniform(N * N, 0.6),
    recurrentBias: uniform(N, 0.3),
    outputWeights: uniform(nOut * N, 0.8),
    outputBias: uniform(nOut, 0.3),
  };
}

export function randomBatch(config: RnnConfig, steps: number, batchSize: number, seed: number): TrainingBatch {
  const random = testRandom(seed);
  const n = steps * batchSize;
  return {
    steps,
    batchSize,
    inputs: Float32Array.from({ length: n * config.inputSize }, () => random() * 2 - 1),
    targets: Float32Array.from({ length: n * config.outputSize }, () => random()),
    mask: Float32Array.from({ length: n * config.outputSize }, () => (random() < 0.2 ? 0 : 1 + random())),
  };
}

export interface ReferenceRun {
  readonly noiseSeed?: number;
  readonly noiseScale?: number;
  readonly unitMask?: Float32Array;
}

const phi: Record<Activation, (x: number) => number> = {
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  relu: (x) => Math.max(x, 0),
  tanh: (x) => Math.tanh(x),
};

/** Whether unit j feeds unit i under the config's module structure. */
function connected(config: RnnConfig): (i: number, j: number) => boolean {
  const moduleOf = new Int32Array(config.hiddenSize);
  let unit = 0;
  (config.modules ?? [config.hiddenSize]).forEach((size, m) => {
    moduleOf.fill(m, unit, unit + size);
    unit += size;
  });
  return (i, j) => moduleOf[i] === moduleOf[j];
}

/** Float64 forward pass: loss, outputs [T,B,nOut] and states [T,B,N]. */
export function referenceForward(
  config: RnnConfig,
  parameters: Record<ParameterName, ArrayLike<number>>,
  batch: TrainingBatch,
  run: ReferenceRun = {},
): { loss: number; outputs: Float64Array; states: Float64Array } {
  const { inputSize: nIn, hiddenSize: N, outputSize: nOut, alpha } = config;
  const { steps: T, batchSize: B } = batch;
  const p = parameters;
  const linked = connected(config);
  const std = config.recurrentNoise * Math.sqrt(2 / alpha) * (run.noiseScale ?? 1);
  const noise = std > 0 ? fillNoise(run.noiseSeed ?? 0, 0, new Float32Array(T * B * N)) : undefined;
  const outputs = new Float64Array(T * B * nOut);
  const states = new Float64Array(T * B * N);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(N);
    for (let t = 0; t < T; t++) {
      const next = new Float64Array(N);
      const row = t * B + b;
      for (let i = 0; i < N; i++) {
        let pre = p.recurrentBias[i];
        for (let j = 0; j < nIn; j++) pre += p.inputWeights[i * nIn + j] * batch.inputs[row * nIn + j];
        for (let j = 0; j < N; j++) if (linked(i, j)) pre += p.recurrentWeights[i * N + j] * h[j];
        if (noise) pre += std * noise[row * N + i];
        next[i] = ((1 - alpha) * h[i] + alpha * phi[config.activation](pre)) * (run.unitMask?.[i] ?? 1);
      }
      h = next;
      states.set(h, row * N);
      for (let o = 0; o < nOut; o++) {
        let z = p.outputBias[o];
        for (let j = 0; j < N; j++) z += p.outputWeights[o * N + j] * h[j];
        const y = config.outputActivation === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : z;
        outputs[row * nOut + o] = y;
        const e = (y - batch.targets[row * nOut + o]) * batch.mask[row * nOut + o];
        loss += e * e;
      }
    }
  }
  return { loss: loss / (T * B * nOut), outputs, states };
}

/** Central finite differences (float64) of the reference loss for every parameter entry. */
export function finiteDifferences(
  config: RnnConfig,
  parameters: RnnParameters,
  batch: TrainingBatch,
  run: ReferenceRun = {},
  step = 1e-6,
): Record<ParameterName, Float64Array> {
  const p = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, Float64Array.from(parameters[name])])) as Record<
    ParameterName,
    Float64Array
  >;
  const result = {} as Record<ParameterName, Float64Array>;
  for (const name of PARAMETER_NAMES) {
    const values = p[name];
    result[name] = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const keep = values[i];
      values[i] = keep + step;
      const up = referenceForward(config, p, batch, run).loss;
      values[i] = keep - step;
      const down = referenceForward(config, p, batch, run).loss;
      values[i] = keep;
      result[name][i] = (up - down) / (2 * step);
    }
  }
  return result;
}

/** ‖a − b‖ / ‖b‖ (L2), or ‖a − b‖ when b is zero. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    difference += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return norm > 0 ? Math.sqrt(difference / norm) : Math.sqrt(difference);
}
