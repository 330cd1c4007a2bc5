/**
 * Latent primitives from a teacher's dynamics (MoLaP §2b): the hidden states h(t) of a network trained on the
 * whole corpus, recorded on corpus trials, and k directions d_i in state space. Latent i of a trial is
 * v_i(t) = s_i·d_iᵀ(h(t) − μ_h), with s_i making it unit-variance over the sample. Because h(t) integrates the
 * input history, these latents carry the corpus' dynamics (memory, accumulation of evidence), unlike
 * projections of the instantaneous target.
 *
 * - `teacher` (PCA): d_i = the top-k principal axes of the states: the most variance of the corpus dynamics,
 *   mutually uncorrelated; optionally rotated by FastICA within their span for statistical independence.
 * - `teacher-cca`: d_i = the state side of the regularised CCA between states and targets: the dynamics most
 *   predictive of what the tasks ask for, mutually uncorrelated.
 *
 * The teacher runs noise-free (`noiseScale: 0`) on trials with input noise, so the latents follow the noisy
 * stimulus the modules see, not the teacher's own recurrent noise.
 */

import type { Engine, EngineModel } from '@molap/backend';
import { InvalidValueError, taskSeedKey } from '@molap/core';
import { createRng, resolveTaskOptions, type Task } from '@molap/tasks';
import type { CorpusTaskOptions } from './corpus.js';
import { sampleMoments, trace } from './covariance.js';
import { DEFAULT_ICA_MAX_ITERATIONS, DEFAULT_ICA_TOLERANCE, fastIca } from './fastica.js';
import { extractLatents, numericalRank } from './latents.js';
import { symmetricEigen } from './linalg.js';
import type { CorpusProvenance } from './sample.js';
import type { Teacher, TeacherFingerprint } from './teacher.js';

/** Layout version of `TeacherLatents`. */
export const TEACHER_LATENTS_VERSION = 1;

/** Rotation of the teacher's principal components: none, or FastICA within their span. */
export type TeacherRotation = 'none' | 'ica';

/** Latent primitives read from a teacher's hidden states. Plain data. */
export interface TeacherLatents {
  readonly version: number;
  readonly method: 'teacher' | 'teacher-cca';
  readonly k: number;
  /** Teacher hidden units N (the dimension of the state directions). */
  readonly stateDim: number;
  /** Output channels of the corpus. */
  readonly yDim: number;
  /** Rows (masked time steps) of the state sample. */
  readonly sampleSize: number;
  /**
   * [k] `teacher`: fraction of the states' variance along each direction. `teacher-cca`: the regularised
   * canonical correlation of each pair.
   */
  readonly rho: Float64Array;
  /** [k, N] unit-norm directions d_i in the teacher's state space. */
  readonly stateDirections: Float64Array;
  /** [N] mean state over the sample, μ_h. */
  readonly stateMean: Float64Array;
  /** [k] s_i = 1 / std of d_iᵀ(h − μ_h) over the sample. */
  readonly scales: Float64Array;
  /** Numerical rank of the states' covariance at `rankTolerance`. */
  readonly stateRank: number;
  readonly rankTolerance: number;
  /** Fraction of the states' variance in the span of the k directions. */
  readonly explainedStateVariance: number;
  readonly rotation: TeacherRotation;
  /** FastICA iterations (0 without rotation). */
  readonly icaIterations: number;
  readonly teacher: TeacherFingerprint;
  readonly corpus: CorpusProvenance | null;
}

/** Latents of a module bank: projections of the targets (`cca`, `pca`) or of a teacher's states. */
export function isTeacherLatents(latents: { readonly method: string }): latents is TeacherLatents {
  return latents.method === 'teacher' || latents.method === 'teacher-cca';
}

/** A teacher's hidden states on the masked time steps of corpus trials, and the targets there. */
export interface TeacherStateSample {
  /** [n, N] states. */
  readonly states: Float32Array;
  /** [n, yDim] targets. */
  readonly targets: Float32Array;
  readonly n: number;
  readonly stateDim: number;
  readonly yDim: number;
  readonly provenance: CorpusProvenance;
}

