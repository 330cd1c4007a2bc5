/**
 * The shared training loop: steps of `model.trainStep` over batches and noise that are pure functions of
 * the step, with evaluation, checkpoints and exact resume, divergence detection, async callbacks and
 * cancellation. MoLaP module pre-training, per-task learning and every baseline use it.
 *
 * Exact resume: a checkpoint holds the parameters, the Adam state and the number of completed steps. The
 * batch and noise seed of step s depend only on s, so a run interrupted after step s and resumed from its
 * checkpoint performs exactly the same updates as an uninterrupted run (bit-identical weights).
 */
import { DEFAULT_CHECKPOINTS_KEPT, readLatestCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type EngineModel, PARAMETER_NAMES, type RnnConfig, type RnnGradients, type TrainingBatch } from './engine.js';
import { BackendError, invalidOption, MOLAP_ERROR_BRAND } from './errors.js';
import { giveEventLoopTurn } from './event-loop.js';
import type { JsonValue } from './model-document.js';
import { createRandom } from './random.js';

/** What the callbacks that depend on the model receive. */
export interface StepContext {
  /** Index of the step about to run (0-based), or the number of completed steps after a step. */
  readonly step: number;
  readonly model: EngineModel;
}

/** Checkpointing of a training run. */
export interface TrainCheckpointOptions {
  /** Checkpoint folder (see `writeCheckpoint`); a run resumes from the checkpoint found there. */
  readonly dir: string;
  /** Write a checkpoint every this many completed steps (and when the run ends or is aborted). */
  readonly every: number;
  /** Step folders to keep; default 2. */
  readonly keep?: number;
  /** Resume from the checkpoint in `dir` when there is one; default true. */
  readonly resume?: boolean;
  /** Caller data stored with every checkpoint (JSON). */
  readonly metadata?: { readonly [key: string]: JsonValue };
}

/** Options of `train`. */
export interface TrainOptions<Evaluation = unknown> {
  readonly model: EngineModel;
  /** The batch of step s; must depend only on s for exact resume (seed a generator with s). */
  readonly nextBatch: (step: number) => TrainingBatch | Promise<TrainingBatch>;
  /** Total number of steps of the run (a resumed run continues up to it). */
  readonly steps: number;
  /** Noise seed of step s. Give this or `seed` when the model has recurrent noise. */
  readonly noiseSeed?: (step: number) => number;
  /** Derives the noise seed of step s from (seed, s) when `noiseSeed` is not given. */
  readonly seed?: number;
  /** Extra gradients of step s (e.g. an EWC penalty), added before clipping. */
  readonly extraGradients?: (context: StepContext) => RnnGradients | undefined | Promise<RnnGradients | undefined>;
  /** Evaluates the model; called every `evalEvery` completed steps and at the end. */
  readonly evaluate?: (context: StepContext) => Evaluation | Promise<Evaluation>;
  /** Completed steps between evaluations; default: only at the end. */
  readonly evalEvery?: number;
  readonly checkpoint?: TrainCheckpointOptions;
  /** After every step, with the loss before the update. */
  readonly onStep?: (info: { readonly step: number; readonly loss: number }) => void | Promise<void>;
  readonly onEval?: (info: { readonly step: number; readonly result: Evaluation }) => void | Promise<void>;
  readonly onCheckpoint?: (info: { readonly step: number; readonly path: string }) => void | Promise<void>;
  /** Stops the run between steps; a checkpoint is written first when checkpointing is on. */
  readonly signal?: AbortSignal;
}

/** Outcome of `train`. */
export interface TrainResult<Evaluation = unknown> {
  /** Completed steps when the run started (non-zero after a resume). */
  readonly startStep: number;
  /** Completed steps when the run stopped. */
  readonly endStep: number;
  /** Whether the run was stopped by its `signal` before `steps`. */
  readonly aborted: boolean;
  /** Loss of the last step run (before its update), if any step ran. */
  readonly lastLoss?: number;
  /** Result of the last evaluation, if any ran. */
  readonly lastEvaluation?: Evaluation;
  /** Path of the last checkpoint written or resumed from, if any. */
  readonly checkpointPath?: string;
}

