/**
 * The engine contract: what every compute engine (native WebAssembly, tfjs) provides, and the model it
 * runs. Everything crossing this boundary is a `Float32Array` with an explicit shape, time-major.
 *
 * The model is a leaky rate RNN (Yang et al. 2019), optionally made of independent modules:
 *
 *   h_t = (1 − α)·h_{t−1} + α·φ(W_rec·h_{t−1} + W_in·x_t + b_rec + σ_rec·√(2/α)·ξ_t),   h_0 = 0
 *   h_t ← h_t ⊙ unitMask                                  (silenced units are clamped to 0)
 *   ŷ_t = g(W_out·h_t + b_out),  g = sigmoid (default) or identity
 *   loss = mean over T·B·nOut of ((y_t − ŷ_t) ⊙ mask_t)²   (Yang's masked squared error)
 *
 * ξ_t are standard normal samples of the backend's counter-based noise stream (see `noise.ts`): the
 * sample for (step t, trial b, unit i) depends only on (seed, t, b, i), so every engine and every thread
 * count draws exactly the same noise.
 */

/** Nonlinearity φ of the recurrent units. */
export type Activation = 'softplus' | 'relu' | 'tanh';

/** Output nonlinearity g: `sigmoid` for Yang-style targets in (0, 1), `linear` for regression (latents). */
export type OutputActivation = 'sigmoid' | 'linear';

/** Shape and dynamics of a leaky RNN; plain data, serialisable to JSON. */
export interface RnnConfig {
  /** Number of input channels, nIn. */
  readonly inputSize: number;
  /** Number of recurrent units, N (the sum of `modules` when modules are given). */
  readonly hiddenSize: number;
  /** Number of output channels, nOut. */
  readonly outputSize: number;
  /** Recurrent nonlinearity φ. */
  readonly activation: Activation;
  /** Output nonlinearity g. */
  readonly outputActivation: OutputActivation;
  /** Leak α = dt/τ, in (0, 1]; 0.2 for dt = 20 ms and τ = 100 ms. */
  readonly alpha: number;
  /** σ_rec: the pre-activation noise has standard deviation σ_rec·√(2/α). 0 turns it off. */
  readonly recurrentNoise: number;
  /**
   * Sizes of independent modules along the hidden units, in order (they sum to `hiddenSize`).
   * W_rec is then block-diagonal: entries outside the diagonal blocks are structural zeros, never read
   * and never given a gradient. Omitted: one fully connected block.
   */
  readonly modules?: readonly number[];
}

/** Names of the parameter tensors of a leaky RNN. */
export type ParameterName = 'inputWeights' | 'recurrentWeights' | 'recurrentBias' | 'outputWeights' | 'outputBias';

/** All parameter names, in the canonical order used by save files and flat views. */
export const PARAMETER_NAMES: readonly ParameterName[] = [
  'inputWeights',
  'recurrentWeights',
  'recurrentBias',
  'outputWeights',
  'outputBias',
];

/**
 * Parameters of a leaky RNN, row-major, rows = outputs of the map.
 * - `inputWeights`     W_in  [N, nIn]
 * - `recurrentWeights` W_rec [N, N] (full storage; off-block entries are zero when modules are given)
 * - `recurrentBias`    b_rec [N]
 * - `outputWeights`    W_out [nOut, N]
 * - `outputBias`       b_out [nOut]
 */
export type RnnParameters = Record<ParameterName, Float32Array>;

/** Which parameters receive gradients and optimiser updates; frozen ones cost no gradient work. */
export type TrainableFlags = Record<ParameterName, boolean>;

/**
 * A batch the engine can train on. `@molap/tasks` batches satisfy this interface structurally.
 * - `inputs`  [T, B, nIn]
 * - `targets` [T, B, nOut]
 * - `mask`    [T, B, nOut] loss weights (multiplied into the error before squaring; 0 on padding)
 */
export interface TrainingBatch {
  /** T, number of time steps. */
  readonly steps: number;
  /** B, number of trials. */
  readonly batchSize: number;
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly mask: Float32Array;
}

