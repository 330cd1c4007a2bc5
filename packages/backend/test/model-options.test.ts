import { describe, expect, it } from 'vitest';
import { resolveModelOptions, validateBatch, validateOptimizerState } from '../src/model-options.js';
import { randomBatch, randomParameters, smallConfig } from './fixtures.js';

describe('boundary validation messages', () => {
  const config = smallConfig();
  const parameters = randomParameters(config, 1);
  it('names the field, the sizes and the fix', () => {
    expect(() => resolveModelOptions({ config: { ...config, modules: [2, 2] }, parameters })).toThrow(
      /modules sum to 4 but hiddenSize is 5/,
    );
    expect(() =>
      resolveModelOptions({ config, parameters: { ...parameters, recurrentWeights: new Float32Array(3) } }),
    ).toThrow(/parameters\.recurrentWeights has 3 elements, expected 25 for shape \[5,5\]/);
    expect(() => resolveModelOptions({ config, parameters, trainable: { weights: true } as never })).toThrow(
      /trainable has an unknown entry "weights"/,
    );
    expect(() => resolveModelOptions({ config, parameters, adam: { learningRate: -1 } })).toThrow(/learningRate/);
    expect(() => resolveModelOptions({ config, parameters, clipping: { kind: 'norm', maxNorm: 0 } })).toThrow(
      /maxNorm/,
    );
    const batch = randomBatch(config, 2, 3, 1);
    expect(() => validateBatch(config, { ...batch, inputs: new Float32Array(5) })).toThrow(
      /batch\.inputs has 5 elements, expected T·B·nIn = 2·3·3 = 18/,
    );
  });
  it('checks optimizer state moments against the trainable flags', () => {
    const trainable = { ...resolveModelOptions({ config, parameters }).trainable, outputBias: false };
    const moments = {
      inputWeights: new Float32Array(15),
      recurrentWeights: new Float32Array(25),
      recurrentBias: new Float32Array(5),
      outputWeights: new Float32Array(10),
    };
    expect(() =>
      validateOptimizerState(config, trainable, { step: 1, firstMoment: moments, secondMoment: moments }),
    ).not.toThrow();
    expect(() =>
      validateOptimizerState(config, trainable, {
        step: 1,
        firstMoment: moments,
        secondMoment: { ...moments, outputBias: new Float32Array(2) },
      }),
    ).toThrow(/secondMoment\.outputBias is given but outputBias is frozen/);
    const { inputWeights: _missing, ...rest } = moments;
    expect(() =>
      validateOptimizerState(config, trainable, { step: 1, firstMoment: rest, secondMoment: moments }),
    ).toThrow(/firstMoment\.inputWeights is missing/);
  });
});
