/**
 * One network learning one task, step by step, on any engine, trained with Adam on fresh seeded batches and
 * evaluated on a fixed seeded evaluation set, with modules lesioned (their units silenced) at evaluation when
 * asked. The network is one of three (`LiveModel`):
 * - `network`: a leaky RNN of `modules` (block-diagonal W_rec, Yang et al.'s paper settings otherwise), every
 *   weight trained from a random initialisation;
 * - `molap`: MoLaP (arXiv 2105.14108) on a pre-trained module bank: the bank's frozen modules, and the task's
 *   own weights (input weights and readout, `trainableFlags` of @molap/composer) the only ones that learn,
 *   initialised and fed exactly as `createMolap` of @molap/composer initialises and feeds them;
 * - `random-modules`: the same on random, never-trained modules of the bank's shape (MoLaP's ablation);
 * - `multitask`: the plain network learning a corpus of tasks at once, one task per batch drawn as `molap run`'s
 *   multitask baseline draws them (Yang et al. 2019: contextdm1/2 5× more often), evaluated on the chosen task
 *   (the curve) and on every task of its corpus.
 * Every evaluation also returns one example trial: the network's outputs beside the targets.
 * Deterministic: the same seed and settings give the same curve on every engine thread count.
 */
import {
  type Engine,
  type EngineModel,
  initRnnParameters,
  type RecurrentInit,
  type RnnConfig,
  type RnnParameters,
  type RunOptions,
} from '@molap/backend';
import {
  initialTaskWeights,
  type MolapOptions,
  molapNetworkConfig,
  resolveMolapOptions,
  sensoryBatch,
  trainableFlags,
} from '@molap/composer';
import { countRnnParameters, taskSchedule } from '@molap/core';
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
  YANG19_RULE_WEIGHTS,
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
export const LIVE_MODEL_KINDS = ['molap', 'random-modules', 'network', 'multitask'] as const;
export type LiveModelKind = (typeof LIVE_MODEL_KINDS)[number];

/**
 * What learns: a plain modular network (on the task alone, or on a corpus with it), or MoLaP on a bank
 * (pre-trained, or random of its shape).
 */
export type LiveModel =
  | { readonly kind: 'network' }
  | {
      readonly kind: 'multitask';
      /**
       * Tasks learned together, one per batch (the chosen task joins them if absent). They must share the
       * chosen task's input and output channels (the Yang tasks do: the rule block names all 20 rules).
       */
      readonly corpus: readonly Task[];
    }
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

/** A named range of output channels (e.g. the fixation output, the response ring). */
export interface OutputGroup {
  readonly name: string;
  /** First channel. */
  readonly start: number;
  /** Number of channels. */
  readonly size: number;
}

/** One trial of the evaluation set as the network answered it. */
export interface ExampleTrial {
  /** Index of the trial in the evaluation set, in [0, evalTrials). */
  readonly trial: number;
  /** Time steps of the trial (its real length: the batch may be padded beyond it). */
  readonly steps: number;
  /** Milliseconds per time step. */
  readonly dt: number;
  /** Output channels per time step. */
  readonly outputSize: number;
  /** [steps × outputSize] the network's outputs, one row per time step. */
  readonly outputs: Float32Array;
  /** [steps × outputSize] the targets. */
  readonly targets: Float32Array;
  /** [steps × outputSize] the loss mask (0 where the output is not scored). */
  readonly mask: Float32Array;
  /** The output channels' groups in order (Yang tasks: fixation, then the response ring). */
  readonly groups: readonly OutputGroup[];
  /** Whether the task's score judges the trial correct. */
  readonly correct: boolean;
}

