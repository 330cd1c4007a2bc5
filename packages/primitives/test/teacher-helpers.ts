/**
 * Planted teachers for the teacher-extractor tests: small networks whose hidden states provably lie in a known
 * subspace, and synthetic state samples with known structure.
 */
import type { RnnConfig, RnnParameters } from '@molap/backend';
import { createRng } from '@molap/tasks';
import { type BankLayout, bankLayout, type Teacher, type TeacherStateSample } from '../src/index.js';
import { SMALL_CORPUS, SMALL_TASK_OPTIONS } from './bank-helpers.js';

/** The layout of the small corpus (Yang tasks with 8-unit rings: 37 inputs, 9 outputs). */
export function smallLayout(): BankLayout {
  return bankLayout(SMALL_CORPUS[0], SMALL_TASK_OPTIONS);
}

/**
 * A teacher of `groups × copies` tanh units in which every unit of a group has the same input weights,
 * bias and incoming recurrent weights (the group's, split over its copies). Run noise-free, the copies of a
 * group have identical states at every step, so the states lie in the `groups`-dimensional span of the
 * group indicator vectors: their numerical rank is exactly `groups`.
 */
export function plantedTeacher(
  options: { groups?: number; copies?: number; seed?: number; taskIds?: readonly string[]; layout?: BankLayout } = {},
): Teacher {
  const groups = options.groups ?? 3;
  const copies = options.copies ?? 2;
  const layout = options.layout ?? smallLayout();
  const rng = createRng(options.seed ?? 1);
  const N = groups * copies;
  const nIn = layout.inputSize;
  const nOut = layout.outputSize;
  const baseIn = Float32Array.from({ length: groups * nIn }, () => rng.normal() / Math.sqrt(nIn));
  const baseRec = Float32Array.from({ length: groups * groups }, () => (0.9 * rng.normal()) / Math.sqrt(groups));
  const baseBias = Float32Array.from({ length: groups }, () => 0.1 * rng.normal());
  const group = (unit: number) => Math.floor(unit / copies);
  const parameters: RnnParameters = {
    inputWeights: new Float32Array(N * nIn),
    recurrentWeights: new Float32Array(N * N),
    recurrentBias: new Float32Array(N),
    outputWeights: Float32Array.from({ length: nOut * N }, () => rng.normal() / Math.sqrt(N)),
    outputBias: new Float32Array(nOut),
  };
  for (let u = 0; u < N; u++) {
    parameters.inputWeights.set(baseIn.subarray(group(u) * nIn, (group(u) + 1) * nIn), u * nIn);
    parameters.recurrentBias[u] = baseBias[group(u)];
    for (let v = 0; v < N; v++) parameters.recurrentWeights[u * N + v] = baseRec[group(u) * groups + group(v)] / copies;
  }
  const config: RnnConfig = {
    inputSize: nIn,
    hiddenSize: N,
    outputSize: nOut,
    activation: 'tanh',
    outputActivation: 'sigmoid',
    alpha: layout.dt / layout.tau,
    recurrentNoise: 0.05,
  };
  return { config, parameters, taskIds: options.taskIds ?? SMALL_CORPUS.map((task) => task.id) };
}

/** The indicator basis of the planted teacher's state subspace, orthonormal: [groups, N]. */
export function plantedSubspace(groups: number, copies: number): Float64Array {
  const N = groups * copies;
  const basis = new Float64Array(groups * N);
  for (let g = 0; g < groups; g++)
    for (let c = 0; c < copies; c++) basis[g * N + g * copies + c] = 1 / Math.sqrt(copies);
  return basis;
}

/** Norm of the part of `vector` (length N) outside the span of the orthonormal rows of `basis`. */
export function outsideSpan(vector: Float64Array, basis: Float64Array, N: number): number {
  const rest = Float64Array.from(vector);
  for (let r = 0; r < basis.length / N; r++) {
    let dot = 0;
    for (let c = 0; c < N; c++) dot += basis[r * N + c] * vector[c];
    for (let c = 0; c < N; c++) rest[c] -= dot * basis[r * N + c];
  }
  return Math.sqrt(rest.reduce((sum, v) => sum + v * v, 0));
}

/** A state sample from given [n, N] states and [n, yDim] targets. */
export function stateSample(states: Float32Array, targets: Float32Array, N: number, yDim: number): TeacherStateSample {
  const n = states.length / N;
  return {
    states,
    targets,
    n,
    stateDim: N,
    yDim,
    provenance: { taskIds: ['synthetic'], seed: 0, trialsPerTask: n, historyTimeConstants: [] },
  };
}

/** Pearson correlation of columns `i` of [n, a] and `j` of [n, b] row-major arrays. */
export function columnCorrelation(
  x: ArrayLike<number>,
  i: number,
  a: number,
  y: ArrayLike<number>,
  j: number,
  b: number,
): number {
  const n = x.length / a;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let row = 0; row < n; row++) {
    const u = x[row * a + i];
    const v = y[row * b + j];
    sx += u;
    sy += v;
    sxy += u * v;
    sxx += u * u;
    syy += v * v;
  }
  const cov = sxy / n - (sx / n) * (sy / n);
  return cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
}
