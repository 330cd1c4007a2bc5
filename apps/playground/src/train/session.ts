/**
 * One network learning one task, step by step, on any engine, trained with Adam on fresh seeded batches and
 * evaluated on a fixed seeded evaluation set, with modules lesioned (their units silenced) at evaluation when
 * asked. The network is one of three (`LiveModel`):
 * - `network`: a leaky RNN of `modules` (block-diagonal W_rec, Yang et al.'s paper settings otherwise), every
 *   weight trained from a random initialisation;
 * - `molap`: MoLaP (arXiv 2105.14108) on a pre-trained module bank: the bank's frozen modules, and the task's
 *   own weights (input weights and readout, `trainableFlags` of @molap/composer) the only ones that learn,
 *   initialised and fed exactly as `createMolap` of @molap/composer initialises and feeds them;
 * - `random-modules`: the same on random, never-trained modules of the bank's shape (MoLaP's ablation).
 * Deterministic: the same seed and settings give the same curve on every engine thread count.
 */
import {
  type Engine,
  type EngineModel,
  initRnnParameters,
  type RecurrentInit,
  type RnnConfig,
  type RnnParameters,
} from '@molap/backend';
import {
  initialTaskWeights,
  type MolapOptions,
  molapNetworkConfig,
  resolveMolapOptions,
  sensoryBatch,
  trainableFlags,
} from '@molap/composer';
import { countRnnParameters } from '@molap/core';
import { createRandomModuleBank, fitTaskToBank, type ModuleBank } from '@molap/primitives';
import {
  type Batch,
  createRng,
  performance,
  recycleBatch,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  taskRule,
  yang19,
} from '@molap/tasks';

/** Settings of a training session. */
export interface SessionSettings {
  /** Seed of the weights, the training batches, the evaluation set and the noise. */
  readonly seed: number;
  /** Units per module, in order; their sum is N. */
  readonly modules: readonly number[];
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Trials per training batch. */
  readonly batchSize: number;
  /** Trials of the fixed evaluation set. */
  readonly evalTrials: number;
}

/** Settings of the playground's live training: fdgo learns to ≥ 0.9 in a few hundred steps. */
export const DEFAULT_SESSION: SessionSettings = Object.freeze({
  seed: 1,
  modules: Object.freeze([16, 16, 16, 16]),
  learningRate: 0.01,
  batchSize: 32,
  evalTrials: 128,
});

/** Streams of the session seed, so weights, batches, evaluation trials and noise never share numbers. */
const STREAM = { weights: 1, training: 2, evaluation: 3, noise: 4, silencing: 5, randomBank: 6 } as const;

/** The models of the model menu, in its order. */
export const LIVE_MODEL_KINDS = ['molap', 'random-modules', 'network'] as const;
export type LiveModelKind = (typeof LIVE_MODEL_KINDS)[number];

/** What learns: a plain modular network, or MoLaP on a bank (pre-trained, or random of its shape). */
export type LiveModel =
  | { readonly kind: 'network' }
  | {
      readonly kind: 'molap' | 'random-modules';
      /**
       * A pre-trained bank (`molap pretrain`). For `random-modules`, only its shape and dynamics are used: k
       * modules of `moduleSize` units, activation, recurrent noise and initialisation.
       */
      readonly bank: ModuleBank;
    };

/**
 * MoLaP's options in the page: @molap/composer's defaults ('input+readout' learn, element-wise clipping at 1)
 * with Adam at 0.01, as the plain network (the default 1e-3 of a 900-step study budget is too slow to watch).
 */
export const LIVE_MOLAP_OPTIONS: Partial<MolapOptions> = Object.freeze({ learningRate: 0.01 });

/** Perturbations of an evaluation (the network's weights never change). */
export interface EvaluationPerturbation {
  /** Modules whose units are silenced (indices). Default none. */
  readonly lesioned?: readonly number[];
  /** Fraction in [0, 1] of all units silenced, drawn once per session seed (the same units every time). */
  readonly silenced?: number;
  /** Multiplies the recurrent noise σ_rec (1: as trained; 0: none). Default 1. */
  readonly noiseScale?: number;
}

/** One evaluation of the session's network. */
export interface Evaluation {
  readonly step: number;
  /** Fraction of correct evaluation trials (the task's score). */
  readonly performance: number;
  /** Masked squared error on the evaluation set. */
  readonly loss: number;
  /** Modules silenced in this evaluation (indices). */
  readonly lesioned: readonly number[];
  /** Fraction of all units silenced in this evaluation. */
  readonly silenced: number;
  /** Recurrent-noise multiplier of this evaluation. */
  readonly noiseScale: number;
}

