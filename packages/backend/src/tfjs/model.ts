/**
 * A model of the engine contract on a TensorFlow.js backend: parameters and Adam moments as tfjs tensors,
 * passes from `sequence.ts`, Adam (TensorFlow's formulation) and clipping on tensors.
 * Every tensor of a pass is created inside `tf.tidy`; the model's own tensors (parameters, Adam moments,
 * module mask) are replaced and disposed explicitly, so `tf.memory().numTensors` stays constant across steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type AdamOptions,
  type EngineModel,
  type ForwardResult,
  type GradientClipping,
  type ModelOptions,
  type OptimizerState,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
  type RunOptions,
  type TrainableFlags,
  type TrainingBatch,
} from '../engine.js';
import { disposedError } from '../errors.js';
import {
  moduleMask,
  parameterShapes,
  recurrentNoiseStd,
  resolveModelOptions,
  resolveNoiseTrials,
  trainableNames,
  validateBatch,
  validateExtraGradients,
  validateOptimizerState,
  validateParameterRecord,
  validateUnitMask,
} from '../model-options.js';
import { fillNoise } from '../noise.js';
import { activateTfjsBackend, type TfjsBackendName } from './backends.js';
import { forwardSequence, type ParameterTensors, type StepTensors, sequenceLoss } from './sequence.js';

/** One tensor per time step of the batch (and of the scaled noise [T, B, N]), plus the unit mask. */
function stepTensors(
  batch: TrainingBatch,
  config: RnnConfig,
  noise: Float32Array | undefined,
  unitMask: Float32Array | undefined,
): StepTensors {
  const { steps, batchSize } = batch;
  const perStep = (values: Float32Array, channels: number) =>
    Array.from({ length: steps }, (_, t) =>
      tf.tensor2d(values.subarray(t * batchSize * channels, (t + 1) * batchSize * channels), [batchSize, channels]),
    );
  return {
    inputs: perStep(batch.inputs, config.inputSize),
    noise: noise ? perStep(noise, config.hiddenSize) : undefined,
    targets: perStep(batch.targets, config.outputSize),
    mask: perStep(batch.mask, config.outputSize),
    unitMask: unitMask ? tf.tensor1d(unitMask) : undefined,
  };
}

/** A tfjs model of the engine contract; create it with `TfjsEngine.createModel`. */
export class TfjsModel implements EngineModel {
  readonly config: RnnConfig;
  readonly trainable: TrainableFlags;
  /** Adam hyper-parameters in use. */
  readonly adam: AdamOptions;
  /** Gradient clipping in use. */
  readonly clipping: GradientClipping;
  private readonly backend: TfjsBackendName;
  private readonly trainableList: ParameterName[];
  private parameters: ParameterTensors;
  private firstMoment: Partial<ParameterTensors>;
  private secondMoment: Partial<ParameterTensors>;
  private optimizerStep = 0;
  /** Block-diagonal mask of W_rec [N, N], when the network has several modules. */
  private readonly blockMask?: tf.Tensor2D;
  private disposed = false;
  private readonly onDispose?: (model: TfjsModel) => void;

  /**
   * @param backend the tfjs backend to run on (already loaded).
   * @param onDispose called once when the model is disposed (the engine's bookkeeping).
   */
  constructor(backend: TfjsBackendName, options: ModelOptions, onDispose?: (model: TfjsModel) => void) {
    const resolved = resolveModelOptions(options);
    this.config = resolved.config;
    this.trainable = resolved.trainable;
    this.adam = resolved.adam;
    this.clipping = resolved.clipping;
    this.backend = backend;
    this.onDispose = onDispose;
    this.trainableList = trainableNames(this.trainable);
    activateTfjsBackend(backend);
    const mask = moduleMask(this.config);
    this.blockMask = mask ? tf.tensor2d(mask, [this.config.hiddenSize, this.config.hiddenSize]) : undefined;
    this.parameters = this.toTensors(resolved.parameters) as ParameterTensors;
    this.firstMoment = this.zeroMoments();
    this.secondMoment = this.zeroMoments();
  }

  getParameters(): RnnParameters {
    this.assertUsable();
    const copy = {} as RnnParameters;
    for (const name of PARAMETER_NAMES)
      copy[name] = Float32Array.from(this.parameters[name].dataSync() as Float32Array);
    return copy;
  }

