import type { RnnConfig } from '@molap/backend';
import { describe, expect, it } from 'vitest';
import { countRnnParameters, parameterBytes, parameterUpdates } from '../src/accounting.js';

const dense: RnnConfig = {
  inputSize: 85,
  hiddenSize: 256,
  outputSize: 33,
  activation: 'softplus',
  outputActivation: 'sigmoid',
  alpha: 0.2,
  recurrentNoise: 0.05,
};

describe('countRnnParameters', () => {
  it("counts Yang's 256-unit network by hand", () => {
    const count = countRnnParameters(dense);
    // W_in 256·85 + W_rec 256² + b 256 + W_out 33·256 + b_out 33
    expect(count.total).toBe(21760 + 65536 + 256 + 8448 + 33);
    expect(count.trainable).toBe(count.total);
  });

  it('counts only the diagonal blocks of a modular W_rec and only trainable tensors as trainable', () => {
    const modular = { ...dense, hiddenSize: 64, modules: [32, 32] };
    const count = countRnnParameters(modular, { recurrentWeights: false, recurrentBias: false });
    expect(count.byName.recurrentWeights).toBe(2 * 32 * 32);
    expect(count.total).toBe(64 * 85 + 2048 + 64 + 33 * 64 + 33);
    expect(count.trainable).toBe(64 * 85 + 33 * 64 + 33);
  });

  it('turns counts into updates and bytes', () => {
    expect(parameterUpdates(1000, 250)).toBe(250000);
    expect(parameterBytes(1000)).toBe(4000);
  });
});
