/**
 * The differentiable operations of the tfjs engine, each with its gradient given through `tf.customGrad`.
 *
 * `@tensorflow/tfjs-core` on its own registers no gradient functions (the full `@tensorflow/tfjs` bundle
 * does, globally). Rather than registering gradients for every kernel process-wide, the engine defines the
 * gradients of its four operations here, and tfjs's tape (`tf.valueAndGrads`) composes them through time
 * and across the fan-out of each state into the readout and the next step. The formulas are those of
 * `reference.ts`; the conformance suite checks them against it.
 *
 * Each operation takes as inputs only the tensors whose gradient is wanted (the trainable parameters and
 * the previous state), so frozen parameters cost no gradient work; everything else is captured. Tensors
 * made inside the differentiated function are released when its forward pass ends, so a gradient may only
 * capture tensors made outside it (batch data, parameters) or saved with `save`.
 * Matrix products never use transposed-matmul flags (they skip XNNPACK on wasm): operands are transposed
 * explicitly.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, OutputActivation } from '../engine.js';

/** φ(u). */
export function activate(activation: Activation, u: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'softplus':
      return tf.softplus(u);
    case 'relu':
      return tf.relu(u);
    case 'tanh':
      return tf.tanh(u);
  }
}

/** φ′(u), given u and r = φ(u). */
function activationDerivative(activation: Activation, u: tf.Tensor2D, rate: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'softplus':
      return tf.sigmoid(u);
    case 'relu':
      return tf.step(u);
    case 'tanh':
      return tf.sub(1, tf.square(rate));
  }
}

/** W ⊙ M for a constant mask M (the block-diagonal structure of W_rec). Gradient: dy ⊙ M. */
export function maskedWeights(weights: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args) => ({
    value: tf.mul(args[0] as tf.Tensor, mask),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, mask),
  }));
  return op(weights) as tf.Tensor2D;
}

/** Σ of scalars. Gradient: dy for each. */
export function sumScalars(terms: tf.Scalar[]): tf.Scalar {
  const op = tf.customGrad((...args) => {
    const scalars = args.slice(0, terms.length) as tf.Scalar[];
    return {
      value: scalars.length === 1 ? tf.clone(scalars[0]) : tf.addN(scalars),
      gradFunc: (dy: tf.Tensor) => scalars.map(() => tf.clone(dy)),
    };
  });
  return op(...terms) as tf.Scalar;
}

/** Everything one recurrent step needs besides its differentiable inputs. */
export interface CellStep {
  readonly activation: Activation;
  readonly alpha: number;
  /** x_t [B, nIn]. */
  readonly input: tf.Tensor2D;
  /** s·ξ_t [B, N], or undefined without noise. */
  readonly noise?: tf.Tensor2D;
  /** m [N], or undefined without a unit mask. */
  readonly unitMask?: tf.Tensor1D;
  /** W_inᵀ [nIn, N]. */
  readonly inputWeightsT: tf.Tensor2D;
  /** Ŵ_recᵀ [N, N] (block mask applied). */
  readonly recurrentWeightsT: tf.Tensor2D;
  /** Ŵ_rec [N, N] (for the state gradient; saved by the op, so it may be made inside the differentiated function). */
  readonly recurrentWeights: tf.Tensor2D;
  /** b_rec [N]. */
  readonly recurrentBias: tf.Tensor1D;
}

/** Which inputs of a step are differentiated (and so passed to the op, in this order). */
export interface CellInputs {
  /** h_{t−1} [B, N]; absent on the first step (h_{−1} = 0). */
  readonly previous?: tf.Tensor2D;
  /** W_in [N, nIn], when trainable. */
  readonly inputWeights?: tf.Tensor2D;
  /** Ŵ_rec [N, N], when trainable (and there is a previous state). */
  readonly recurrentWeights?: tf.Tensor2D;
  /** b_rec [N], when trainable. */
  readonly recurrentBias?: tf.Tensor1D;
}

/** The plain forward step: h_t = ((1 − α)·h_{t−1} + α·φ(u_t)) ⊙ m, with its intermediates. */
function cellForward(step: CellStep, previous: tf.Tensor2D | undefined) {
  let u: tf.Tensor2D = tf.add(tf.matMul(step.input, step.inputWeightsT), step.recurrentBias);
  if (previous) u = tf.add(u, tf.matMul(previous, step.recurrentWeightsT));
  if (step.noise) u = tf.add(u, step.noise);
  const rate = activate(step.activation, u);
  const scaledRate = tf.mul(rate, step.alpha) as tf.Tensor2D;
  let state: tf.Tensor2D = previous ? tf.add(tf.mul(previous, 1 - step.alpha), scaledRate) : scaledRate;
  if (step.unitMask) state = tf.mul(state, step.unitMask);
  return { u, rate, state };
}

/** h_t without any gradient bookkeeping (evaluation passes, or nothing upstream is trainable). */
export function cellValue(step: CellStep, previous: tf.Tensor2D | undefined): tf.Tensor2D {
  return cellForward(step, previous).state;
}

/**
 * h_t as a differentiable operation of `inputs`. Backward, with e = dy ⊙ m and δu = α·e ⊙ φ′(u):
 * ∂h_{t−1} = (1 − α)·e + δu·Ŵ_rec, ∂W_in = δuᵀ·x_t, ∂Ŵ_rec = δuᵀ·h_{t−1}, ∂b_rec = Σ_b δu.
 */