/** Thrown when the loss or a parameter becomes NaN or infinite. */
export class TrainingDivergedError extends Error {
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code = 'training-diverged';
  readonly kind = 'failure' as const;
  /** What diverged, where. */
  readonly problem: string;
  readonly hint: string;
  /** The step at which it was detected (0-based index of the step that produced it). */
  readonly step: number;
  /** `loss`, a parameter name, or `batch.inputs` / `batch.targets` / `batch.mask`. */
  readonly culprit: string;
  constructor(step: number, culprit: string, detail: string, hint: string) {
    super(`training diverged at step ${step}: ${detail}. ${hint}`);
    this.name = 'TrainingDivergedError';
    this.problem = `training diverged at step ${step}: ${detail}`;
    this.hint = hint;
    this.step = step;
    this.culprit = culprit;
  }
}

/** Noise seed of step `step` derived from a run seed: a 32-bit value from the seeded generator's stream `step`. */
export function deriveNoiseSeed(seed: number, step: number): number {
  return Math.floor(createRandom(seed, step).uniform() * 2 ** 32);
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

const DIVERGENCE_HINT =
  'Lower the learning rate, keep gradient clipping on, or check the batch inputs, targets and mask for NaN/Inf';

/** Throws `TrainingDivergedError` naming the first parameter with a NaN/Inf entry, if any. */
function checkParameters(model: EngineModel, step: number): void {
  const parameters = model.getParameters();
  for (const name of PARAMETER_NAMES) {
    const index = firstNonFinite(parameters[name]);
    if (index >= 0) {
      throw new TrainingDivergedError(
        step,
        name,
        `parameter ${name} has a non-finite entry (${parameters[name][index]} at index ${index})`,
        DIVERGENCE_HINT,
      );
    }
  }
}

/** Explains a non-finite loss: bad batch data first, then the parameters, else the loss itself. */
function lossDiverged(model: EngineModel, batch: TrainingBatch, step: number, loss: number): TrainingDivergedError {
  for (const field of ['inputs', 'targets', 'mask'] as const) {
    const index = firstNonFinite(batch[field]);
    if (index >= 0) {
      return new TrainingDivergedError(
        step,
        `batch.${field}`,
        `the loss is ${loss} because batch.${field} has a non-finite entry (${batch[field][index]} at index ${index})`,
        'Check the batch generator (nextBatch)',
      );
    }
  }
  try {
    checkParameters(model, step);
  } catch (error) {
    if (error instanceof TrainingDivergedError) return error;
    throw error;
  }
  return new TrainingDivergedError(step, 'loss', `the loss is ${loss}`, DIVERGENCE_HINT);
}

function checkOptions(options: TrainOptions<unknown>): void {
  if (!options?.model) throw invalidOption('train needs a model');
  if (typeof options.nextBatch !== 'function') throw invalidOption('train needs nextBatch(step) => batch');
  if (!(Number.isSafeInteger(options.steps) && options.steps >= 0)) {
    throw invalidOption(`steps must be an integer >= 0, got ${String(options.steps)}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw invalidOption(`seed must be a safe integer, got ${String(options.seed)}`);
  }
  if (options.model.config.recurrentNoise > 0 && options.noiseSeed === undefined && options.seed === undefined) {
    throw invalidOption('the model has recurrent noise: give train a seed (or a noiseSeed(step) function)');
  }
  if (options.evalEvery !== undefined && !(Number.isInteger(options.evalEvery) && options.evalEvery >= 1)) {
    throw invalidOption(`evalEvery must be an integer >= 1, got ${String(options.evalEvery)}`);
  }
  const checkpoint = options.checkpoint;
  if (checkpoint) {
    if (typeof checkpoint.dir !== 'string' || checkpoint.dir === '')
      throw invalidOption('checkpoint.dir must be a folder path');
    if (!(Number.isInteger(checkpoint.every) && checkpoint.every >= 1)) {
      throw invalidOption(`checkpoint.every must be an integer >= 1, got ${String(checkpoint.every)}`);
    }
  }
}

const CONFIG_FIELDS: readonly (keyof RnnConfig)[] = [
  'inputSize',
  'hiddenSize',
  'outputSize',
  'activation',
  'outputActivation',
  'alpha',
  'recurrentNoise',
  'modules',
];

/** Restores the model from the checkpoint in `dir`, after checking it belongs to the same model. */
async function resume(model: EngineModel, dir: string): Promise<{ step: number; path: string } | undefined> {
  const saved = await readLatestCheckpoint(dir);
  if (!saved) return undefined;
  const differences = [
    ...CONFIG_FIELDS.filter((field) => JSON.stringify(saved.config[field]) !== JSON.stringify(model.config[field])),
    ...PARAMETER_NAMES.filter((name) => saved.trainable[name] !== model.trainable[name]).map(
      (name) => `trainable.${name}`,
    ),
  ];
  if (differences.length > 0) {
    throw new BackendError(
      'incompatible',
      `the checkpoint in ${saved.path} is for a different model (${differences.join(', ')} differ)`,
      { hint: 'use another checkpoint.dir, delete it, or pass checkpoint.resume: false' },
    );
  }
  if (!saved.optimizerState)
    throw new BackendError(
      'incompatible',
      `the checkpoint in ${saved.path} has no optimizer state, so it cannot be resumed exactly`,
      { hint: 'use another checkpoint.dir, delete it, or pass checkpoint.resume: false' },
    );
  model.setParameters(saved.parameters);
  model.setOptimizerState(saved.optimizerState);
  return { step: saved.trainingStep ?? 0, path: saved.path };
}

/**
 * Trains `model` for `steps` steps (resuming from a checkpoint when there is one).
 * @throws TrainingDivergedError when the loss or a parameter becomes NaN/Inf.
 */
export async function train<Evaluation = unknown>(options: TrainOptions<Evaluation>): Promise<TrainResult<Evaluation>> {
  checkOptions(options as TrainOptions<unknown>);
  const { model, checkpoint, signal } = options;
  const noiseSeedOf =
    options.noiseSeed ??
    (options.seed !== undefined ? (step: number) => deriveNoiseSeed(options.seed!, step) : undefined);
  let step = 0;
  let checkpointPath: string | undefined;
  if (checkpoint && checkpoint.resume !== false) {
    const resumed = await resume(model, checkpoint.dir);
    if (resumed) {
      step = resumed.step;
      checkpointPath = resumed.path;
    }
  }
  const startStep = step;
  let lastCheckpointStep = step;
  let lastLoss: number | undefined;
  let lastEvaluation: Evaluation | undefined;
  let lastEvaluationStep = -1;

  const saveCheckpoint = async () => {
    if (!checkpoint || lastCheckpointStep === step) return;
    checkParameters(model, step - 1);
    checkpointPath = await writeCheckpoint(
      checkpoint.dir,
      {
        config: model.config,
        parameters: model.getParameters(),
        trainable: model.trainable,
        optimizerState: model.getOptimizerState(),
        trainingStep: step,
        ...(checkpoint.metadata ? { metadata: checkpoint.metadata } : {}),
      },
      { keep: checkpoint.keep ?? DEFAULT_CHECKPOINTS_KEPT },
    );
    lastCheckpointStep = step;
    await options.onCheckpoint?.({ step, path: checkpointPath });
  };
  const runEvaluation = async () => {
    if (!options.evaluate || lastEvaluationStep === step) return;
    lastEvaluation = await options.evaluate({ step, model });
    lastEvaluationStep = step;
    await options.onEval?.({ step, result: lastEvaluation });
  };

  while (step < options.steps) {
    if (signal?.aborted) {
      await saveCheckpoint();
      return { startStep, endStep: step, aborted: true, lastLoss, lastEvaluation, checkpointPath };
    }
    const batch = await options.nextBatch(step);
    const extraGradients = await options.extraGradients?.({ step, model });
    const noiseSeed = noiseSeedOf?.(step);
    const loss = await model.trainStep(batch, {
      ...(noiseSeed !== undefined ? { noiseSeed } : {}),
      ...(extraGradients ? { extraGradients } : {}),
    });
    if (!Number.isFinite(loss)) throw lossDiverged(model, batch, step, loss);
    lastLoss = loss;
    step += 1;
    await options.onStep?.({ step: step - 1, loss });
    await giveEventLoopTurn();
    if (options.evalEvery !== undefined && step % options.evalEvery === 0) await runEvaluation();
    if (checkpoint && step % checkpoint.every === 0) await saveCheckpoint();
  }
  if (step > startStep) checkParameters(model, step - 1);
  await runEvaluation();
  await saveCheckpoint();
  return { startStep, endStep: step, aborted: false, lastLoss, lastEvaluation, checkpointPath };
}
