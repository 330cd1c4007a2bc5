import { describe, expect, it } from 'vitest';
import { createRng, detExp, detLog, InvalidOptionError, type Rng } from '../src/index.js';
import { addNormalFrom, useNormalKernel } from '../src/rng.js';
import { sameBits } from './batch-helpers.js';
import { ksStatistic, moments, normalCdf } from './stats.js';

function words(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.integer(2 ** 32));
}

describe('createRng', () => {
  it('produces the pinned xoshiro128** stream (SplitMix64 seeding; checked against the C reference)', () => {
    // First outputs for seed 42: the C reference of xoshiro128** seeded with two SplitMix64 words gives the
    // same numbers. A change here breaks every stored seed: only in a major version.
    expect(words(42, 6)).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
    const rng = createRng(42);
    // uniform() takes the top 27 + 26 bits of two words: (1776835114 >>> 5, 4165204688 >>> 6).
    expect(rng.uniform()).toBe(((1776835114 >>> 5) * 2 ** 26 + (4165204688 >>> 6)) / 2 ** 53);
  });

  it('gives the same stream for the same seed and different streams for different seeds', () => {
    expect(words(7, 100)).toEqual(words(7, 100));
    expect(words(7, 100)).not.toEqual(words(8, 100));
    expect(words(-1, 10)).toEqual(words(-1, 10));
    const big = createRng(2n ** 64n + 7n);
    expect(big.integer(1000)).toBe(createRng(7).integer(1000));
  });

  it('forks deterministic, independent generators without advancing the parent', () => {
    const parent = createRng(1);
    const before = createRng(1);
    const child = parent.fork(3);
    expect(parent.uniform()).toBe(before.uniform());
    // A fork depends only on the seed and the key, not on how far the parent has advanced.
    parent.normal();
    expect(parent.fork(3).uniform()).toBe(child.uniform() && createRng(1).fork(3).uniform());
    const a = createRng(1).fork(3);
    const b = createRng(1).fork(4);
    const c = createRng(2).fork(3);
    const first = [a.uniform(), b.uniform(), c.uniform()];
    expect(new Set(first).size).toBe(3);
    expect(createRng(1).fork(3).fork(0).uniform()).toBe(createRng(1).fork(3).fork(0).uniform());
  });

  it('rejects seeds and keys that are not integers, naming the fix', () => {
    expect(() => createRng(1.5)).toThrow(InvalidOptionError);
    expect(() => createRng(Number.NaN)).toThrow(/seed.*integer/);
    expect(() => createRng('3' as unknown as number)).toThrow(/Invalid option seed: "3"/);
    expect(() => createRng(1).fork(0.5)).toThrow(/key/);
    expect(() => createRng(1).integer(0)).toThrow(
      expect.objectContaining({ code: 'invalid-option', kind: 'bad-input' }),
    );
    expect(() => createRng(1).integer(2.5)).toThrow(/integer n/);
  });

  it('draws uniforms in [0, 1) and unbiased integers', () => {
    const rng = createRng(5);
    const n = 200_000;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = rng.uniform();
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    expect(ksStatistic(u, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(1.63 / Math.sqrt(n)); // p = 0.01
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.integer(7)]++;
    const chi2 = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(22.46); // χ²(6), p = 0.001 (over 200 seeds the statistic averages 5.8, as χ²(6) should)
  });

  it('samples exact standard normals (moments, tails, KS)', () => {
    const rng = createRng(11);
    const n = 400_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.normal();
    const m = moments(x);
    expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m.skewness)).toBeLessThan(4 * Math.sqrt(6 / n));
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(4 * Math.sqrt(24 / n));
    expect(ksStatistic(x, normalCdf)).toBeLessThan(1.63 / Math.sqrt(n));
    // The tail beyond R = 3.654 (sampled by its own rejection loop) has the right mass: 2(1 − Φ(3.654)).
    let tail = 0;
    for (const v of x) if (Math.abs(v) > 3.6541528853610088) tail++;
    const expected = n * 2 * (1 - normalCdf(3.6541528853610088));
    expect(Math.abs(tail - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('puts the right mass in 40 bins over ±5 (χ² over 2 million addNormal samples: fast path, wedges, tail)', () => {
    const n = 2_000_000;
    const samples = new Float32Array(n);
    createRng(21).addNormal(samples, 1);
    const edges = Array.from({ length: 41 }, (_, k) => -5 + k * 0.25);
    const counts = new Array(40).fill(0);
    for (const v of samples) {
      const k = Math.floor((v + 5) / 0.25);
      if (k >= 0 && k < 40) counts[k]++;
    }
    let chi2 = 0;
    let dof = 0;
    for (let k = 0; k < 40; k++) {
      const expected = n * (normalCdf(edges[k + 1]) - normalCdf(edges[k]));
      if (expected < 20) continue;
      chi2 += (counts[k] - expected) ** 2 / expected;
      dof++;
    }
    // χ² with ~36 degrees of freedom: p = 0.001 at about 68.
    expect(dof).toBeGreaterThan(30);
    expect(chi2).toBeLessThan(68);
  });

  it('addNormal adds N(0, std²) to exactly the requested range', () => {
    const rng = createRng(3);
    const out = new Float32Array(100_010).fill(1);
    rng.addNormal(out, 0.5, 5, 100_000);
    expect(Array.from(out.subarray(0, 5))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(out.subarray(100_005))).toEqual([1, 1, 1, 1, 1]);
    const body = out.subarray(5, 100_005).map((v) => (v - 1) / 0.5);
    const m = moments(body);
    expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(body.length));
    expect(Math.abs(m.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / body.length));
    expect(ksStatistic(body, normalCdf)).toBeLessThan(1.63 / Math.sqrt(body.length));
    const again = new Float32Array(100_010).fill(1);
    createRng(3).addNormal(again, 0.5, 5, 100_000);
    expect(sameBits(again, out)).toBe(true);
    expect(() => rng.addNormal(out, 1, 100_000, 11)).toThrow(/exceeds/);
    // Counts that are not a multiple of the 4-word block: the range is exact, the stream deterministic.
    for (const count of [1, 3, 7, 4097]) {
      const a = new Float32Array(count + 2);
      const b = new Float32Array(count + 2);
      createRng(count).addNormal(a, 1, 1, count);
      createRng(count).addNormal(b, 1, 1, count);
      expect(sameBits(a, b)).toBe(true);
      expect([a[0], a[count + 1]]).toEqual([0, 0]);
      expect(a.subarray(1, count + 1).every((v) => v !== 0)).toBe(true);
    }
  });
});

describe('deterministic exp and log', () => {
  it('agree with Math.exp and Math.log to a few ulp', () => {
    for (let i = 0; i <= 4000; i++) {
      const x = -740 + (i * 1449) / 4000; // [-740, 709]
      const reference = Math.exp(x);
      expect(Math.abs(detExp(x) - reference)).toBeLessThanOrEqual(4 * Number.EPSILON * reference + Number.MIN_VALUE);
      const y = 10 ** (-300 + (i * 600) / 4000);
      expect(Math.abs(detLog(y) - Math.log(y))).toBeLessThanOrEqual(
        4 * Number.EPSILON * Math.abs(Math.log(y)) + 1e-300,
      );
    }
    expect(detExp(0)).toBe(1);
    expect(detLog(1)).toBe(0);
    expect(detExp(-1000)).toBe(0);
    expect(detExp(1000)).toBe(Number.POSITIVE_INFINITY);
    expect(detLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(detLog(-1)).toBeNaN();
    expect(detLog(Number.MIN_VALUE)).toBeCloseTo(Math.log(Number.MIN_VALUE), 10);
  });
});

describe('addNormalFrom (the fused template + noise fill of batch generation)', () => {
  it('equals a copy followed by addNormal, bit for bit, for createRng and for any other Rng', () => {
    const source = Float32Array.from({ length: 9000 }, (_, i) => (i % 7) * 0.25);
    const fused = new Float32Array(9100);
    addNormalFrom(createRng(9), fused, 50, source, 0, 9000, 0.1);
    const reference = new Float32Array(9100);
    reference.set(source, 50);
    createRng(9).addNormal(reference, 0.1, 50, 9000);
    expect(sameBits(fused, reference)).toBe(true);
    // A foreign generator (here a wrapper) takes the copy-then-addNormal path.
    const inner = createRng(9);
    const foreign: Rng = {
      uniform: () => inner.uniform(),
      integer: (n) => inner.integer(n),
      normal: () => inner.normal(),
      addNormal: (out, std, offset, count) => inner.addNormal(out, std, offset, count),
      fork: (key) => inner.fork(key),
    };
    const viaForeign = new Float32Array(9100);
    addNormalFrom(foreign, viaForeign, 50, source, 0, 9000, 0.1);
    expect(sameBits(viaForeign, reference)).toBe(true);
  });
});

describe('the WebAssembly normal kernel and the JavaScript loop', () => {
  /** Runs `fill` with the kernel on or off; returns what it returns. */
  function withKernel<T>(enabled: boolean, fill: () => T): T {
    useNormalKernel(enabled);
    try {
      return fill();
    } finally {
      useNormalKernel(true);
    }
  }

  it('give the same bits and leave the generator in the same state (fast path, wedges and tails)', () => {
    // 3 million samples at std 1: about 39,000 slow-path samples, 800 of them in the tail.
    const run = (enabled: boolean) => {
      const samples = new Float32Array(3_000_001);
      const rng = createRng(77);
      withKernel(enabled, () => rng.addNormal(samples, 1));
      return { samples, next: rng.uniform() };
    };
    const kernel = run(true);
    const plain = run(false);
    expect(sameBits(kernel.samples, plain.samples)).toBe(true);
    expect(kernel.next).toBe(plain.next);
  });

  it('agree on template fills of every length and offset, with any std', () => {
    const source = Float32Array.from({ length: 12_000 }, (_, i) => ((i * 37) % 11) * 0.125 - 0.5);
    for (const [count, std, outOffset, sourceOffset] of [
      [1, 0.5, 0, 0],
      [3, 0.03, 7, 2],
      [4, 1, 1, 1],
      [7, 2, 0, 5],
      [31, 0.7, 0, 0],
      [33, 0.7, 4, 1],
      [85, 0.0316, 10, 85],
      [4095, 0.1, 3, 0],
      [4096, 0.1, 0, 9],
      [4097, 0.0316, 2, 3],
      [5440, 0.0316, 0, 0],
      [11_111, 3, 5, 17],
    ]) {
      const run = (enabled: boolean) => {
        const out = new Float32Array(count + 20).fill(9);
        const rng = createRng(count * 31 + outOffset);
        withKernel(enabled, () => addNormalFrom(rng, out, outOffset, source, sourceOffset, count, std));
        return { out, next: rng.integer(2 ** 32) };
      };
      const kernel = run(true);
      const plain = run(false);
      expect(sameBits(kernel.out, plain.out), `count ${count}`).toBe(true);
      expect(kernel.next).toBe(plain.next);
      expect(kernel.out[outOffset + count]).toBe(9);
    }
  });

  it('keep the pinned normal stream (computed before the kernel existed)', () => {
    for (const enabled of [true, false]) {
      const first = new Float32Array(8);
      withKernel(enabled, () => createRng(42).addNormal(first, 1));
      expect(Array.from(first)).toEqual([
        0.3801496922969818, 2.122770071029663, 0.005234483163803816, 0.9749302268028259, 1.189841628074646,
        0.7120648622512817, -1.7194081544876099, 1.1874127388000488,
      ]);
      const many = new Float32Array(1_000_003);
      const rng = createRng(43);
      withKernel(enabled, () => rng.addNormal(many, 1));
      let sum = 0;
      let squares = 0;
      for (const v of many) {
        sum += v;
        squares += v * v;
      }
      expect([sum, squares, rng.uniform()]).toEqual([807.0072950364902, 1001612.5182486944, 0.5541874562245278]);
    }
  });
});
