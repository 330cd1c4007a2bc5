/**
 * One leaky RNN of a baseline: its trainable engine model, a frozen twin used for evaluations (so an
 * evaluation, perturbed or not, never touches the trained weights or the optimiser state), and its file.
 * The frozen twin is core's `NetworkEvaluator`.
 */
import {
  type AdamOptions,
  createModelFromFile,
  type Engine,
  type EngineModel,
  type GradientClipping,
  initRnnParameters,
  type JsonValue,
  loadModel,
  PARAMETER_NAMES,
  type RnnConfig,
  type RnnParameters,
  saveModel,
  snapshotModel,
} from '@molap/backend';
import {
  countRnnParameters,
  type EvaluationOptions,
  MolapError,
  NetworkEvaluator,
  type TaskEvaluation,
  type TaskGeometry,
} from '@molap/core';
import type { Batch } from '@molap/tasks';
import type { NetworkOptions } from './options.js';

/** The engine config of a network with `options` for tasks of `geometry`. */
export function networkConfig(options: NetworkOptions, geometry: TaskGeometry): RnnConfig {
  return {
    inputSize: geometry.inputSize,
    hiddenSize: options.hiddenSize,
    outputSize: geometry.outputSize,
    activation: options.activation,
    outputActivation: 'sigmoid',
    alpha: geometry.alpha,
    recurrentNoise: options.recurrentNoise,
  };
}

/** One leaky RNN living in an engine. */
export class RnnNetwork {
  readonly engine: Engine;
  readonly model: EngineModel;
  readonly adam: Partial<AdamOptions>;
  readonly clipping: GradientClipping;
  /**
   * The rule block of the inputs (rule id per rule unit, `TaskGeometry.rules`); undefined for a network saved
   * before molap recorded it.
   */
  readonly rules: readonly string[] | undefined;
  private evaluator: NetworkEvaluator | undefined;

  private constructor(
    engine: Engine,
    model: EngineModel,
    adam: Partial<AdamOptions>,
    clipping: GradientClipping,
    rules: readonly string[] | undefined,
  ) {
    this.engine = engine;
    this.model = model;
    this.adam = adam;
    this.clipping = clipping;
    this.rules = rules;
  }

  /** A new network with Yang et al.'s initialisation (`initRnnParameters`) from `seed`. */
  static create(engine: Engine, options: NetworkOptions, geometry: TaskGeometry, seed: number): RnnNetwork {
    const config = networkConfig(options, geometry);
    const parameters = initRnnParameters(config, {
      seed,
      recurrentInit: options.recurrentInit,
      recurrentScale: options.recurrentScale,
    });
    const adam = { learningRate: options.learningRate };
    const clipping: GradientClipping =
      options.clipValue > 0 ? { kind: 'value', value: options.clipValue } : { kind: 'none' };
    return new RnnNetwork(engine, engine.createModel({ config, parameters, adam, clipping }), adam, clipping, [
      ...geometry.rules,
    ]);
  }

  /** Loads a network saved by `save` (parameters, hyper-parameters and optimiser state). */
  static async load(engine: Engine, dir: string): Promise<RnnNetwork> {
    const loaded = await loadModel(dir);
    const rules = loaded.metadata?.rules;
    return new RnnNetwork(
      engine,
      createModelFromFile(engine, loaded),
      loaded.adam,
      loaded.clipping,
      Array.isArray(rules) ? rules.map(String) : undefined,
    );
  }

  get config(): RnnConfig {
    return this.model.config;
  }

  /** Number of parameters trained. */
  trainableParameters(): number {
    return countRnnParameters(this.config, this.model.trainable).trainable;
  }

  /** Number of parameters stored. */
  totalParameters(): number {
    return countRnnParameters(this.config).total;
  }

  /** Sets the Adam moments and step to zero (a fresh optimiser, e.g. at the start of a new task). */
  resetOptimizer(): void {
    const zeros = (): Partial<RnnParameters> => {
      const parameters = this.model.getParameters();
      const moments: Partial<RnnParameters> = {};
      for (const name of PARAMETER_NAMES) {
        if (this.model.trainable[name]) moments[name] = new Float32Array(parameters[name].length);
      }
      return moments;
    };
    this.model.setOptimizerState({ step: 0, firstMoment: zeros(), secondMoment: zeros() });
  }

  /** Evaluates `parameters` (default: the current ones) in the frozen twin (see `NetworkEvaluator`). */
  evaluate(
    taskId: string,
    batch: Batch,
    options: EvaluationOptions,
    inputNoiseStd: number,
    parameters: RnnParameters = this.model.getParameters(),
  ): Promise<TaskEvaluation> {
    this.evaluator ??= new NetworkEvaluator(this.engine, this.config);
    return this.evaluator.evaluate(taskId, batch, options, { parameters, inputNoiseStd });
  }

  /**
   * Saves the network (with its optimiser state, so learning can continue exactly) into `dir`; its rule block
   * goes into the metadata (`rules`) next to `metadata`.
   */
  async save(dir: string, metadata?: { readonly [key: string]: JsonValue }): Promise<void> {
    const all = { ...metadata, ...(this.rules ? { rules: [...this.rules] } : {}) };
    await saveModel(
      dir,
      snapshotModel(this.model, {
        adam: this.adam,
        clipping: this.clipping,
        includeOptimizer: true,
        ...(Object.keys(all).length > 0 ? { metadata: all } : {}),
      }),
    );
  }

  /**
   * Whether tasks of `geometry` fit this network: the same sizes and α, and the same rule block unit for unit
   * (when the network records one).
   */
  fits(geometry: TaskGeometry): boolean {
    const { config } = this;
    return (
      config.inputSize === geometry.inputSize &&
      config.outputSize === geometry.outputSize &&
      config.alpha === geometry.alpha &&
      (this.rules === undefined || JSON.stringify(this.rules) === JSON.stringify(geometry.rules))
    );
  }

  dispose(): void {
    this.model.dispose();
    this.evaluator?.dispose();
    this.evaluator = undefined;
  }
}

/** A task a model was asked about but has not learned (an unknown id for the model). */
export function notLearned(taskId: string, learned: readonly string[]): MolapError {
  return new MolapError(
    'unknown-id',
    `task '${taskId}' has not been learned (learned: ${learned.join(', ') || 'none'})`,
    {
      hint: 'learn it first (model.learn), or evaluate one of the learned tasks',
    },
  );
}