export function cell(step: CellStep, inputs: CellInputs): tf.Tensor2D {
  const order = (['previous', 'inputWeights', 'recurrentWeights', 'recurrentBias'] as const).filter(
    (key) => inputs[key] !== undefined,
  );
  const op = tf.customGrad((...args) => {
    const save = args[order.length] as tf.GradSaveFunc;
    const { u, rate, state } = cellForward(step, inputs.previous);
    // Tensors made inside the differentiated function are released after the forward pass unless saved.
    save(inputs.previous ? [u, rate, step.recurrentWeights, inputs.previous] : [u, rate, step.recurrentWeights]);
    return {
      value: state,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedU, savedRate, recurrentWeights, savedPrevious] = saved as tf.Tensor2D[];
        const e = step.unitMask ? tf.mul(dy, step.unitMask) : dy;
        const du = tf.mul(
          tf.mul(e, step.alpha),
          activationDerivative(step.activation, savedU, savedRate),
        ) as tf.Tensor2D;
        const duT = tf.transpose(du); // [N, B]
        const gradientOf = {
          previous: () => tf.add(tf.mul(e, 1 - step.alpha), tf.matMul(du, recurrentWeights)),
          inputWeights: () => tf.matMul(duT, step.input),
          recurrentWeights: () => tf.matMul(duT, savedPrevious),
          recurrentBias: () => tf.sum(du, 0),
        };
        return order.map((key) => gradientOf[key]());
      },
    };
  });
  return op(...order.map((key) => inputs[key]!)) as tf.Tensor2D;
}

/** Everything the readout of one step needs besides its differentiable inputs. */
export interface ReadoutStep {
  readonly outputActivation: OutputActivation;
  /** W_outᵀ [N, nOut]. */
  readonly outputWeightsT: tf.Tensor2D;
  /** W_out [nOut, N] (for the state gradient). */
  readonly outputWeights: tf.Tensor2D;
  /** b_out [nOut]. */
  readonly outputBias: tf.Tensor1D;
  /** y_t [B, nOut]. */
  readonly target: tf.Tensor2D;
  /** M_t [B, nOut]. */
  readonly mask: tf.Tensor2D;
  /** T·B·nOut: the loss is a mean over every output entry of the batch. */
  readonly count: number;
}

/** ŷ_t = g(h_t·W_outᵀ + b_out) [B, nOut]. */
export function readoutValue(
  outputActivation: OutputActivation,
  state: tf.Tensor2D,
  outputWeightsT: tf.Tensor2D,
  outputBias: tf.Tensor1D,
): tf.Tensor2D {
  const z: tf.Tensor2D = tf.add(tf.matMul(state, outputWeightsT), outputBias);
  return outputActivation === 'sigmoid' ? tf.sigmoid(z) : z;
}

/** The step's share of the loss, Σ ((y_t − ŷ_t) ⊙ M_t)² / count, as a plain value. */
export function stepLossValue(
  prediction: tf.Tensor2D,
  target: tf.Tensor2D,
  mask: tf.Tensor2D,
  count: number,
): tf.Scalar {
  return tf.div(tf.sum(tf.square(tf.mul(tf.sub(target, prediction), mask))), count);
}

/** Which inputs of a readout are differentiated (and so passed to the op, in this order). */
export interface ReadoutInputs {
  /** h_t [B, N], when anything upstream is trainable. */
  readonly state?: tf.Tensor2D;
  /** W_out [nOut, N], when trainable. */
  readonly outputWeights?: tf.Tensor2D;
  /** b_out [nOut], when trainable. */
  readonly outputBias?: tf.Tensor1D;
}

/**
 * The step's share of the loss as a differentiable operation. Backward, with
 * δŷ = −2·dy/count · M² ⊙ (y − ŷ) and δz = δŷ ⊙ g′(z): ∂h_t = δz·W_out, ∂W_out = δzᵀ·h_t, ∂b_out = Σ_b δz.
 */
export function readoutLoss(step: ReadoutStep, state: tf.Tensor2D, inputs: ReadoutInputs): tf.Scalar {
  const order = (['state', 'outputWeights', 'outputBias'] as const).filter((key) => inputs[key] !== undefined);
  const op = tf.customGrad((...args) => {
    const save = args[order.length] as tf.GradSaveFunc;
    const prediction = readoutValue(step.outputActivation, state, step.outputWeightsT, step.outputBias);
    save([prediction, state]);
    return {
      value: stepLossValue(prediction, step.target, step.mask, step.count),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [y, savedState] = saved as tf.Tensor2D[];
        const scale = tf.mul(dy, -2 / step.count);
        const dPrediction = tf.mul(tf.mul(tf.square(step.mask), tf.sub(step.target, y)), scale);
        const dz = (
          step.outputActivation === 'sigmoid' ? tf.mul(dPrediction, tf.mul(y, tf.sub(1, y))) : dPrediction
        ) as tf.Tensor2D;
        const gradientOf = {
          state: () => tf.matMul(dz, step.outputWeights),
          outputWeights: () => tf.matMul(tf.transpose(dz), savedState),
          outputBias: () => tf.sum(dz, 0),
        };
        return order.map((key) => gradientOf[key]());
      },
    };
  });
  return op(...order.map((key) => inputs[key]!)) as tf.Scalar;
}
