import { createRng } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { ReadoutRegression } from '../src/ridge-readout.js';

describe('ReadoutRegression', () => {
  it('recovers a planted readout from states and sigmoid targets (λ → 0)', () => {
    const n = 5;
    const nOut = 3;
    const rng = createRng(2);
    const weights = Float32Array.from({ length: nOut * n }, () => rng.normal());
    const bias = Float32Array.from({ length: nOut }, () => rng.normal() * 0.5);
    const regression = new ReadoutRegression(n, nOut);
    const steps = 40;
    const batchSize = 8;
    const states = new Float32Array(steps * batchSize * n);
    const targets = new Float32Array(steps * batchSize * nOut);
    const mask = new Float32Array(steps * batchSize * nOut).fill(1);
    for (let row = 0; row < steps * batchSize; row++) {
      for (let i = 0; i < n; i++) states[row * n + i] = rng.normal() * 0.5;
      for (let c = 0; c < nOut; c++) {
        let z = bias[c];
        for (let i = 0; i < n; i++) z += weights[c * n + i] * states[row * n + i];
        targets[row * nOut + c] = 1 / (1 + Math.exp(-z));
      }
      // Masked rows (weight 0) carry wrong targets that must be ignored.
      if (row % 7 === 0) {
        for (let c = 0; c < nOut; c++) {
          mask[row * nOut + c] = 0;
          targets[row * nOut + c] = 0.5;
        }
      }
    }
    regression.add(states, { steps, batchSize, outputSize: nOut, targets, mask }, 1e-6);
    const solved = regression.solve(0);
    for (let i = 0; i < weights.length; i++) expect(solved.outputWeights[i]).toBeCloseTo(weights[i], 3);
    for (let c = 0; c < nOut; c++) expect(solved.outputBias[c]).toBeCloseTo(bias[c], 3);
  });

  it('shrinks the weights with λ and refuses to solve without data', () => {
    const regression = new ReadoutRegression(2, 1);
    expect(() => regression.solve(1e-3)).toThrow(/saw no row with a non-zero mask/);
    const states = Float32Array.from([1, 0, 0, 1, 1, 1, -1, 0]);
    const targets = Float32Array.from([0.9, 0.2, 0.7, 0.1]);
    const mask = new Float32Array(4).fill(1);
    regression.add(states, { steps: 4, batchSize: 1, outputSize: 1, targets, mask }, 1e-3);
    const loose = regression.solve(0);
    const tight = regression.solve(10);
    const norm = (w: Float32Array) => Math.hypot(...w);
    expect(norm(tight.outputWeights)).toBeLessThan(norm(loose.outputWeights));
  });
});
