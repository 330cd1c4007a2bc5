/**
 * Float64 reference of the engine model: forward pass, loss, exact backpropagation through time, gradient
 * clipping and Adam, in plain loops over `Float64Array`s. It is slow on purpose and meant to be read: it
 * is the oracle the engines are tested against and the written-out mathematics of the model.
 *
 * Notation (one trial b; the batch repeats it for b = 0 … B−1; row-major matrices, rows = outputs):
 *
 *   u_t = W_in·x_t + Ŵ_rec·h_{t−1} + b_rec + s·ξ_t         pre-activation [N], Ŵ_rec = W_rec ⊙ M_blocks
 *   r_t = φ(u_t)                                           rate [N]
 *   h_t = ((1 − α)·h_{t−1} + α·r_t) ⊙ m                    state [N], h_{−1} = 0, m = unit mask (default 1)
 *   z_t = W_out·h_t + b_out,  ŷ_t = g(z_t)                 output [nOut]
 *   L   = 1/(T·B·nOut) · Σ_{t,b,k} (M_tbk·(y_tbk − ŷ_tbk))²
 *
 * with s = σ_rec·√(2/α)·noiseScale and ξ standard normal. Backward, with a_t = ∂L/∂h_t (total derivative
 * through every later step) and e_t = a_t ⊙ m:
 *
 *   ∂L/∂ŷ_t = −2/(T·B·nOut) · M_t² ⊙ (y_t − ŷ_t),   δz_t = ∂L/∂ŷ_t ⊙ g′(z_t)
 *   δu_t = α·e_t ⊙ φ′(u_t)
 *   a_t  = W_outᵀ·δz_t + (1 − α)·e_{t+1} + Ŵ_recᵀ·δu_{t+1}        (the last two terms are 0 for t = T−1)
 *   ∂L/∂W_out = Σ δz_t·h_tᵀ,  ∂L/∂b_out = Σ δz_t,  ∂L/∂W_in = Σ δu_t·x_tᵀ,  ∂L/∂b_rec = Σ δu_t,
 *   ∂L/∂W_rec = (Σ δu_t·h_{t−1}ᵀ) ⊙ M_blocks
 *
 * φ′: softplus → sigmoid(u), relu → [u > 0], tanh → 1 − tanh²(u). g′: sigmoid → ŷ(1 − ŷ), linear → 1.
 */
import {
  type AdamOptions,
  type GradientClipping,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type TrainableFlags,
  type TrainingBatch,
} from './engine.js';
import { invalidOption } from './errors.js';
import { moduleMask } from './model-options.js';

/** Parameters as any numeric arrays (Float32Array from an engine, Float64Array for finite differences). */
export type ReferenceParameters = Record<ParameterName, ArrayLike<number>>;

/** Float64 values per parameter name. */
export type Float64Parameters = Record<ParameterName, Float64Array>;

/** Options of a reference pass. Unlike the engines, the noise is given explicitly. */
export interface ReferenceRunOptions {
  /** ξ [T, B, N]: unscaled standard-normal samples of the recurrent noise. Omitted: no noise. */
  readonly standardNormal?: ArrayLike<number>;
  /** Multiplies σ_rec for this pass. Default 1. */
  readonly noiseScale?: number;
  /** m [N]: multiplies the state after each update (0 silences a unit). Default all 1. */
  readonly unitMask?: ArrayLike<number>;
}

/** Everything the forward pass computes, kept for the backward pass. */
export interface ReferenceForwardResult {
  /** ŷ [T, B, nOut]. */
  readonly outputs: Float64Array;
  /** h [T, B, N]. */
  readonly states: Float64Array;
  /** u [T, B, N]. */
  readonly preActivations: Float64Array;
  /** Masked squared-error loss. */
  readonly loss: number;
}