/** Whether an evaluation was perturbed (any lesion, silencing or noise other than the trained level). */
export const isPerturbed = (evaluation: Evaluation): boolean =>
  evaluation.lesioned.length > 0 || evaluation.silenced > 0 || evaluation.noiseScale !== 1;

export interface Session {
  readonly task: Task;
  readonly settings: SessionSettings;
  /** What learns. */
  readonly kind: LiveModelKind;
  /** Units per module, in order (the modules of the lesion checkboxes). */
  readonly modules: readonly number[];
  /** Parameters that learn (the others stay as initialised: MoLaP's modules). */
  readonly trainableParameters: number;
  /** Optimiser steps done. */
  readonly step: number;
  /** Runs `count` training steps; returns the last batch loss. */
  train(count: number): Promise<number>;
  /** Evaluates on the fixed set, perturbed as asked (default: not at all). */
  evaluate(perturbation?: EvaluationPerturbation): Promise<Evaluation>;
  dispose(): void;
}

const uint32 = (seed: number, stream: number, index = 0) =>
  Math.floor(createRng(seed).fork(stream).fork(index).uniform() * 2 ** 32);

/** [N] unit mask with the units of the `lesioned` modules at 0. */
export function moduleUnitMask(modules: readonly number[], lesioned: readonly number[]): Float32Array {
  const mask = new Float32Array(modules.reduce((sum, size) => sum + size, 0)).fill(1);
  let start = 0;
  modules.forEach((size, index) => {
    if (lesioned.includes(index)) mask.fill(0, start, start + size);
    start += size;
  });
  return mask;
}

/**
 * [N] unit mask silencing `fraction` of the units: the first round(fraction · N) units of a seeded random
 * order, so a larger fraction silences a superset of the units of a smaller one.
 */
