import { describe, expect, it } from 'vitest';
import { createKernelMemory, instantiateKernels } from './native/wasm.js';
import { fillNoise, NOISE_TABLE_BYTES, noiseIndex, noiseSample, noiseSeedKeys, noiseTables } from './noise.js';

/** Runs the wasm noise kernel over `count` samples from `start` and returns them. */
function wasmNoise(seed: number, start: number, count: number): Float32Array {
  const memory = createKernelMemory(Math.ceil((count * 4 + NOISE_TABLE_BYTES + 65536) / 65536) + 1);
  const kernels = instantiateKernels(memory);
  const tables = (kernels.heapBase() + 63) & ~63;
  new Uint8Array(memory.buffer).set(noiseTables(), tables);
  const out = tables + NOISE_TABLE_BYTES;
  const [key0, key1] = noiseSeedKeys(seed);
  kernels.noise(tables, key0, key1, start % 2 ** 32, Math.floor(start / 2 ** 32), count, out, 1, 0);
  return new Float32Array(memory.buffer, out, count).slice();
}

function moments(values: Float32Array) {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  let skew = 0;
  let kurtosis = 0;
  for (const v of values) {
    const d = v - mean;
    variance += d * d;
    skew += d * d * d;
    kurtosis += d * d * d * d;
  }
  variance /= values.length;
  return {
    mean,
    variance,
    skew: skew / values.length / variance ** 1.5,
    kurtosis: kurtosis / values.length / variance ** 2,
  };
}

describe('noise stream', () => {
  it('is bit-identical between the JS reference and the wasm kernel (incl. tails and wedges)', () => {
    const count = 200_000;
    for (const [seed, start] of [
      [0, 0],
      [123456789, 5_000_000],
      [2 ** 40 + 7, 2 ** 32 - 100_000], // crosses the 32-bit boundary of the index
    ] as const) {
      const js = fillNoise(seed, start, new Float32Array(count));
      const wasm = wasmNoise(seed, start, count);
      const jsBits = new Uint32Array(js.buffer);
      const wasmBits = new Uint32Array(wasm.buffer);
      const firstDifference = jsBits.findIndex((bits, i) => bits !== wasmBits[i]);
      expect(firstDifference, `first difference at sample ${firstDifference}`).toBe(-1);
      // the slow paths ran: ~1.2 % of samples leave the fast path, ~0.03 % are in the tail beyond 3.44
      expect(js.some((v) => Math.abs(v) > 3.5)).toBe(true);
    }
  });

  it('depends only on (seed, index)', () => {
    const whole = fillNoise(42, 1000, new Float32Array(5000));
    const part = fillNoise(42, 3000, new Float32Array(100));
    expect(part).toEqual(whole.subarray(2000, 2100));
    expect(noiseSample(42, 1000 + 4321)).toBe(whole[4321]);
    expect(noiseIndex(3, 2, 5, 4, 10)).toBe((3 * 4 + 2) * 10 + 5);
  });

  it('is standard normal, and streams of different seeds are uncorrelated', () => {
    const count = 400_000;
    const a = fillNoise(1, 0, new Float32Array(count));
    const b = fillNoise(2, 0, new Float32Array(count));
    const m = moments(a);
    expect(Math.abs(m.mean)).toBeLessThan(0.006);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.skew)).toBeLessThan(0.02);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.05);
    let cross = 0;
    let lag = 0;
    for (let i = 0; i < count; i++) {
      cross += a[i] * b[i];
      if (i > 0) lag += a[i] * a[i - 1];
    }
    expect(Math.abs(cross / count)).toBeLessThan(0.006);
    expect(Math.abs(lag / count)).toBeLessThan(0.006);
    // tail mass beyond 3σ: 2·(1 − Φ(3)) = 0.0026998
    const beyond = a.filter((v) => Math.abs(v) > 3).length / count;
    expect(Math.abs(beyond - 0.0026998)).toBeLessThan(0.0005);
  });

  it('rejects bad seeds and indices with a clear error', () => {
    expect(() => fillNoise(-1, 0, new Float32Array(1))).toThrow(/seed must be a non-negative safe integer/);
    expect(() => fillNoise(1.5, 0, new Float32Array(1))).toThrow(/seed/);
    expect(() => fillNoise(1, -3, new Float32Array(1))).toThrow(/startIndex/);
  });
});