  setParameters(parameters: Partial<RnnParameters>): void {
    this.assertUsable();
    validateParameterRecord(this.config, parameters, 'parameters', false);
    activateTfjsBackend(this.backend);
    const next = this.toTensors(parameters);
    for (const name of PARAMETER_NAMES) {
      const tensor = next[name];
      if (tensor) {
        this.parameters[name].dispose();
        this.parameters[name] = tensor;
      }
    }
  }

  async forward(
    batch: TrainingBatch,
    options: RunOptions & { readonly keepStates?: boolean } = {},
  ): Promise<ForwardResult> {
    const pass = this.preparePass(batch, options);
    const result = tf.tidy(() => {
      const data = stepTensors(batch, this.config, pass.noise, options.unitMask);
      const { loss, outputs, states } = forwardSequence(this.config, this.parameters, this.blockMask, data);
      return {
        loss,
        outputs: tf.concat(outputs, 0),
        states: options.keepStates ? tf.concat(states, 0) : undefined,
      };
    });
    try {
      const [loss, outputs, states] = await Promise.all([
        result.loss.data(),
        result.outputs.data(),
        result.states ? result.states.data() : undefined,
      ]);
      return {
        loss: loss[0],
        outputs: outputs as Float32Array,
        ...(states ? { states: states as Float32Array } : {}),
      };
    } finally {
      tf.dispose([result.loss, result.outputs, ...(result.states ? [result.states] : [])]);
    }
  }

  async gradients(
    batch: TrainingBatch,
    options: RunOptions = {},
  ): Promise<{ readonly loss: number; readonly gradients: RnnGradients }> {
    const pass = this.preparePass(batch, options);
    const { loss, grads } = tf.tidy(() => this.lossAndGradients(batch, pass.noise, options.unitMask));
    try {
      const values = await Promise.all([loss.data(), ...grads.map((g) => g.data())]);
      const gradients: RnnGradients = {};
      this.trainableList.forEach((name, i) => {
        gradients[name] = values[i + 1] as Float32Array;
      });
      return { loss: values[0][0], gradients };
    } finally {
      tf.dispose([loss, ...grads]);
    }
  }

