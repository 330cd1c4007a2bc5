/**
 * Assembly of a MoLaP network for one task from a module bank (MoLaP §4).
 *
 * The network is a leaky RNN over the task's fixation and sensory inputs (nS = 65 at the Yang defaults; the
 * rule one-hot is not an input: a task's identity lives in its own weights):
 *
 *   h_t = (1 − α)·h_{t−1} + α·φ(W_rec·h_{t−1} + W_in^τ·x_t + b^τ + noise),   ŷ_t = sigmoid(W_out^τ·h_t + b_out^τ)
 *
 * - W_rec [N, N], N = k·m: the bank's block-diagonal recurrence, frozen and shared by every task.
 * - W_in^τ [N, nS]: initialised from the modules' pre-trained weights of the sensory inputs.
 * - b^τ [N], the task's context: the modules' biases plus what the task's rule unit fed them during
 *   pre-training (the bank's W_in column of that rule) for corpus tasks; for other tasks the biases plus the
 *   mean rule column of the corpus tasks (`newTaskContext: 'mean-rule'`, default) or the biases alone
 *   (`'none'`). It reproduces the input the modules saw for the task when they were pre-trained.
 * - W_out^τ [nOut, N], b_out^τ [nOut]: a new readout (Glorot uniform from the task's seed, bias 0).
 *
 * Which of them train is `trainable` (spec §4): 'input+readout' (W_in^τ, W_out^τ, b_out^τ), 'context+readout'
 * (b^τ, W_out^τ, b_out^τ) or 'readout' (W_out^τ, b_out^τ).
 */
import { glorotUniform, type RnnConfig, type RnnParameters, type TrainableFlags } from '@molap/backend';
import { type ModuleBank, sensoryChannels, type TaskFit } from '@molap/primitives';
import type { Batch, ChannelGroup, InputRole } from '@molap/tasks';

/** Which per-task weights learn (MoLaP §4). */
export type MolapTrainable = 'input+readout' | 'context+readout' | 'readout';

/** The trainable modes, for validation and iteration. */
export const MOLAP_TRAINABLE_MODES: readonly MolapTrainable[] = ['input+readout', 'context+readout', 'readout'];

/** Context of a task that was not in the bank's pre-training corpus (see the module comment). */
export type NewTaskContext = 'mean-rule' | 'none';

/** The per-task weights of a MoLaP network: everything that is not the shared frozen recurrence. */
export interface TaskWeights {
  /** W_in^τ [N, nS] over the task's fixation and sensory inputs. */
  readonly inputWeights: Float32Array;
  /** b^τ [N], the task's context (module biases plus the rule's drive). */
  readonly recurrentBias: Float32Array;
  /** W_out^τ [nOut, N]. */
  readonly outputWeights: Float32Array;
  /** b_out^τ [nOut]. */
  readonly outputBias: Float32Array;
}

/** The engine config of a task network: nS sensory inputs, the bank's modules, a sigmoid readout. */
export function molapNetworkConfig(bank: ModuleBank, recurrentNoise = bank.network.config.recurrentNoise): RnnConfig {
  const modules = bank.network.config.modules ?? [bank.network.config.hiddenSize];
  return {
    inputSize: sensoryChannels(bank.layout).length,
    hiddenSize: bank.network.config.hiddenSize,
    outputSize: bank.layout.outputSize,
    activation: bank.network.config.activation,
    outputActivation: 'sigmoid',
    alpha: bank.network.config.alpha,
    recurrentNoise,
    modules: [...modules],
  };
}

/** Trainable flags of a mode. */
export function trainableFlags(mode: MolapTrainable): TrainableFlags {
  return {
    inputWeights: mode === 'input+readout',
    recurrentWeights: false,
    recurrentBias: mode === 'context+readout',
    outputWeights: true,
    outputBias: true,
  };
}

/** Columns `channels` of the bank's W_in [N, nIn] as a [N, channels.length] matrix. */
function inputColumns(bank: ModuleBank, channels: readonly number[]): Float32Array {
  const n = bank.network.config.hiddenSize;
  const nIn = bank.layout.inputSize;
  const out = new Float32Array(n * channels.length);
  const source = bank.network.parameters.inputWeights;
  for (let unit = 0; unit < n; unit++) {
    for (let j = 0; j < channels.length; j++) out[unit * channels.length + j] = source[unit * nIn + channels[j]];
  }
  return out;
}

/** The pre-trained input weights of the sensory channels, W_in^pre [N, nS]: the initial W_in^τ of every task. */
export function pretrainedSensoryWeights(bank: ModuleBank): Float32Array {
  return inputColumns(bank, sensoryChannels(bank.layout));
}