/** Options of one forward pass (evaluation or the forward half of a training step). */
export interface RunOptions {
  /** Seed of the recurrent-noise stream for this pass. Required when `recurrentNoise > 0` and noise is on. */
  readonly noiseSeed?: number;
  /** Multiplies σ_rec for this pass (0 = no noise, 1 = as configured). Default 1. */
  readonly noiseScale?: number;
  /**
   * Where this pass's B trials sit in a larger batch of `of` trials, for their recurrent noise: trial b of the
   * pass draws the noise of trial `first + b` of that batch (index ((t·of + first + b)·N + i)). A batch run in
   * parts of trials, each part with its `first`, gets the same noise, states and outputs as one pass over the
   * whole batch, with a part's memory. Default: the pass is the whole batch (`{ first: 0, of: B }`).
   */
  readonly noiseTrials?: NoiseTrials;
  /** [N] per-unit multiplier applied to the state after each update: 0 silences a unit. Default all 1. */
  readonly unitMask?: Float32Array;
}

/** The trials of a pass as part of a larger batch (`RunOptions.noiseTrials`). */
export interface NoiseTrials {
  /** Index of the pass's first trial in the larger batch. */
  readonly first: number;
  /** Trials of the larger batch. */
  readonly of: number;
}

/** Result of a forward pass. */
export interface ForwardResult {
  /** ŷ [T, B, nOut]. */
  readonly outputs: Float32Array;
  /** h [T, B, N], when requested with `keepStates`. */
  readonly states?: Float32Array;
  /** Masked squared-error loss of the batch (when the batch has targets and mask). */
  readonly loss: number;
}

/** Gradients of the loss with respect to the trainable parameters (frozen ones are absent). */
export type RnnGradients = Partial<RnnParameters>;

/** Adam hyper-parameters (TensorFlow's formulation, as in Yang et al.'s code). */
export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** How gradients are clipped before the optimiser step. */
export type GradientClipping =
  | { readonly kind: 'none' }
  /** Element-wise clipping to [−value, value] (Yang et al.: value 1). */
  | { readonly kind: 'value'; readonly value: number }
  /** Rescale all gradients together so their global L2 norm is at most `maxNorm`. */
  | { readonly kind: 'norm'; readonly maxNorm: number };

/** Optimiser state for exact resume: Adam moments per trainable parameter and the step count. */
export interface OptimizerState {
  readonly step: number;
  readonly firstMoment: Partial<RnnParameters>;
  readonly secondMoment: Partial<RnnParameters>;
}

/**
 * A model living in an engine: parameters, optimiser state, and the passes over batches.
 * Passes are asynchronous so that engines may use worker threads (or a GPU) without blocking; calls on
 * one model must not overlap (await each before starting the next).
 */
export interface EngineModel {
  readonly config: RnnConfig;
  readonly trainable: TrainableFlags;
  /** Copies of the current parameters. */
  getParameters(): RnnParameters;
  /** Replaces some or all parameters (copied in). Shapes are checked. */
  setParameters(parameters: Partial<RnnParameters>): void;
  /** Runs the network over a batch. */
  forward(batch: TrainingBatch, options?: RunOptions & { readonly keepStates?: boolean }): Promise<ForwardResult>;
  /** Loss and exact BPTT gradients of the trainable parameters, without updating anything. */
  gradients(
    batch: TrainingBatch,
    options?: RunOptions,
  ): Promise<{ readonly loss: number; readonly gradients: RnnGradients }>;
  /**
   * One fused training step: forward, BPTT, clipping, Adam update of the trainable parameters.
   * `extraGradients` (e.g. an EWC penalty) are added to the loss gradients before clipping.
   * @returns the loss before the update.
   */
  trainStep(batch: TrainingBatch, options?: RunOptions & { readonly extraGradients?: RnnGradients }): Promise<number>;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;
  /** Releases engine memory; the model cannot be used afterwards. */
  dispose(): void;
}

/** Options to create a model in an engine. */
export interface ModelOptions {
  readonly config: RnnConfig;
  readonly parameters: RnnParameters;
  /** Default: every parameter trainable. */
  readonly trainable?: Partial<TrainableFlags>;
  /** Default: Adam lr 1e-3, β1 0.9, β2 0.999, ε 1e-8. */
  readonly adam?: Partial<AdamOptions>;
  /** Default: element-wise clipping to [−1, 1] (Yang et al.). */
  readonly clipping?: GradientClipping;
}

/** A compute engine. */
export interface Engine {
  /** `native`, `tfjs-tensorflow`, `tfjs-wasm` or `tfjs-cpu`. */
  readonly name: string;
  /** Worker threads used (1 = the calling thread only). */
  readonly threads: number;
  createModel(options: ModelOptions): EngineModel;
  /** Releases the engine (terminates worker threads, frees memory). */
  dispose(): Promise<void>;
}