  async trainStep(
    batch: TrainingBatch,
    options: RunOptions & { readonly extraGradients?: RnnGradients } = {},
  ): Promise<number> {
    const pass = this.preparePass(batch, options);
    if (options.extraGradients) validateExtraGradients(this.config, options.extraGradients);
    if (this.trainableList.length === 0) {
      return (await this.forward(batch, options)).loss;
    }
    const step = this.optimizerStep + 1;
    const { learningRate, beta1, beta2, epsilon } = this.adam;
    // TensorFlow's Adam: α_t = lr·√(1 − β2^t)/(1 − β1^t), computed in float64.
    const stepSize = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    const update = tf.tidy(() => {
      const { loss, grads } = this.lossAndGradients(batch, pass.noise, options.unitMask);
      const summed = grads.map((g, i) => {
        const extra = options.extraGradients?.[this.trainableList[i]];
        if (!extra) return g;
        const extraTensor = tf.tensor(extra, g.shape);
        const masked =
          this.trainableList[i] === 'recurrentWeights' && this.blockMask
            ? tf.mul(extraTensor, this.blockMask)
            : extraTensor;
        return tf.add(g, masked);
      });
      const clipped = this.clip(summed);
      const parameters: tf.Tensor[] = [];
      const first: tf.Tensor[] = [];
      const second: tf.Tensor[] = [];
      clipped.forEach((g, i) => {
        const name = this.trainableList[i];
        const m = tf.add(tf.mul(this.firstMoment[name]!, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.secondMoment[name]!, beta2), tf.mul(tf.square(g), 1 - beta2));
        const delta = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), epsilon));
        parameters.push(tf.sub(this.parameters[name], delta));
        first.push(m);
        second.push(v);
      });
      return { loss, parameters, first, second };
    });
    this.trainableList.forEach((name, i) => {
      this.parameters[name].dispose();
      this.parameters[name] = update.parameters[i];
      this.firstMoment[name]!.dispose();
      this.firstMoment[name] = update.first[i];
      this.secondMoment[name]!.dispose();
      this.secondMoment[name] = update.second[i];
    });
    this.optimizerStep = step;
    try {
      return (await update.loss.data())[0];
    } finally {
      update.loss.dispose();
    }
  }

  getOptimizerState(): OptimizerState {
    this.assertUsable();
    const read = (moments: Partial<ParameterTensors>) => {
      const copy: Partial<RnnParameters> = {};
      for (const name of this.trainableList) copy[name] = Float32Array.from(moments[name]!.dataSync() as Float32Array);
      return copy;
    };
    return { step: this.optimizerStep, firstMoment: read(this.firstMoment), secondMoment: read(this.secondMoment) };
  }

  setOptimizerState(state: OptimizerState): void {
    this.assertUsable();
    validateOptimizerState(this.config, this.trainable, state);
    activateTfjsBackend(this.backend);
    const first = this.toTensors(state.firstMoment);
    const second = this.toTensors(state.secondMoment);
    tf.dispose([...Object.values(this.firstMoment), ...Object.values(this.secondMoment)]);
    this.firstMoment = first;
    this.secondMoment = second;
    this.optimizerStep = state.step;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([
      ...Object.values(this.parameters),
      ...Object.values(this.firstMoment),
      ...Object.values(this.secondMoment),
      ...(this.blockMask ? [this.blockMask] : []),
    ]);
    this.onDispose?.(this);
  }

  private assertUsable(): void {
    if (this.disposed) throw disposedError('this model was disposed', 'create a new one with engine.createModel');
  }

  /** Validates a pass's inputs, activates the backend and draws the scaled noise [T, B, N]. */
  private preparePass(batch: TrainingBatch, options: RunOptions): { readonly noise?: Float32Array } {
    this.assertUsable();
    validateBatch(this.config, batch);
    validateUnitMask(this.config, options.unitMask);
    const std = recurrentNoiseStd(this.config, options.noiseScale, options.noiseSeed);
    const { first, of } = resolveNoiseTrials(options.noiseTrials, batch.batchSize);
    activateTfjsBackend(this.backend);
    if (std === 0) return {};
    // ξ for (t, b, i) is sample (t·of + first + b)·N + i of the shared stream: the layout of [T, B, N] when the
    // pass is the whole batch, else the pass's trials' rows of the larger batch's [T, of, N].
    const N = this.config.hiddenSize;
    const row = batch.batchSize * N;
    const noise = new Float32Array(batch.steps * row);
    for (let t = 0; t < batch.steps; t++) {
      fillNoise(options.noiseSeed!, (t * of + first) * N, noise.subarray(t * row, (t + 1) * row));
    }
    for (let i = 0; i < noise.length; i++) noise[i] *= std;
    return { noise };
  }

  private toTensors(values: Partial<RnnParameters>): Partial<ParameterTensors> {
    const shapes = parameterShapes(this.config);
    const tensors: Partial<ParameterTensors> = {};
    for (const name of PARAMETER_NAMES) {
      const value = values[name];
      if (value) tensors[name] = tf.tensor(Float32Array.from(value), shapes[name] as number[]);
    }
    return tensors;
  }

  private zeroMoments(): Partial<ParameterTensors> {
    const shapes = parameterShapes(this.config);
    const moments: Partial<ParameterTensors> = {};
    for (const name of this.trainableList) moments[name] = tf.zeros(shapes[name] as number[]);
    return moments;
  }

  /** Loss and gradients of the trainable parameters, in `trainableList` order (call inside `tf.tidy`). */
  private lossAndGradients(
    batch: TrainingBatch,
    noise: Float32Array | undefined,
    unitMask: Float32Array | undefined,
  ): { loss: tf.Scalar; grads: tf.Tensor[] } {
    const data = stepTensors(batch, this.config, noise, unitMask);
    if (this.trainableList.length === 0) {
      return { loss: forwardSequence(this.config, this.parameters, this.blockMask, data).loss, grads: [] };
    }
    const xs = this.trainableList.map((name) => this.parameters[name]);
    const loss = () => sequenceLoss(this.config, this.parameters, this.trainable, this.blockMask, data);
    const { value, grads } = tf.engine().gradients(loss, xs);
    return { loss: value as tf.Scalar, grads };
  }

  /** Element-wise or global-norm clipping of the gradient tensors. */
  private clip(gradients: tf.Tensor[]): tf.Tensor[] {
    const clipping = this.clipping;
    if (clipping.kind === 'value') return gradients.map((g) => tf.clipByValue(g, -clipping.value, clipping.value));
    if (clipping.kind === 'norm') {
      const norm = tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g)))));
      // TensorFlow's clip_by_global_norm: g · maxNorm / max(norm, maxNorm).
      const scale = tf.div(clipping.maxNorm, tf.maximum(norm, clipping.maxNorm));
      return gradients.map((g) => tf.mul(g, scale));
    }
    return gradients;
  }
}
