/**
 * `NetworkEvaluator`: evaluates parameter sets of one network shape in a frozen engine model (no gradients,
 * no optimiser state), perturbed or not, so an evaluation never touches a trained model. Every strategy's
 * `evaluate` goes through it: the perturbation of the parameters, the run options and the batch, the seed
 * of the extra input noise and the upload of only what changed are written once, here.
 */
import type { Engine, EngineModel, RnnConfig, RnnParameters } from '@molap/backend';
import type { Batch } from '@molap/tasks';
import { InvalidValueError } from './errors.js';
import { evaluateOnBatch, ParameterUploads } from './evaluation.js';
import type { EvaluationOptions, TaskEvaluation } from './model.js';
import { perturbBatch, perturbParameters, perturbRunOptions } from './perturb.js';
import { deriveSeed } from './seeds.js';

/** Fork of the evaluation noise seed that seeds the extra noise of an `input-noise` perturbation. */
const INPUT_NOISE_STREAM = 0x1f;

/** Nothing trainable: the evaluator's engine model never keeps gradients or optimiser state. */
const ALL_FROZEN = Object.freeze({
  inputWeights: false,
  recurrentWeights: false,
  recurrentBias: false,
  outputWeights: false,
  outputBias: false,
});

/** What `NetworkEvaluator.evaluate` evaluates besides the batch. */
export interface EvaluatedNetwork {
  /** The parameters, unperturbed (the evaluator perturbs a copy; they are never changed). */
  readonly parameters: RnnParameters;
  /** σ of the input noise already in the task's batches (for `input-noise` perturbations). */
  readonly inputNoiseStd: number;
  /**
   * The network's input from the (perturbed) task batch, e.g. MoLaP's sensory channels. Default: the batch
   * itself. Called after the input perturbation, so the perturbation acts on the task's own channels.
   */
  readonly prepareInput?: (batch: Batch) => Batch;
}

/** A frozen engine model for one `RnnConfig`, evaluating parameter sets under perturbations. */
export class NetworkEvaluator {
  readonly engine: Engine;
  readonly config: RnnConfig;
  private model: EngineModel | undefined;
  /** What the model holds, so that an evaluation uploads only the tensors that changed. */
  private readonly uploads = new ParameterUploads();

  constructor(engine: Engine, config: RnnConfig) {
    this.engine = engine;
    this.config = config;
  }

  /**
   * Evaluates `network.parameters` on `batch` under `options.perturbation`: weight perturbations change a
   * copy of the parameters, unit and state-noise perturbations the run options, input-noise perturbations a
   * copy of the batch (`perturbBatch`, seeded from `options.noiseSeed`). The batch is `[T, B, inputs]` of
   * the task; the outputs of the result are `[T, B, outputs]`.
   */
  async evaluate(
    taskId: string,
    batch: Batch,
    options: EvaluationOptions,
    network: EvaluatedNetwork,
  ): Promise<TaskEvaluation> {
    if (!(Number.isSafeInteger(options?.noiseSeed) && options.noiseSeed >= 0)) {
      throw new InvalidValueError(
        `evaluate needs { noiseSeed } with an integer >= 0, got ${String(options?.noiseSeed)}`,
      );
    }
    const perturbation = options.perturbation;
    if (options.noiseTrials !== undefined && perturbation?.kind === 'input-noise') {
      throw new InvalidValueError(
        'evaluate got noiseTrials with an input-noise perturbation: its extra input noise is drawn for the batch it is given, so parts of a batch would not add up to the whole',
        { hint: 'evaluate the whole batch at once under input-noise perturbations' },
      );
    }
    if (!this.model) {
      this.model = this.engine.createModel({
        config: this.config,
        parameters: network.parameters,
        trainable: ALL_FROZEN,
      });
      this.uploads.reset();
    }
    this.uploads.upload(this.model, perturbParameters(this.config, network.parameters, perturbation));
    const run = perturbRunOptions(this.config, perturbation, {
      noiseSeed: options.noiseSeed,
      ...(options.noiseTrials ? { noiseTrials: options.noiseTrials } : {}),
    });
    const perturbed = perturbBatch(batch, perturbation, {
      seed: deriveSeed(options.noiseSeed, INPUT_NOISE_STREAM),
      inputNoiseStd: network.inputNoiseStd,
    });
    const input = network.prepareInput ? network.prepareInput(perturbed) : perturbed;
    const result = await evaluateOnBatch(this.model, input, {
      ...run,
      ...(options.keepStates ? { keepStates: true } : {}),
    });
    return { taskId, ...result };
  }

  /** Frees the engine model (a later evaluation creates it again). */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}