/** Adam state of the reference: step count and moments per trainable parameter. */
export interface ReferenceAdamState {
  readonly step: number;
  readonly firstMoment: Partial<Float64Parameters>;
  readonly secondMoment: Partial<Float64Parameters>;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** φ(u). Softplus is computed as max(u, 0) + log1p(exp(−|u|)) to avoid overflow. */
function activate(activation: RnnConfig['activation'], u: number): number {
  switch (activation) {
    case 'softplus':
      return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    case 'relu':
      return Math.max(u, 0);
    case 'tanh':
      return Math.tanh(u);
  }
}

/** φ′(u). */
function activationDerivative(activation: RnnConfig['activation'], u: number): number {
  switch (activation) {
    case 'softplus':
      return sigmoid(u);
    case 'relu':
      return u > 0 ? 1 : 0;
    case 'tanh': {
      const t = Math.tanh(u);
      return 1 - t * t;
    }
  }
}

/** W_rec with off-block entries replaced by structural zeros. */
function effectiveRecurrentWeights(config: RnnConfig, recurrentWeights: ArrayLike<number>): Float64Array {
  const weights = Float64Array.from(recurrentWeights);
  const mask = moduleMask(config);
  if (mask) for (let i = 0; i < weights.length; i++) weights[i] *= mask[i];
  return weights;
}

/** Runs the network over a batch in float64 and computes the loss. */
export function referenceForward(
  config: RnnConfig,
  parameters: ReferenceParameters,
  batch: TrainingBatch,
  options: ReferenceRunOptions = {},
): ReferenceForwardResult {
  const { inputSize: nIn, hiddenSize: n, outputSize: nOut, alpha } = config;
  const { steps: T, batchSize: B } = batch;
  const wIn = parameters.inputWeights;
  const wRec = effectiveRecurrentWeights(config, parameters.recurrentWeights);
  const bRec = parameters.recurrentBias;
  const wOut = parameters.outputWeights;
  const bOut = parameters.outputBias;
  const noiseStd = config.recurrentNoise * Math.sqrt(2 / alpha) * (options.noiseScale ?? 1);
  const xi = options.standardNormal;
  if (xi !== undefined && xi.length !== T * B * n)
    throw invalidOption(`standardNormal must have T·B·N = ${T * B * n} elements`);
  const unitMask = options.unitMask;

  const outputs = new Float64Array(T * B * nOut);
  const states = new Float64Array(T * B * n);
  const preActivations = new Float64Array(T * B * n);
  let sumSquares = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      const previous = t > 0 ? ((t - 1) * B + b) * n : -1;
      for (let i = 0; i < n; i++) {
        let u = bRec[i];
        for (let j = 0; j < nIn; j++) u += wIn[i * nIn + j] * batch.inputs[row * nIn + j];
        if (previous >= 0) for (let j = 0; j < n; j++) u += wRec[i * n + j] * states[previous + j];
        if (xi !== undefined && noiseStd !== 0) u += noiseStd * xi[row * n + i];
        preActivations[row * n + i] = u;
        const hPrevious = previous >= 0 ? states[previous + i] : 0;
        const h = (1 - alpha) * hPrevious + alpha * activate(config.activation, u);
        states[row * n + i] = unitMask ? h * unitMask[i] : h;
      }
      for (let k = 0; k < nOut; k++) {
        let z = bOut[k];
        for (let j = 0; j < n; j++) z += wOut[k * n + j] * states[row * n + j];
        const y = config.outputActivation === 'sigmoid' ? sigmoid(z) : z;
        outputs[row * nOut + k] = y;
        const weighted = (batch.targets[row * nOut + k] - y) * batch.mask[row * nOut + k];
        sumSquares += weighted * weighted;
      }
    }
  }
  return { outputs, states, preActivations, loss: sumSquares / (T * B * nOut) };
}

/** Loss and exact BPTT gradients of every parameter (off-block W_rec entries get 0), in float64. */
export function referenceGradients(
  config: RnnConfig,
  parameters: ReferenceParameters,
  batch: TrainingBatch,
  options: ReferenceRunOptions = {},
): { readonly loss: number; readonly gradients: Float64Parameters; readonly forward: ReferenceForwardResult } {
  const forward = referenceForward(config, parameters, batch, options);
  const { inputSize: nIn, hiddenSize: n, outputSize: nOut, alpha } = config;
  const { steps: T, batchSize: B } = batch;
  const wRec = effectiveRecurrentWeights(config, parameters.recurrentWeights);
  const wOut = parameters.outputWeights;
  const unitMask = options.unitMask;
  const { outputs, states, preActivations } = forward;

  const gradients: Float64Parameters = {
    inputWeights: new Float64Array(n * nIn),
    recurrentWeights: new Float64Array(n * n),
    recurrentBias: new Float64Array(n),
    outputWeights: new Float64Array(nOut * n),
    outputBias: new Float64Array(nOut),
  };
  const lossScale = 2 / (T * B * nOut);
  const a = new Float64Array(n); // ∂L/∂h_t of one trial
  const dz = new Float64Array(nOut);
  // Per trial, the carried terms (1 − α)·e_{t+1} + Ŵ_recᵀ·δu_{t+1} of the step after the current one.
  const carry = new Float64Array(B * n);
  const du = new Float64Array(n);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = t * B + b;
      for (let k = 0; k < nOut; k++) {
        const y = outputs[row * nOut + k];
        const m = batch.mask[row * nOut + k];
        const dy = -lossScale * m * m * (batch.targets[row * nOut + k] - y);
        dz[k] = config.outputActivation === 'sigmoid' ? dy * y * (1 - y) : dy;
        gradients.outputBias[k] += dz[k];
        for (let j = 0; j < n; j++) gradients.outputWeights[k * n + j] += dz[k] * states[row * n + j];
      }
      for (let i = 0; i < n; i++) {
        let value = carry[b * n + i];
        for (let k = 0; k < nOut; k++) value += wOut[k * n + i] * dz[k];
        a[i] = value;
      }
      const previous = t > 0 ? ((t - 1) * B + b) * n : -1;
      for (let i = 0; i < n; i++) {
        const e = unitMask ? a[i] * unitMask[i] : a[i];
        du[i] = alpha * e * activationDerivative(config.activation, preActivations[row * n + i]);
        carry[b * n + i] = (1 - alpha) * e;
        gradients.recurrentBias[i] += du[i];
        for (let j = 0; j < nIn; j++) gradients.inputWeights[i * nIn + j] += du[i] * batch.inputs[row * nIn + j];
        if (previous >= 0)
          for (let j = 0; j < n; j++) gradients.recurrentWeights[i * n + j] += du[i] * states[previous + j];
      }
      for (let j = 0; j < n; j++) {
        let value = 0;
        for (let i = 0; i < n; i++) value += wRec[i * n + j] * du[i];
        carry[b * n + j] += value;
      }
    }
  }
  const mask = moduleMask(config);
  if (mask) for (let i = 0; i < mask.length; i++) gradients.recurrentWeights[i] *= mask[i];
  return { loss: forward.loss, gradients, forward };
}