/** The teacher as an engine model (frozen). */
export function teacherModel(engine: Engine, teacher: Teacher): EngineModel {
  return engine.createModel({
    config: teacher.config,
    parameters: teacher.parameters,
    trainable: {
      inputWeights: false,
      recurrentWeights: false,
      recurrentBias: false,
      outputWeights: false,
      outputBias: false,
    },
  });
}

/** h [T, B, N] of the teacher on a batch, noise-free. */
export async function teacherStates(
  model: EngineModel,
  batch: { steps: number; batchSize: number; inputs: Float32Array },
): Promise<Float32Array> {
  const outputs = model.config.outputSize;
  const empty = new Float32Array(batch.steps * batch.batchSize * outputs);
  const result = await model.forward(
    { steps: batch.steps, batchSize: batch.batchSize, inputs: batch.inputs, targets: empty, mask: empty },
    { noiseSeed: 0, noiseScale: 0, keepStates: true },
  );
  return result.states!;
}

/**
 * Records the teacher's states on `trialsPerTask` trials of each corpus task (batches of `batchSize`, drawn
 * from `createRng(seed).fork(taskSeedKey(id))` as `sampleCorpus` draws them), keeping the time steps whose loss
 * mask is non-zero on some output.
 */
export async function sampleTeacherStates(options: {
  readonly tasks: readonly Task[];
  readonly taskOptions: CorpusTaskOptions;
  readonly seed: number;
  readonly trialsPerTask: number;
  readonly batchSize: number;
  readonly model: EngineModel;
}): Promise<TeacherStateSample> {
  const { tasks, model, trialsPerTask, batchSize } = options;
  const N = model.config.hiddenSize;
  const yDim = model.config.outputSize;
  const stateChunks: Float32Array[] = [];
  const targetChunks: Float32Array[] = [];
  let n = 0;
  const root = createRng(options.seed);
  for (const task of tasks) {
    const rng = root.fork(taskSeedKey(task.id));
    for (let drawn = 0; drawn < trialsPerTask; drawn += batchSize) {
      const size = Math.min(batchSize, trialsPerTask - drawn);
      const batch = task.generate(
        rng,
        resolveTaskOptions(task, { ...options.taskOptions, mode: 'random', batchSize: size }),
      );
      const states = await teacherStates(model, batch);
      const rows: number[] = [];
      for (let t = 0; t < batch.steps; t++) {
        for (let b = 0; b < size; b++) {
          if (t >= batch.trialSteps[b]) continue;
          const row = t * size + b;
          for (let c = 0; c < yDim; c++) {
            if (batch.mask[row * yDim + c] !== 0) {
              rows.push(row);
              break;
            }
          }
        }
      }
      const S = new Float32Array(rows.length * N);
      const Y = new Float32Array(rows.length * yDim);
      rows.forEach((row, i) => {
        S.set(states.subarray(row * N, (row + 1) * N), i * N);
        Y.set(batch.targets.subarray(row * yDim, (row + 1) * yDim), i * yDim);
      });
      stateChunks.push(S);
      targetChunks.push(Y);
      n += rows.length;
    }
  }
  const states = new Float32Array(n * N);
  const targets = new Float32Array(n * yDim);
  let offset = 0;
  stateChunks.forEach((chunk, i) => {
    states.set(chunk, offset * N);
    targets.set(targetChunks[i], offset * yDim);
    offset += chunk.length / N;
  });
  return {
    states,
    targets,
    n,
    stateDim: N,
    yDim,
    provenance: {
      taskIds: tasks.map((task) => task.id),
      seed: options.seed,
      trialsPerTask,
      historyTimeConstants: [],
    },
  };
}

/** Options of `teacherPrincipalLatents`. */
export interface TeacherPcaOptions {
  readonly k: number;
  readonly rotation: TeacherRotation;
  readonly rankTolerance: number;
  /** Seed of FastICA's start. */
  readonly seed: number;
  readonly ica?: { readonly maxIterations?: number; readonly tolerance?: number };
}