/**
 * The context b^τ of a task (see the module comment).
 * @param corpusRules the rule identity (`taskRule` of @molap/tasks) of each corpus task of the bank, in
 *   `bank.corpus.taskIds` order; 'mean-rule' averages their rule columns, one per corpus task. Default: the
 *   task ids (a task's rule is its id unless it declares a `rule`).
 */
export function taskContext(
  bank: ModuleBank,
  fit: TaskFit,
  newTaskContext: NewTaskContext,
  corpusRules: readonly string[] | undefined = bank.corpus?.taskIds,
): Float32Array {
  const context = Float32Array.from(bank.network.parameters.recurrentBias);
  const rule = (channel: number) => {
    const column = inputColumns(bank, [channel]);
    for (let i = 0; i < context.length; i++) context[i] += column[i];
  };
  if (fit.inCorpus && fit.bankRuleChannel >= 0) {
    rule(fit.bankRuleChannel);
  } else if (newTaskContext === 'mean-rule' && corpusRules) {
    const channels = corpusRules
      .map((rule) => bank.layout.rules.indexOf(rule))
      .filter((index) => index >= 0)
      .map((index) => bank.layout.inputGroups.find((g) => g.role === 'rule')!.start + index);
    if (channels.length > 0) {
      const columns = inputColumns(bank, channels);
      for (let i = 0; i < context.length; i++) {
        let sum = 0;
        for (let j = 0; j < channels.length; j++) sum += columns[i * channels.length + j];
        context[i] += Math.fround(sum / channels.length);
      }
    }
  }
  return context;
}

/** The initial per-task weights: pre-trained sensory input weights, the task's context, a new readout. */
export function initialTaskWeights(
  bank: ModuleBank,
  fit: TaskFit,
  options: {
    readonly newTaskContext: NewTaskContext;
    readonly seed: number;
    /** The rule of each corpus task (see `taskContext`); default their ids. */
    readonly corpusRules?: readonly string[];
  },
): TaskWeights {
  const n = bank.network.config.hiddenSize;
  const nOut = bank.layout.outputSize;
  return {
    inputWeights: pretrainedSensoryWeights(bank),
    recurrentBias: taskContext(bank, fit, options.newTaskContext, options.corpusRules ?? bank.corpus?.taskIds),
    outputWeights: glorotUniform(nOut, n, { seed: options.seed }),
    outputBias: new Float32Array(nOut),
  };
}

/** The full parameters of a task network: the bank's frozen W_rec and the task's weights. */
export function taskNetworkParameters(bank: ModuleBank, weights: TaskWeights): RnnParameters {
  return {
    inputWeights: weights.inputWeights,
    recurrentWeights: bank.network.parameters.recurrentWeights,
    recurrentBias: weights.recurrentBias,
    outputWeights: weights.outputWeights,
    outputBias: weights.outputBias,
  };
}

/** The task weights out of a task network's parameters (copies). */
export function taskWeightsOf(parameters: RnnParameters): TaskWeights {
  return {
    inputWeights: Float32Array.from(parameters.inputWeights),
    recurrentBias: Float32Array.from(parameters.recurrentBias),
    outputWeights: Float32Array.from(parameters.outputWeights),
    outputBias: Float32Array.from(parameters.outputBias),
  };
}

/**
 * A task batch restricted to the input channels `channels` (the task's fixation and sensory inputs), as
 * the MoLaP network reads it. Targets, mask, timing and output layout are the batch's own.
 */
export function sensoryBatch(batch: Batch, channels: readonly number[]): Batch {
  const { steps, batchSize, inputSize } = batch;
  const width = channels.length;
  const inputs = new Float32Array(steps * batchSize * width);
  // Copy contiguous runs of channels at once (the Yang layout has one run: channels 0 … 64).
  const runs: { from: number; to: number; length: number }[] = [];
  for (let j = 0; j < width; j++) {
    const last = runs[runs.length - 1];
    if (last && channels[j] === last.from + last.length) last.length++;
    else runs.push({ from: channels[j], to: j, length: 1 });
  }
  for (let row = 0; row < steps * batchSize; row++) {
    const from = row * inputSize;
    const to = row * width;
    for (const run of runs) {
      inputs.set(batch.inputs.subarray(from + run.from, from + run.from + run.length), to + run.to);
    }
  }
  const groups: ChannelGroup<InputRole>[] = [];
  let start = 0;
  for (const group of batch.layout.inputs) {
    if (group.role === 'rule') continue;
    groups.push({ ...group, start });
    start += group.size;
  }
  return {
    ...batch,
    inputSize: width,
    inputs,
    layout: { ...batch.layout, inputs: groups, inputSize: width },
  };
}
