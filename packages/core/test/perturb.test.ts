import { initRnnParameters, type RnnConfig } from '@molap/backend';
import type { Batch } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { errorKind } from '../src/errors.js';
import {
  inputNoiseStd,
  moduleLesionMask,
  perturbBatch,
  perturbParameters,
  perturbRunOptions,
  silencingMask,
  validatePerturbation,
} from '../src/perturb.js';

const config: RnnConfig = {
  inputSize: 4,
  hiddenSize: 40,
  outputSize: 3,
  activation: 'softplus',
  outputActivation: 'sigmoid',
  alpha: 0.2,
  recurrentNoise: 0.05,
};
const modular: RnnConfig = { ...config, hiddenSize: 30, modules: [10, 20] };

function std(values: ArrayLike<number>): number {
  const list = Array.from(values);
  const mean = list.reduce((a, b) => a + b, 0) / list.length;
  return Math.sqrt(list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length);
}

function syntheticBatch(steps: number, batchSize: number, inputSize: number, trialSteps: number[]): Batch {
  return {
    taskId: 'synthetic',
    steps,
    batchSize,
    inputSize,
    outputSize: 1,
    dt: 20,
    inputs: new Float32Array(steps * batchSize * inputSize).fill(0.5),
    targets: new Float32Array(steps * batchSize),
    mask: new Float32Array(steps * batchSize),
    targetAngle: new Float32Array(steps * batchSize).fill(-1),
    trialSteps: Int32Array.from(trialSteps),
    goCue: new Int32Array(batchSize),
    epochs: {},
    layout: { inputs: [], outputs: [], inputSize, outputSize: 1 },
  };
}

describe('perturbParameters', () => {
  it('adds recurrent-weight noise with std sigma × std(W_rec) and leaves the input untouched', () => {
    const parameters = initRnnParameters(config, { seed: 1, recurrentInit: 'randortho' });
    const before = Float32Array.from(parameters.recurrentWeights);
    const perturbed = perturbParameters(config, parameters, { kind: 'recurrent-weight-noise', sigma: 0.5, seed: 3 });
    expect(parameters.recurrentWeights).toEqual(before);
    const difference = perturbed.recurrentWeights.map((v, i) => v - before[i]);
    expect(std(difference) / std(before)).toBeGreaterThan(0.45);
    expect(std(difference) / std(before)).toBeLessThan(0.55);
    expect(perturbed.inputWeights).toBe(parameters.inputWeights);
    // Same seed, same noise; another seed, other noise.
    const again = perturbParameters(config, parameters, { kind: 'recurrent-weight-noise', sigma: 0.5, seed: 3 });
    expect(again.recurrentWeights).toEqual(perturbed.recurrentWeights);
    const other = perturbParameters(config, parameters, { kind: 'recurrent-weight-noise', sigma: 0.5, seed: 4 });
    expect(other.recurrentWeights).not.toEqual(perturbed.recurrentWeights);
  });

  it('keeps the off-block entries of a modular W_rec at zero', () => {
    const parameters = initRnnParameters(modular, { seed: 2, recurrentInit: 'randortho' });
    const perturbed = perturbParameters(modular, parameters, { kind: 'recurrent-weight-noise', sigma: 1, seed: 5 });
    const n = 30;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const inBlock = (i < 10 && j < 10) || (i >= 10 && j >= 10);
        if (!inBlock) expect(perturbed.recurrentWeights[i * n + j]).toBe(0);
      }
    }
    expect(perturbed.recurrentWeights).not.toEqual(parameters.recurrentWeights);
  });

  it('adds readout noise relative to std(W_out) and nothing for sigma 0', () => {
    const parameters = initRnnParameters(config, { seed: 1 });
    const perturbed = perturbParameters(config, parameters, { kind: 'readout-noise', sigma: 0.2, seed: 9 });
    const difference = perturbed.outputWeights.map((v, i) => v - parameters.outputWeights[i]);
    expect(std(difference) / std(parameters.outputWeights)).toBeGreaterThan(0.15);
    expect(std(difference) / std(parameters.outputWeights)).toBeLessThan(0.25);
    const none = perturbParameters(config, parameters, { kind: 'readout-noise', sigma: 0, seed: 9 });
    expect(none.outputWeights).toEqual(parameters.outputWeights);
  });
});