/** Clips gradients as the engines do: element-wise to [−v, v], or jointly to a global L2 norm. */
export function referenceClip(
  gradients: Partial<Float64Parameters>,
  clipping: GradientClipping,
): Partial<Float64Parameters> {
  const clipped: Partial<Float64Parameters> = {};
  if (clipping.kind === 'value') {
    for (const name of PARAMETER_NAMES) {
      const g = gradients[name];
      if (g) clipped[name] = g.map((value) => Math.min(clipping.value, Math.max(-clipping.value, value)));
    }
    return clipped;
  }
  let scale = 1;
  if (clipping.kind === 'norm') {
    let sumSquares = 0;
    for (const name of PARAMETER_NAMES) for (const value of gradients[name] ?? []) sumSquares += value * value;
    const norm = Math.sqrt(sumSquares);
    // TensorFlow's clip_by_global_norm: g · maxNorm / max(norm, maxNorm).
    scale = clipping.maxNorm / Math.max(norm, clipping.maxNorm);
  }
  for (const name of PARAMETER_NAMES) {
    const g = gradients[name];
    if (g) clipped[name] = g.map((value) => value * scale);
  }
  return clipped;
}

/**
 * One Adam update in TensorFlow's formulation (as in Yang et al.'s code), for every parameter present in
 * `gradients`:
 *
 *   t ← t + 1,  α_t = lr·√(1 − β2^t)/(1 − β1^t)
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,  θ ← θ − α_t·m/(√v + ε)
 *
 * (ε is added to √v without bias correction, unlike the paper's ε.)
 */
export function referenceAdamUpdate(
  parameters: ReferenceParameters,
  gradients: Partial<Float64Parameters>,
  state: ReferenceAdamState,
  adam: AdamOptions,
): { readonly parameters: Float64Parameters; readonly state: ReferenceAdamState } {
  const step = state.step + 1;
  const stepSize = (adam.learningRate * Math.sqrt(1 - adam.beta2 ** step)) / (1 - adam.beta1 ** step);
  const next = {} as Float64Parameters;
  const firstMoment: Partial<Float64Parameters> = {};
  const secondMoment: Partial<Float64Parameters> = {};
  for (const name of PARAMETER_NAMES) {
    const theta = Float64Array.from(parameters[name]);
    const g = gradients[name];
    if (g) {
      const m = Float64Array.from(state.firstMoment[name] ?? new Float64Array(g.length));
      const v = Float64Array.from(state.secondMoment[name] ?? new Float64Array(g.length));
      for (let i = 0; i < g.length; i++) {
        m[i] = adam.beta1 * m[i] + (1 - adam.beta1) * g[i];
        v[i] = adam.beta2 * v[i] + (1 - adam.beta2) * g[i] * g[i];
        theta[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) + adam.epsilon);
      }
      firstMoment[name] = m;
      secondMoment[name] = v;
    }
    next[name] = theta;
  }
  return { parameters: next, state: { step, firstMoment, secondMoment } };
}

/** Options of a reference training step. */
export interface ReferenceTrainStepOptions extends ReferenceRunOptions {
  readonly trainable: TrainableFlags;
  readonly adam: AdamOptions;
  readonly clipping: GradientClipping;
  /** Added to the loss gradients before clipping (off-block W_rec entries are ignored). */
  readonly extraGradients?: Partial<Record<ParameterName, ArrayLike<number>>>;
}

/** A full training step: gradients of the trainable parameters (+ extra gradients), clipping, Adam. */
export function referenceTrainStep(
  config: RnnConfig,
  parameters: ReferenceParameters,
  state: ReferenceAdamState,
  batch: TrainingBatch,
  options: ReferenceTrainStepOptions,
): { readonly loss: number; readonly parameters: Float64Parameters; readonly state: ReferenceAdamState } {
  const { loss, gradients } = referenceGradients(config, parameters, batch, options);
  const mask = moduleMask(config);
  const selected: Partial<Float64Parameters> = {};
  for (const name of PARAMETER_NAMES) {
    if (!options.trainable[name]) continue;
    const g = gradients[name];
    const extra = options.extraGradients?.[name];
    if (extra) {
      for (let i = 0; i < g.length; i++) g[i] += name === 'recurrentWeights' && mask ? extra[i] * mask[i] : extra[i];
    }
    selected[name] = g;
  }
  const clipped = referenceClip(selected, options.clipping);
  const updated = referenceAdamUpdate(parameters, clipped, state, options.adam);
  return { loss, ...updated };
}