/** The states' covariance spectrum and the rank check shared by both teacher readings. */
function stateSpectrum(sample: TeacherStateSample, k: number, rankTolerance: number) {
  const { n, stateDim: N } = sample;
  const moments = sampleMoments({ X: sample.states, Y: sample.states, n, xDim: N, yDim: N }, false);
  const eigen = symmetricEigen(moments.cyy, N);
  const rank = numericalRank(eigen.values, rankTolerance);
  if (k > rank) {
    throw new InvalidValueError(
      `k = ${k} exceeds the numerical rank of the teacher's states (${rank} at relative tolerance ${rankTolerance}): ` +
        `its ${N} units span only ${rank} directions on the corpus`,
      { hint: `lower k to at most ${rank}, or use a larger teacher` },
    );
  }
  return { moments, eigen, rank, total: trace(moments.cyy, N) };
}

/**
 * The `teacher` reading: the top-k principal axes of the states (optionally ICA-rotated within their span).
 * @throws InvalidValueError when k exceeds the states' numerical rank; IcaConvergenceError when FastICA does not converge.
 */
export function teacherPrincipalLatents(
  sample: TeacherStateSample,
  options: TeacherPcaOptions,
  fingerprint: TeacherFingerprint,
): TeacherLatents {
  const { n, stateDim: N } = sample;
  const { k } = options;
  const { moments, eigen, rank, total } = stateSpectrum(sample, k, options.rankTolerance);
  const mean = moments.yMean;
  const directions = new Float64Array(k * N);
  const scales = new Float64Array(k);
  let icaIterations = 0;
  if (options.rotation === 'none') {
    for (let i = 0; i < k; i++) {
      directions.set(eigen.vectors.subarray(i * N, (i + 1) * N), i * N);
      scales[i] = 1 / Math.sqrt(eigen.values[i]);
    }
  } else {
    // Whitened principal scores z_i = u_iᵀ(h − μ)/√λ_i, then the rotation R: y_j = Σ_i R_ji z_i = d̃_jᵀ(h − μ).
    const whitened = new Float64Array(n * k);
    for (let row = 0; row < n; row++) {
      for (let i = 0; i < k; i++) {
        let sum = 0;
        for (let c = 0; c < N; c++) sum += eigen.vectors[i * N + c] * (sample.states[row * N + c] - mean[c]);
        whitened[row * k + i] = sum / Math.sqrt(eigen.values[i]);
      }
    }
    const ica = fastIca(whitened, n, k, {
      seed: options.seed,
      maxIterations: options.ica?.maxIterations ?? DEFAULT_ICA_MAX_ITERATIONS,
      tolerance: options.ica?.tolerance ?? DEFAULT_ICA_TOLERANCE,
    });
    icaIterations = ica.iterations;
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let c = 0; c < N; c++) {
        let sum = 0;
        for (let i = 0; i < k; i++)
          sum += (ica.rotation[j * k + i] * eigen.vectors[i * N + c]) / Math.sqrt(eigen.values[i]);
        directions[j * N + c] = sum;
        norm += sum * sum;
      }
      norm = Math.sqrt(norm);
      for (let c = 0; c < N; c++) directions[j * N + c] /= norm;
      scales[j] = norm;
    }
  }
  if (options.rotation === 'none') for (let i = 0; i < k; i++) signLargestPositive(directions, i, N);
  let spanned = 0;
  for (let i = 0; i < k; i++) spanned += eigen.values[i];
  return {
    version: TEACHER_LATENTS_VERSION,
    method: 'teacher',
    k,
    stateDim: N,
    yDim: sample.yDim,
    sampleSize: n,
    rho: Float64Array.from({ length: k }, (_, i) => variance(moments.cyy, directions, i, N) / total),
    stateDirections: directions,
    stateMean: mean,
    scales,
    stateRank: rank,
    rankTolerance: options.rankTolerance,
    explainedStateVariance: spanned / total,
    rotation: options.rotation,
    icaIterations,
    teacher: fingerprint,
    corpus: sample.provenance,
  };
}

/** Options of `teacherCanonicalLatents`. */
export interface TeacherCcaOptions {
  readonly k: number;
  readonly regularization: number;
  readonly rankTolerance: number;
}

/**
 * The `teacher-cca` reading: the state side of the regularised CCA between the teacher's states (X) and the
 * targets (Y), the spec's §2 CCA with the teacher's states, which carry the input history, as the X side.
 * @throws InvalidValueError when k exceeds the states' rank, the targets' rank or min(N, yDim).
 */