export function silencingMask(units: number, fraction: number, seed: number): Float32Array {
  if (!(fraction >= 0 && fraction <= 1))
    throw new RangeError(`the silenced fraction must be in [0, 1], got ${fraction}`);
  const rng = createRng(seed).fork(STREAM.silencing);
  const order = Array.from({ length: units }, (_, unit) => unit);
  for (let i = units - 1; i > 0; i--) {
    const j = rng.integer(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const mask = new Float32Array(units).fill(1);
  for (const unit of order.slice(0, Math.round(fraction * units))) mask[unit] = 0;
  return mask;
}

/** A task of Yang et al.'s corpus by id (the corpus of the shipped bank), or undefined. */
const yangTask = (id: string): Task | undefined => yang19.find((task) => task.id === id);

/** Parameters of `model` that learn. */
const countTrainable = (config: RnnConfig, model: EngineModel): number =>
  countRnnParameters(config, model.trainable).trainable;

/** A session's network before training: engine config, initial parameters, what trains, how batches are fed. */
interface LiveNetwork {
  readonly config: RnnConfig;
  readonly parameters: RnnParameters;
  readonly model: EngineModel;
  /** Units per module, in order (the modules a lesion can silence). */
  readonly modules: readonly number[];
  /** The batch as the network reads it (MoLaP: the task's fixation and sensory channels only). */
  readonly feed: (batch: Batch) => Batch;
}

/** The random bank of `random-modules`: the pre-trained bank's shape and dynamics, modules from the seed. */
export function randomBankLike(bank: ModuleBank, seed: number): ModuleBank {
  const options = bank.options as { recurrentInit?: RecurrentInit; recurrentScale?: number };
  return createRandomModuleBank({
    layout: bank.layout,
    k: bank.k,
    moduleSize: bank.moduleSize,
    seed,
    activation: bank.network.config.activation,
    recurrentNoise: bank.network.config.recurrentNoise,
    ...(options.recurrentInit ? { recurrentInit: options.recurrentInit } : {}),
    ...(typeof options.recurrentScale === 'number' ? { recurrentScale: options.recurrentScale } : {}),
  });
}

function createNetwork(
  engine: Engine,
  task: Task,
  settings: SessionSettings,
  model: LiveModel,
  evaluation: Batch,
): LiveNetwork {
  if (model.kind === 'network') {
    const resolved = resolveTaskOptions(task, { mode: 'random', batchSize: settings.batchSize });
    const config: RnnConfig = {
      inputSize: evaluation.inputSize,
      hiddenSize: settings.modules.reduce((sum, size) => sum + size, 0),
      outputSize: evaluation.outputSize,
      activation: 'softplus',
      outputActivation: 'sigmoid',
      alpha: resolved.dt / resolved.tau,
      recurrentNoise: 0.05,
      modules: settings.modules,
    };
    const parameters = initRnnParameters(config, { seed: uint32(settings.seed, STREAM.weights) });
    return {
      config,
      parameters,
      model: engine.createModel({ config, parameters, adam: { learningRate: settings.learningRate } }),
      modules: settings.modules,
      feed: (batch) => batch,
    };
  }
  const bank =
    model.kind === 'molap' ? model.bank : randomBankLike(model.bank, uint32(settings.seed, STREAM.randomBank));
  const options = resolveMolapOptions(LIVE_MOLAP_OPTIONS);
  const fit = fitTaskToBank(bank, task);
  const config = molapNetworkConfig(bank);
  const corpusRules = bank.corpus?.taskIds.map((id) => {
    const known = yangTask(id);
    return known ? taskRule(known) : id;
  });
  const weights = initialTaskWeights(bank, fit, {
    newTaskContext: options.newTaskContext,
    seed: uint32(settings.seed, STREAM.weights),
    ...(corpusRules ? { corpusRules } : {}),
  });
  const parameters: RnnParameters = { ...weights, recurrentWeights: bank.network.parameters.recurrentWeights };
  return {
    config,
    parameters,
    model: engine.createModel({
      config,
      parameters,
      trainable: trainableFlags(options.trainable),
      adam: { learningRate: options.learningRate },
      clipping: options.clipValue > 0 ? { kind: 'value', value: options.clipValue } : { kind: 'none' },
    }),
    modules: config.modules ?? [config.hiddenSize],
    feed: (batch) => sensoryBatch(batch, fit.sensoryChannels),
  };
}

/**
 * Creates the network for `task` on `engine` (weights from the seed): by default the plain modular network;
 * `model` chooses MoLaP or random modules on a bank.
 */
export function createSession(
  engine: Engine,
  task: Task,
  settings: SessionSettings = DEFAULT_SESSION,
  model: LiveModel = { kind: 'network' },
): Session {
  const options = (batchSize: number): TaskOptions => resolveTaskOptions(task, { mode: 'random', batchSize });
  const evaluationBatch: Batch = task.generate(
    createRng(settings.seed).fork(STREAM.evaluation),
    options(settings.evalTrials),
  );
  const resolved = options(settings.batchSize);
  const network = createNetwork(engine, task, settings, model, evaluationBatch);
  const evaluation = network.feed(evaluationBatch);
  const engineModel = network.model;
  const trainingRng = createRng(settings.seed).fork(STREAM.training);
  let step = 0;
  return {
    task,
    settings,
    kind: model.kind,
    modules: network.modules,
    trainableParameters: countTrainable(network.config, engineModel),
    get step() {
      return step;
    },
    async train(count) {
      let loss = Number.NaN;
      for (let i = 0; i < count; i++, step++) {
        const batch = task.generate(trainingRng.fork(step), resolved);
        loss = await engineModel.trainStep(network.feed(batch), {
          noiseSeed: uint32(settings.seed, STREAM.noise, step + 1),
        });
        // The step copied the batch into the engine: its memory serves the next batch (fresh ArrayBuffers cost
        // a browser several milliseconds per batch).
        recycleBatch(batch);
      }
      return loss;
    },
    async evaluate({ lesioned = [], silenced = 0, noiseScale = 1 } = {}) {
      if (!(noiseScale >= 0 && Number.isFinite(noiseScale))) {
        throw new RangeError(`the noise multiplier must be a finite number >= 0, got ${noiseScale}`);
      }
      let unitMask: Float32Array | undefined;
      if (lesioned.length > 0 || silenced > 0) {
        unitMask = moduleUnitMask(network.modules, lesioned);
        const silencing = silencingMask(unitMask.length, silenced, settings.seed);
        for (let unit = 0; unit < unitMask.length; unit++) unitMask[unit]! *= silencing[unit]!;
      }
      const result = await engineModel.forward(evaluation, {
        noiseSeed: uint32(settings.seed, STREAM.noise, 0),
        noiseScale,
        ...(unitMask ? { unitMask } : {}),
      });
      return {
        step,
        performance: performance(result.outputs, evaluation).mean,
        loss: result.loss,
        lesioned: [...lesioned],
        silenced,
        noiseScale,
      };
    },
    dispose: () => engineModel.dispose(),
  };
}
