import type { Engine } from '@molap/backend';
import { createRng } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExtractionInput,
  teacherCanonicalLatents,
  teacherCcaExtractor,
  teacherChecksum,
  teacherExtractor,
  teacherFingerprint,
  teacherLatentValues,
  teacherPrincipalLatents,
} from '../src/index.js';
import { SMALL_CORPUS, SMALL_TASK_OPTIONS, singleThreadEngine } from './bank-helpers.js';
import {
  columnCorrelation,
  outsideSpan,
  plantedSubspace,
  plantedTeacher,
  smallLayout,
  stateSample,
} from './teacher-helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await singleThreadEngine();
});
afterAll(async () => {
  await engine.dispose();
});

const input = (teacher = plantedTeacher()): ExtractionInput => ({
  tasks: SMALL_CORPUS,
  taskOptions: SMALL_TASK_OPTIONS,
  layout: smallLayout(),
  seed: 5,
  teacher,
  engine,
});
const fingerprint = teacherFingerprint(plantedTeacher());

describe('teacher extractor', () => {
  it("finds the planted subspace of a teacher's states, and no more than its dimension", async () => {
    const options = teacherExtractor.resolveOptions({ k: 3, trialsPerTask: 16 });
    const latents = await teacherExtractor.extract(input(), options);
    if (latents.method !== 'teacher') throw new Error('expected teacher latents');
    expect(latents.stateRank).toBe(3);
    expect(latents.explainedStateVariance).toBeCloseTo(1, 6);
    const basis = plantedSubspace(3, 2);
    for (let i = 0; i < 3; i++) {
      expect(outsideSpan(latents.stateDirections.slice(i * 6, (i + 1) * 6), basis, 6)).toBeLessThan(1e-6);
    }
    expect(latents.teacher.sha256).toBe(teacherChecksum(plantedTeacher().parameters));
    expect(latents.corpus?.taskIds).toEqual(['fdgo', 'delaygo', 'dm1']);
    await expect(teacherExtractor.extract(input(), { ...options, k: 4 })).rejects.toThrow(
      /k = 4 exceeds the numerical rank of the teacher's states \(3 at relative tolerance 0\.00001\)[\s\S]*hint: lower k to at most 3/,
    );
  });

  it('gives uncorrelated unit-variance latents, the same for the same teacher and seed', async () => {
    const options = teacherExtractor.resolveOptions({ k: 3, trialsPerTask: 16 });
    const one = await teacherExtractor.extract(input(), options);
    const two = await teacherExtractor.extract(input(), options);
    expect(two).toEqual(one);
    // On a synthetic sample: the latents of the sample itself have identity covariance.
    const rng = createRng(3);
    const n = 5000;
    const N = 5;
    const states = Float32Array.from({ length: n * N }, (_, i) => rng.normal() * (1 + (i % N)));
    const latents = teacherPrincipalLatents(
      stateSample(states, new Float32Array(n), N, 1),
      { k: 3, rotation: 'none', rankTolerance: 1e-5, seed: 1 },
      fingerprint,
    );
    const values = teacherLatentValues(latents, states);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let row = 0; row < n; row++) sum += values[row * 3 + i] * values[row * 3 + j];
        expect(sum / n).toBeCloseTo(i === j ? 1 : 0, 3);
      }
    }
    // The axes of largest variance come first: state channels 4, 3, 2 (std 5, 4, 3).
    expect(Array.from(latents.rho, (r) => Math.round(r * 55))).toEqual([25, 16, 9]);
  });

  it("with rotation 'ica', recovers independent sources mixed into the states", () => {
    const rng = createRng(8);
    const n = 20_000;
    const k = 3;
    const N = 6;
    const sources = new Float32Array(n * k);
    for (let row = 0; row < n; row++) {
      sources[row * k] = (rng.uniform() - 0.5) * Math.sqrt(12);
      const u = rng.uniform() - 0.5;
      sources[row * k + 1] = -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
      sources[row * k + 2] = Math.sign(Math.sin(row / 5.1));
    }
    const mixing = Float64Array.from({ length: N * k }, () => rng.normal());
    const states = new Float32Array(n * N);
    for (let row = 0; row < n; row++) {
      for (let c = 0; c < N; c++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += mixing[c * k + j] * sources[row * k + j];
        states[row * N + c] = sum;
      }
    }
    const sample = stateSample(states, new Float32Array(n), N, 1);
    const latents = teacherPrincipalLatents(sample, { k, rotation: 'ica', rankTolerance: 1e-5, seed: 2 }, fingerprint);
    expect(latents.rotation).toBe('ica');
    expect(latents.icaIterations).toBeGreaterThan(0);
    const values = teacherLatentValues(latents, states);
    for (let s = 0; s < k; s++) {
      const best = Math.max(...[0, 1, 2].map((c) => Math.abs(columnCorrelation(sources, s, k, values, c, k))));
      expect(best).toBeGreaterThan(0.99);
    }
    // Without rotation the principal components mix the sources.
    const plain = teacherLatentValues(
      teacherPrincipalLatents(sample, { k, rotation: 'none', rankTolerance: 1e-5, seed: 2 }, fingerprint),
      states,
    );
    const plainBest = [0, 1, 2].map((s) =>
      Math.max(...[0, 1, 2].map((c) => Math.abs(columnCorrelation(sources, s, k, plain, c, k)))),
    );
    expect(Math.min(...plainBest)).toBeLessThan(0.99);
  });
});

describe('teacher-cca extractor', () => {
  it('finds the state directions that carry the targets, where PCA finds the larger noise', () => {
    const rng = createRng(4);
    const n = 8000;
    const N = 4;
    // States [a, b, u, w]: a and b drive the two targets; u and w are larger but unrelated to them.
    const targets = new Float32Array(n * 2);
    const states = new Float32Array(n * N);
    for (let row = 0; row < n; row++) {
      const a = rng.normal();
      const b = rng.normal();
      states.set([a, b, 3 * rng.normal(), 3 * rng.normal()], row * N);
      targets.set([a + 0.05 * rng.normal(), b + 0.05 * rng.normal()], row * 2);
    }
    const sample = stateSample(states, targets, N, 2);
    const latents = teacherCanonicalLatents(sample, { k: 2, regularization: 1e-3, rankTolerance: 1e-5 }, fingerprint);
    expect(latents.method).toBe('teacher-cca');
    const carriers = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0]);
    for (let i = 0; i < 2; i++) {
      expect(latents.rho[i]).toBeGreaterThan(0.99);
      expect(outsideSpan(latents.stateDirections.slice(i * N, (i + 1) * N), carriers, N)).toBeLessThan(0.01);
    }
    // The principal components of the same states are the noise directions.
    const pca = teacherPrincipalLatents(sample, { k: 2, rotation: 'none', rankTolerance: 1e-5, seed: 1 }, fingerprint);
    for (let i = 0; i < 2; i++) {
      expect(outsideSpan(pca.stateDirections.slice(i * N, (i + 1) * N), carriers, N)).toBeGreaterThan(0.99);
    }
  });

  it('reads a real teacher on the corpus and refuses k above the targets it can align with', async () => {
    const options = teacherCcaExtractor.resolveOptions({ k: 2, trialsPerTask: 16 });
    const latents = await teacherCcaExtractor.extract(input(), options);
    expect(latents.k).toBe(2);
    expect(latents.method).toBe('teacher-cca');
    await expect(teacherCcaExtractor.extract(input(), { ...options, k: 4 })).rejects.toThrow(
      /exceeds the numerical rank of the teacher's states \(3/,
    );
  });
});