/** Performance of a multitask network on every task of its corpus. */
export interface CorpusEvaluation {
  /** Task ids, in the corpus order. */
  readonly taskIds: readonly string[];
  /** Fraction of correct evaluation trials per task, in `taskIds` order. */
  readonly performance: readonly number[];
  /** Their mean. */
  readonly mean: number;
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
  /** The example trial asked for (`evaluate`'s `exampleTrial`), answered under the same perturbation. */
  readonly example?: ExampleTrial;
  /** `multitask` only: every task of the corpus, under the same perturbation. */
  readonly corpus?: CorpusEvaluation;
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
  /** Tasks learned (`multitask`: the corpus with the chosen task; otherwise the task alone). */
  readonly taskIds: readonly string[];
  /**
   * Evaluates on the fixed set, perturbed as asked (default: not at all); with `exampleTrial`, returns that
   * trial of the set as answered (an index in [0, evalTrials)).
   */
  evaluate(perturbation?: EvaluationPerturbation, exampleTrial?: number): Promise<Evaluation>;
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
  if (model.kind === 'network' || model.kind === 'multitask') {
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

/** The tasks a session learns: the corpus with the chosen task (first, if absent), or the task alone. */
function learnedTasks(task: Task, model: LiveModel): readonly Task[] {
  if (model.kind !== 'multitask') return [task];
  if (model.corpus.length === 0) throw new RangeError('a multitask network needs a corpus of at least one task');
  return model.corpus.some((known) => known.id === task.id) ? model.corpus : [task, ...model.corpus];
}

/** Trial `trial` of `batch` as the network answered it (`outputs`: [T, B, nOut]). */
function exampleOf(batch: Batch, outputs: Float32Array, correct: Uint8Array, trial: number): ExampleTrial {
  const { batchSize: B, outputSize } = batch;
  const steps = batch.trialSteps[trial]!;
  const rows = (source: Float32Array) => {
    const picked = new Float32Array(steps * outputSize);
    for (let t = 0; t < steps; t++) {
      const from = (t * B + trial) * outputSize;
      picked.set(source.subarray(from, from + outputSize), t * outputSize);
    }
    return picked;
  };
  return {
    trial,
    steps,
    dt: batch.dt,
    outputSize,
    outputs: rows(outputs),
    targets: rows(batch.targets),
    mask: rows(batch.mask),
    groups: batch.layout.outputs.map((group) => ({ name: group.name, start: group.start, size: group.size })),
    correct: correct[trial] === 1,
  };
}

/**
 * Creates the network for `task` on `engine` (weights from the seed): by default the plain modular network;
 * `model` chooses a multitask network, or MoLaP or random modules on a bank.
 */
export function createSession(
  engine: Engine,
  task: Task,
  settings: SessionSettings = DEFAULT_SESSION,
  model: LiveModel = { kind: 'network' },
): Session {
  const tasks = learnedTasks(task, model);
  const options = (on: Task, batchSize: number): TaskOptions => resolveTaskOptions(on, { mode: 'random', batchSize });
  // One fixed evaluation set per task: the chosen task's is the same for every model; the corpus's other tasks
  // draw theirs from sub-streams, by their index in the list of the session's tasks.
  const evaluationStream = createRng(settings.seed).fork(STREAM.evaluation);
  const evaluationBatches = new Map(
    tasks.map((each, index) => [
      each.id,
      each.generate(
        each === task ? evaluationStream : evaluationStream.fork(1 + index),
        options(each, settings.evalTrials),
      ),
    ]),
  );
  const evaluationBatch = evaluationBatches.get(task.id)!;
  const network = createNetwork(engine, task, settings, model, evaluationBatch);
  for (const [id, batch] of evaluationBatches) {
    if (batch.inputSize !== evaluationBatch.inputSize || batch.outputSize !== evaluationBatch.outputSize) {
      throw new RangeError(
        `task ${id} has ${batch.inputSize} inputs and ${batch.outputSize} outputs where ${task.id} has ${evaluationBatch.inputSize} and ${evaluationBatch.outputSize}: a multitask network learns tasks that share their channels`,
      );
    }
  }
  const evaluationSets = new Map([...evaluationBatches].map(([id, batch]) => [id, network.feed(batch)]));
  const engineModel = network.model;
  // Training batches: the task's own stream, or one task per batch drawn as the study's multitask baseline does.
  const trainingRng = createRng(settings.seed).fork(STREAM.training);
  const resolved = options(task, settings.batchSize);
  const schedule =
    model.kind === 'multitask'
      ? taskSchedule({
          tasks,
          batchSize: settings.batchSize,
          seed: uint32(settings.seed, STREAM.training),
          weights: YANG19_RULE_WEIGHTS,
        })
      : undefined;
  const batchAt = (step: number): Batch =>
    schedule ? schedule.batchAt(step) : task.generate(trainingRng.fork(step), resolved);
  let step = 0;

  const evaluateOn = async (id: string, runOptions: Omit<RunOptions, 'noiseSeed'>, exampleTrial?: number) => {
    const set = evaluationSets.get(id)!;
    const result = await engineModel.forward(set, {
      noiseSeed: uint32(settings.seed, STREAM.noise, 0),
      ...runOptions,
    });
    const scored = performance(result.outputs, set);
    return {
      performance: scored.mean,
      loss: result.loss,
      example: exampleTrial === undefined ? undefined : exampleOf(set, result.outputs, scored.correct, exampleTrial),
    };
  };

  return {
    task,
    settings,
    kind: model.kind,
    modules: network.modules,
    taskIds: tasks.map((each) => each.id),
    trainableParameters: countTrainable(network.config, engineModel),
    get step() {
      return step;
    },
    async train(count) {
      let loss = Number.NaN;
      for (let i = 0; i < count; i++, step++) {
        const batch = batchAt(step);
        loss = await engineModel.trainStep(network.feed(batch), {
          noiseSeed: uint32(settings.seed, STREAM.noise, step + 1),
        });
        // The step copied the batch into the engine: its memory serves the next batch (fresh ArrayBuffers cost
        // a browser several milliseconds per batch).
        recycleBatch(batch);
      }
      return loss;
    },
    async evaluate({ lesioned = [], silenced = 0, noiseScale = 1 } = {}, exampleTrial?: number) {
      if (!(noiseScale >= 0 && Number.isFinite(noiseScale))) {
        throw new RangeError(`the noise multiplier must be a finite number >= 0, got ${noiseScale}`);
      }
      if (
        exampleTrial !== undefined &&
        !(Number.isInteger(exampleTrial) && exampleTrial >= 0 && exampleTrial < settings.evalTrials)
      ) {
        throw new RangeError(
          `the example trial must be an integer in [0, ${settings.evalTrials}) (the evaluation set), got ${exampleTrial}`,
        );
      }
      let unitMask: Float32Array | undefined;
      if (lesioned.length > 0 || silenced > 0) {
        unitMask = moduleUnitMask(network.modules, lesioned);
        const silencing = silencingMask(unitMask.length, silenced, settings.seed);
        for (let unit = 0; unit < unitMask.length; unit++) unitMask[unit]! *= silencing[unit]!;
      }
      const runOptions = { noiseScale, ...(unitMask ? { unitMask } : {}) };
      const chosen = await evaluateOn(task.id, runOptions, exampleTrial);
      let corpus: CorpusEvaluation | undefined;
      if (model.kind === 'multitask') {
        const scores: number[] = [];
        for (const each of tasks) {
          scores.push(each.id === task.id ? chosen.performance : (await evaluateOn(each.id, runOptions)).performance);
        }
        corpus = {
          taskIds: tasks.map((each) => each.id),
          performance: scores,
          mean: scores.reduce((sum, value) => sum + value, 0) / scores.length,
        };
      }
      return {
        step,
        performance: chosen.performance,
        loss: chosen.loss,
        lesioned: [...lesioned],
        silenced,
        noiseScale,
        ...(chosen.example ? { example: chosen.example } : {}),
        ...(corpus ? { corpus } : {}),
      };
    },
    dispose: () => engineModel.dispose(),
  };
}