describe('perturbRunOptions', () => {
  it('silences round(fraction·N) units chosen by the seed', () => {
    const mask = silencingMask(40, 0.25, 7);
    expect(mask.filter((v) => v === 0).length).toBe(10);
    expect(silencingMask(40, 0.25, 7)).toEqual(mask);
    expect(silencingMask(40, 0.25, 8)).not.toEqual(mask);
    const run = perturbRunOptions(config, { kind: 'unit-silencing', fraction: 0.25, seed: 7 }, { noiseSeed: 3 });
    expect(run.unitMask).toEqual(mask);
    expect(run.noiseSeed).toBe(3);
  });

  it('multiplies masks and noise scales into the base options', () => {
    const base = new Float32Array(30).fill(1);
    base[0] = 0;
    const run = perturbRunOptions(modular, { kind: 'module-lesion', modules: [1] }, { unitMask: base });
    expect(Array.from(run.unitMask!.slice(0, 10))).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(run.unitMask!.slice(10))).toEqual(new Array(20).fill(0));
    expect(base[1]).toBe(1);
    expect(perturbRunOptions(config, { kind: 'state-noise', scale: 3 }, { noiseScale: 0.5 }).noiseScale).toBe(1.5);
    expect(perturbRunOptions(config, { kind: 'state-noise', scale: 2 }).noiseScale).toBe(2);
    expect(moduleLesionMask([2, 3], [0])).toEqual(Float32Array.from([0, 0, 1, 1, 1]));
  });

  it('rejects module lesions of dense networks and bad magnitudes with a fix', () => {
    expect(() => perturbRunOptions(config, { kind: 'module-lesion', modules: [0] })).toThrow(/modular models only/);
    expect(() => validatePerturbation({ kind: 'module-lesion', modules: [2] }, [10, 20])).toThrow(/out of range/);
    expect(() => validatePerturbation({ kind: 'unit-silencing', fraction: 1.5, seed: 1 })).toThrow(/\[0, 1\]/);
    expect(() => validatePerturbation({ kind: 'state-noise', scale: -1 })).toThrow(/>= 0/);
    expect(() => validatePerturbation({ kind: 'bogus' } as never)).toThrow(/known kinds/);
  });

  it('says bad perturbations are bad input (exit code 2 of the CLI), with a code', () => {
    const thrown = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      throw new Error('expected a throw');
    };
    const cases = [
      [() => perturbRunOptions(config, { kind: 'module-lesion', modules: [0] }), 'incompatible'],
      [() => validatePerturbation({ kind: 'state-noise', scale: -1 }), 'invalid-option'],
      [() => validatePerturbation({ kind: 'bogus' } as never), 'unknown-id'],
    ] as const;
    for (const [run, code] of cases) {
      const error = thrown(run);
      expect(error).toMatchObject({ code });
      expect(errorKind(error)).toBe('bad-input');
    }
  });
});

describe('perturbBatch', () => {
  it('adds noise of std σ·√(scale²−1) on the real steps of each trial only', () => {
    const batch = syntheticBatch(
      50,
      40,
      6,
      Array.from({ length: 40 }, (_, b) => (b % 2 === 0 ? 50 : 30)),
    );
    const sigma = inputNoiseStd(20);
    expect(sigma).toBeCloseTo(0.01 * Math.sqrt(10), 12);
    const perturbed = perturbBatch(batch, { kind: 'input-noise', scale: 3 }, { seed: 11 });
    expect(batch.inputs.every((v) => v === 0.5)).toBe(true);
    const added: number[] = [];
    for (let t = 0; t < 50; t++) {
      for (let b = 0; b < 40; b++) {
        for (let c = 0; c < 6; c++) {
          const i = (t * 40 + b) * 6 + c;
          if (t < batch.trialSteps[b]) added.push(perturbed.inputs[i] - 0.5);
          else expect(perturbed.inputs[i]).toBe(0.5);
        }
      }
    }
    expect(std(added) / (sigma * Math.sqrt(8))).toBeGreaterThan(0.95);
    expect(std(added) / (sigma * Math.sqrt(8))).toBeLessThan(1.05);
    expect(perturbBatch(batch, { kind: 'input-noise', scale: 3 }, { seed: 11 }).inputs).toEqual(perturbed.inputs);
  });

  it('returns the batch itself for other kinds and refuses scales below 1 with the fix', () => {
    const batch = syntheticBatch(4, 2, 3, [4, 4]);
    expect(perturbBatch(batch, { kind: 'state-noise', scale: 2 }, { seed: 1 })).toBe(batch);
    expect(perturbBatch(batch, { kind: 'input-noise', scale: 1 }, { seed: 1 }).inputs).toEqual(batch.inputs);
    expect(() => perturbBatch(batch, { kind: 'input-noise', scale: 0.5 }, { seed: 1 })).toThrow(/inputNoiseScale/);
  });
});