export function teacherCanonicalLatents(
  sample: TeacherStateSample,
  options: TeacherCcaOptions,
  fingerprint: TeacherFingerprint,
): TeacherLatents {
  const { n, stateDim: N } = sample;
  const { moments, rank, total } = stateSpectrum(sample, options.k, options.rankTolerance);
  const cca = extractLatents(
    { X: sample.states, Y: sample.targets, n, xDim: N, yDim: sample.yDim },
    { method: 'cca', k: options.k, regularization: options.regularization, rankTolerance: options.rankTolerance },
  );
  const k = cca.k;
  const directions = Float64Array.from(cca.xDirections!);
  const scales = Float64Array.from({ length: k }, (_, i) => 1 / Math.sqrt(variance(moments.cyy, directions, i, N)));
  const spanned = spannedVariance(moments.cyy, directions, k, N);
  return {
    version: TEACHER_LATENTS_VERSION,
    method: 'teacher-cca',
    k,
    stateDim: N,
    yDim: sample.yDim,
    sampleSize: n,
    rho: Float64Array.from(cca.rho),
    stateDirections: directions,
    stateMean: moments.yMean,
    scales,
    stateRank: rank,
    rankTolerance: options.rankTolerance,
    explainedStateVariance: spanned / total,
    rotation: 'none',
    icaIterations: 0,
    teacher: fingerprint,
    corpus: sample.provenance,
  };
}

/** dᵀ C d for row i of `directions`. */
function variance(covariance: Float64Array, directions: Float64Array, i: number, N: number): number {
  let sum = 0;
  for (let a = 0; a < N; a++) {
    let row = 0;
    for (let b = 0; b < N; b++) row += covariance[a * N + b] * directions[i * N + b];
    sum += directions[i * N + a] * row;
  }
  return sum;
}

/** Variance of the states in the span of the k (not necessarily orthogonal) directions: trace(Q·C·Qᵀ), Q orthonormal basis. */
function spannedVariance(covariance: Float64Array, directions: Float64Array, k: number, N: number): number {
  const basis = Float64Array.from(directions);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let c = 0; c < N; c++) dot += basis[i * N + c] * basis[j * N + c];
      for (let c = 0; c < N; c++) basis[i * N + c] -= dot * basis[j * N + c];
    }
    let norm = 0;
    for (let c = 0; c < N; c++) norm += basis[i * N + c] ** 2;
    norm = Math.sqrt(norm);
    for (let c = 0; c < N; c++) basis[i * N + c] /= norm;
  }
  let sum = 0;
  for (let i = 0; i < k; i++) sum += variance(covariance, basis, i, N);
  return sum;
}

function signLargestPositive(matrix: Float64Array, row: number, d: number): void {
  let largest = 0;
  for (let c = 0; c < d; c++) if (Math.abs(matrix[row * d + c]) > Math.abs(largest)) largest = matrix[row * d + c];
  if (largest < 0) for (let c = 0; c < d; c++) matrix[row * d + c] *= -1;
}

/**
 * The latents of states `[rows, N]` (e.g. a `[T, B, N]` batch), written as `[rows, k]` into `out` (or a new
 * array): v_i = s_i·d_iᵀ(h − μ_h).
 */
export function teacherLatentValues(latents: TeacherLatents, states: Float32Array, out?: Float32Array): Float32Array {
  const { k, stateDim: N } = latents;
  const rows = states.length / N;
  const result = out ?? new Float32Array(rows * k);
  const weights = new Float64Array(k * N);
  for (let i = 0; i < k; i++) {
    let shift = 0;
    for (let c = 0; c < N; c++) {
      weights[i * N + c] = latents.scales[i] * latents.stateDirections[i * N + c];
      shift += weights[i * N + c] * latents.stateMean[c];
    }
    for (let row = 0; row < rows; row++) {
      let sum = -shift;
      const base = row * N;
      for (let c = 0; c < N; c++) sum += weights[i * N + c] * states[base + c];
      result[row * k + i] = sum;
    }
  }
  return result;
}
