import { describe, expect, it } from 'vitest';
import { gaussianFanIn, glorotUniform, initRnnParameters, randomOrthogonal, scaledIdentity } from '../src/init.js';
import { createRandom } from '../src/random.js';
import { smallConfig } from './fixtures.js';

function gram(matrix: Float32Array, n: number): Float64Array {
  const product = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += matrix[k * n + i] * matrix[k * n + j];
      product[i * n + j] = sum;
    }
  return product;
}

describe('seeded random generator', () => {
  it('is deterministic per (seed, stream) and differs across them', () => {
    const draw = (seed: number, stream: number) => Array.from({ length: 5 }, createRandom(seed, stream).uniform);
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    expect(draw(2 ** 40, 0)).not.toEqual(draw(0, 0));
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const random = createRandom(3);
    let sum = 0;
    let sumSquares = 0;
    const count = 20000;
    for (let i = 0; i < count; i++) {
      const x = random.normal();
      sum += x;
      sumSquares += x * x;
    }
    expect(Math.abs(sum / count)).toBeLessThan(0.03);
    expect(Math.abs(sumSquares / count - 1)).toBeLessThan(0.04);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createRandom(0.5)).toThrow(/seed must be a safe integer/);
  });
});

describe('initialisers', () => {
  it('builds a scaled random orthogonal matrix (QᵀQ = scale²·I), deterministic in the seed', () => {
    const n = 12;
    const q = randomOrthogonal(n, { seed: 4, scale: 0.5 });
    const product = gram(q, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 0.25 : 0, 6);
    expect(randomOrthogonal(n, { seed: 4, scale: 0.5 })).toEqual(q);
    expect(randomOrthogonal(n, { seed: 5, scale: 0.5 })).not.toEqual(q);
  });

  it('builds 0.5·I, Glorot uniform within its limit and N(0,1)/√fan_in', () => {
    expect(Array.from(scaledIdentity(2, 0.5))).toEqual([0.5, 0, 0, 0.5]);
    const glorot = glorotUniform(33, 256, { seed: 1 });
    const limit = Math.sqrt(6 / (33 + 256));
    expect(Math.max(...glorot.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...glorot.map(Math.abs))).toBeGreaterThan(0.95 * limit);
    const gaussian = gaussianFanIn(200, 100, { seed: 2 });
    const variance = gaussian.reduce((sum, x) => sum + x * x, 0) / gaussian.length;
    expect(variance).toBeGreaterThan(0.0095);
    expect(variance).toBeLessThan(0.0105);
  });
});

describe('initRnnParameters', () => {
  it("uses Yang et al.'s defaults: 0.5·I recurrent weights, zero biases, seeded input and output weights", () => {
    const config = smallConfig({ inputSize: 4, hiddenSize: 6, outputSize: 3 });
    const parameters = initRnnParameters(config, { seed: 9 });
    expect(parameters.recurrentWeights).toEqual(scaledIdentity(6, 0.5));
    expect(parameters.recurrentBias).toEqual(new Float32Array(6));
    expect(parameters.outputBias).toEqual(new Float32Array(3));
    expect(parameters.inputWeights.length).toBe(24);
    expect(parameters.outputWeights.length).toBe(18);
    expect(initRnnParameters(config, { seed: 9 })).toEqual(parameters);
    expect(initRnnParameters(config, { seed: 10 }).inputWeights).not.toEqual(parameters.inputWeights);
  });

  it('initialises each module block on its own and leaves off-block entries at zero', () => {
    const config = smallConfig({ modules: [3, 4] });
    const parameters = initRnnParameters(config, { seed: 1, recurrentInit: 'randortho' });
    const n = 7;
    const block = new Float32Array(16);
    for (let i = 0; i < 4; i++) block.set(parameters.recurrentWeights.subarray((3 + i) * n + 3, (4 + i) * n), i * 4);
    const product = gram(block, 4);
    for (let i = 0; i < 4; i++) expect(product[i * 4 + i]).toBeCloseTo(0.25, 6);
    for (let i = 0; i < 3; i++)
      for (let j = 3; j < 7; j++) {
        expect(parameters.recurrentWeights[i * n + j]).toBe(0);
        expect(parameters.recurrentWeights[j * n + i]).toBe(0);
      }
  });

  it('rejects a bad recurrentInit or seed', () => {
    const config = smallConfig();
    expect(() => initRnnParameters(config, { seed: 1, recurrentInit: 'eye' as 'diag' })).toThrow(/recurrentInit/);
    expect(() => initRnnParameters(config, { seed: 1.5 })).toThrow(/integer seed/);
  });
});
