/**
 * The MoLaP model (MoLaP §4): frozen pre-trained modules from a module bank, and per task its own small
 * weights around them (input weights and/or context, readout), learned independently per task.
 *
 * Independence is exact: a task's weights are a function of (bank, options, task id, learn seed, budget)
 * only: its initialisation, training batches, noise and evaluation trials are drawn from the task id and
 * the seed, never from the other tasks or their order, and its weights are separate arrays. Learning or
 * adding a task never changes another task's weights or outputs (tested to the bit).
 */
import { join } from 'node:path';
import {
  deriveNoiseSeed,
  type EngineModel,
  type GradientClipping,
  loadModel,
  type RnnConfig,
  type RnnParameters,
  saveModel,
} from '@molap/backend';
import {
  countRnnParameters,
  deriveSeed,
  type EvaluationOptions,
  evaluateOnBatch,
  evaluationBatch,
  evaluationNoiseSeed,
  finishedTaskFolder,
  InvalidValueError,
  inputNoiseStd,
  isMolapError,
  type LearningBudget,
  type LearningCurvePoint,
  type LearnOptions,
  learnEngineModel,
  MolapError,
  type MultiTaskModel,
  NetworkEvaluator,
  type ParameterCount,
  parameterBytes,
  parameterUpdates,
  readFinishedTask,
  type StrategyContext,
  type TaskEvaluation,
  type TaskLearningRecord,
  type TrainingSchedule,
  taskSchedule,
  taskSeedKey,
  validateBudget,
  writeFinishedTask,
} from '@molap/core';
import {
  fitTaskToBank,
  type ModuleBank,
  moduleParameterCount,
  type TaskFit,
  validateModuleBank,
} from '@molap/primitives';
import { type Batch, resolveTaskOptions, type Task, taskRule } from '@molap/tasks';
import { saveMolapSystem } from './molap-file.js';
import {
  initialTaskWeights,
  type MolapTrainable,
  molapNetworkConfig,
  sensoryBatch,
  type TaskWeights,
  taskNetworkParameters,
  taskWeightsOf,
  trainableFlags,
} from './molap-network.js';
import { type MolapOptions, resolveMolapOptions } from './molap-options.js';
import { ReadoutRegression } from './ridge-readout.js';

/** Where a MoLaP model finds its engine and tasks: the context of every strategy. */
export type MolapContext = StrategyContext;

/** What the model keeps of a learned task. */
interface LearnedTask {
  readonly weights: TaskWeights;
  readonly record: TaskLearningRecord;
  readonly fit: TaskFit;
  /** σ of the input noise of the task's batches (for input-noise perturbations). */
  readonly inputNoiseStd: number;
}

/** Seed streams of a learn seed. */
const SEED_STREAM = { initialisation: 201, training: 202 } as const;

function derivedSeed(seed: number, stream: number, key: number): number {
  return deriveSeed(seed, stream, key);
}

/** A MoLaP model: a module bank and the per-task weights learned on top of it. */
export class MolapModel implements MultiTaskModel {
  /** 'molap' on a pre-trained bank, 'random-modules' on a random one (the ablation). */
  readonly strategy: string;
  readonly hiddenSize: number;
  readonly modules: readonly number[];
  readonly bank: ModuleBank;
  readonly options: MolapOptions;
  /** Engine config of every task network (sensory inputs, the bank's modules, sigmoid readout). */
  readonly config: RnnConfig;
  private readonly context: MolapContext;
  private readonly learned = new Map<string, LearnedTask>();
  private evaluator: NetworkEvaluator | undefined;
  /**
   * The sensory cut of each batch evaluated (`sensoryBatch`), by batch: a robustness suite evaluates one batch
   * under every perturbation that leaves the input alone, so it is cut once. Weak: it goes with the batch.
   */
  private readonly sensoryCuts = new WeakMap<Batch, { channels: readonly number[]; batch: Batch }>();

  constructor(bank: ModuleBank, context: MolapContext, options: MolapOptions) {
    validateModuleBank(bank);
    if (
      context === null ||
      typeof context !== 'object' ||
      !context.engine ||
      typeof context.tasks?.get !== 'function'
    ) {
      throw new InvalidValueError('a MoLaP model needs a context { engine, tasks } (an Engine and a task registry)');
    }
    this.bank = bank;
    this.context = context;
    this.options = options;
    this.config = molapNetworkConfig(bank, options.recurrentNoise ?? undefined);
    this.strategy = bank.kind === 'random' ? 'random-modules' : 'molap';
    this.hiddenSize = this.config.hiddenSize;
    this.modules = [...(this.config.modules ?? [this.hiddenSize])];
  }

  learnedTasks(): readonly string[] {
    return [...this.learned.keys()];
  }

  /** The learning record of a learned task. */
  taskRecord(taskId: string): TaskLearningRecord {
    return this.learnedTask(taskId).record;
  }

  /** Copies of a learned task's weights. */
  taskWeights(taskId: string): TaskWeights {
    const { weights } = this.learnedTask(taskId);
    return taskWeightsOf(taskNetworkParameters(this.bank, weights));
  }

  /** The full network of a learned task: config and parameters (copies), e.g. for analyses or export. */
  taskNetwork(taskId: string): { config: RnnConfig; parameters: RnnParameters } {
    const parameters = taskNetworkParameters(this.bank, this.learnedTask(taskId).weights);
    return {
      config: this.config,
      parameters: { ...taskWeightsOf(parameters), recurrentWeights: Float32Array.from(parameters.recurrentWeights) },
    };
  }

  /** Trainable parameters of one task in this model's mode. */
  trainableParametersPerTask(): number {
    return countRnnParameters(this.config, trainableFlags(this.options.trainable)).trainable;
  }

  /**
   * The rule identity of each corpus task of the bank (`taskRule`), looked up in the context's registry; a
   * corpus task the registry does not hold keeps its id (its rule unless it declared another).
   */
  private corpusRules(): string[] | undefined {
    return this.bank.corpus?.taskIds.map((id) => {
      try {
        return taskRule(this.context.tasks.get(id));
      } catch (error) {
        if (isMolapError(error) && error.code === 'unknown-id') return id;
        throw error;
      }
    });
  }

  /** `sensoryBatch(batch, channels)`, cut once per batch and channel list. */
  private sensoryCut(batch: Batch, channels: readonly number[]): Batch {
    const cached = this.sensoryCuts.get(batch);
    if (cached?.channels === channels) return cached.batch;
    const cut = sensoryBatch(batch, channels);
    this.sensoryCuts.set(batch, { channels, batch: cut });
    return cut;
  }

  private learnedTask(taskId: string): LearnedTask {
    const task = this.learned.get(taskId);
    if (!task) {
      throw new MolapError(
        'unknown-id',
        `task '${taskId}' has not been learned (learned: ${this.learnedTasks().join(', ') || 'none'})`,
        { hint: 'learn it first' },
      );
    }
    return task;
  }

  private fit(task: Task): { fit: TaskFit; inputNoiseStd: number } {
    const taskOptions = this.context.taskOptions ?? {};
    const fit = fitTaskToBank(this.bank, task, taskOptions);
    const resolved = resolveTaskOptions(task, { ...taskOptions, mode: 'random' });
    return {
      fit,
      inputNoiseStd: resolved.noise ? inputNoiseStd(resolved.dt, resolved.inputNoiseSigma, resolved.tau) : 0,
    };
  }

  /**
   * Learns each task on its own: its weights start from the bank (`initialTaskWeights`) and only they train,
   * for `budget.steps` steps of `budget.batchSize` trials (or in closed form with `readoutSolver: 'ridge'`).
   * With `options.checkpointDir` each task checkpoints in `<dir>/<task id>` and a new call resumes exactly.
   */
  async learn(
    taskIds: readonly string[],
    budget: LearningBudget,
    options: LearnOptions,
  ): Promise<TaskLearningRecord[]> {
    validateBudget(budget);
    if (!Array.isArray(taskIds) || taskIds.length === 0) {
      throw new InvalidValueError('learn needs a non-empty list of task ids, e.g. ["fdgo", "dm1"]');
    }
    if (!(options && Number.isSafeInteger(options.seed))) {
      throw new InvalidValueError(`learn needs { seed } with an integer seed, got ${String(options?.seed)}`);
    }
    const seen = new Set<string>();
    const tasks = taskIds.map((id) => {
      if (seen.has(id)) {
        throw new MolapError('duplicate-id', `task '${id}' is listed twice`, { hint: 'list each task once' });
      }
      seen.add(id);
      if (this.learned.has(id)) {
        throw new InvalidValueError(`task '${id}' is already learned; its weights stay as they are`, {
          hint: 'use a new model to learn it again',
        });
      }
      const task = this.context.tasks.get(id);
      return { task, ...this.fit(task) };
    });
    const records: TaskLearningRecord[] = [];
    for (const { task, fit, inputNoiseStd: std } of tasks) {
      if (options.signal?.aborted) break;
      const checkpoint = options.checkpointDir ? join(options.checkpointDir, task.id) : undefined;
      const finished = checkpoint ? await readFinishedTask(checkpoint) : undefined;
      if (checkpoint && finished) {
        const loaded = await loadModel(finishedTaskFolder(checkpoint));
        this.learned.set(task.id, {
          weights: taskWeightsOf(loaded.parameters),
          record: finished,
          fit,
          inputNoiseStd: std,
        });
        records.push(finished);
        continue;
      }
      const learned = await this.learnTask(task, fit, budget, options, checkpoint);
      if (!learned) break;
      this.learned.set(task.id, { ...learned, fit, inputNoiseStd: std });
      records.push(learned.record);
      if (checkpoint) {
        await writeFinishedTask(checkpoint, learned.record, (folder) =>
          saveModel(folder, {
            config: this.config,
            parameters: taskNetworkParameters(this.bank, learned.weights),
            trainable: trainableFlags(this.options.trainable),
          }),
        );
      }
    }
    return records;
  }

  /** Learns one task; undefined when stopped by the signal. */
  private async learnTask(
    task: Task,
    fit: TaskFit,
    budget: LearningBudget,
    options: LearnOptions,
    checkpoint: string | undefined,
  ): Promise<{ weights: TaskWeights; record: TaskLearningRecord } | undefined> {
    const key = taskSeedKey(task.id);
    const taskOptions = this.context.taskOptions;
    const mode: MolapTrainable = this.options.trainable;
    const initial = initialTaskWeights(this.bank, fit, {
      newTaskContext: this.options.newTaskContext,
      corpusRules: this.corpusRules(),
      seed: derivedSeed(options.seed, SEED_STREAM.initialisation, key),
    });
    const clipping: GradientClipping =
      this.options.clipValue > 0 ? { kind: 'value', value: this.options.clipValue } : { kind: 'none' };
    const model = this.context.engine.createModel({
      config: this.config,
      parameters: taskNetworkParameters(this.bank, initial),
      trainable: trainableFlags(mode),
      adam: { learningRate: this.options.learningRate },
      clipping,
    });
    try {
      const base = taskSchedule({
        tasks: [task],
        batchSize: budget.batchSize,
        seed: options.seed,
        ...(taskOptions ? { taskOptions } : {}),
      });
      const schedule: TrainingSchedule = {
        taskIds: base.taskIds,
        taskAt: base.taskAt,
        batchAt: (step) => sensoryBatch(base.batchAt(step), fit.sensoryChannels),
      };
      const evaluation = sensoryBatch(
        evaluationBatch(task, {
          trials: budget.evalTrials,
          seed: options.seed,
          ...(taskOptions ? { taskOptions } : {}),
        }),
        fit.sensoryChannels,
      );
      const trainingSeed = derivedSeed(options.seed, SEED_STREAM.training, key);
      const trainable = this.trainableParametersPerTask();
      const closedForm = mode === 'readout' && this.options.readoutSolver === 'ridge';
      if (closedForm || this.options.readoutInit === 'ridge') {
        const readout = await this.ridgeReadout(model, schedule, trainingSeed);
        model.setParameters(readout);
      }
      if (closedForm) {
        const record = await this.closedFormRecord(task.id, model, evaluation, budget, options);
        return { weights: taskWeightsOf(model.getParameters()), record };
      }
      const result = await learnEngineModel({
        model,
        schedule,
        budget,
        evaluation: new Map([[task.id, evaluation]]),
        seed: trainingSeed,
        evaluationSeed: options.seed,
        trainableParameters: trainable,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(checkpoint ? { checkpointDir: join(checkpoint, 'training') } : {}),
      });
      if (result.aborted) return undefined;
      return { weights: taskWeightsOf(model.getParameters()), record: result.records[0] };
    } finally {
      model.dispose();
    }
  }

  /** The closed-form readout on the states of the first `ridgeTrials` training trials (training noise on). */
  private async ridgeReadout(
    model: EngineModel,
    schedule: TrainingSchedule,
    trainingSeed: number,
  ): Promise<Pick<RnnParameters, 'outputWeights' | 'outputBias'>> {
    const regression = new ReadoutRegression(this.config.hiddenSize, this.config.outputSize);
    let trials = 0;
    for (let step = 0; trials < this.options.ridgeTrials; step++) {
      const batch = schedule.batchAt(step);
      const { states } = await model.forward(batch, {
        noiseSeed: deriveNoiseSeed(trainingSeed, step),
        keepStates: true,
      });
      regression.add(states!, batch, this.options.logitClip);
      trials += batch.batchSize;
    }
    return regression.solve(this.options.ridgeLambda);
  }

  /** The record of a closed-form readout: the evaluation before (initial readout) and after the solve. */
  private async closedFormRecord(
    taskId: string,
    model: EngineModel,
    evaluation: Batch,
    budget: LearningBudget,
    options: LearnOptions,
  ): Promise<TaskLearningRecord> {
    const result = await evaluateOnBatch(model, evaluation, { noiseSeed: evaluationNoiseSeed(options.seed, taskId) });
    const point: LearningCurvePoint = {
      step: 0,
      trials: this.options.ridgeTrials,
      performance: result.performance,
      loss: result.loss,
    };
    await options.onProgress?.(taskId, point);
    const trainable = this.trainableParametersPerTask();
    return {
      taskId,
      steps: 0,
      trials: this.options.ridgeTrials,
      trainableParameters: trainable,
      parameterUpdates: parameterUpdates(trainable, 1),
      curve: [point],
      trialsToCriterion:
        result.performance >= (evaluation.score?.criterion ?? budget.criterion) ? this.options.ridgeTrials : null,
      performance: result.performance,
      loss: result.loss,
      ...(evaluation.score === undefined ? {} : { score: evaluation.score.id }),
    };
  }

  /**
   * Evaluates a learned task on a task batch (the task's full input; the network reads its sensory
   * channels), optionally perturbed: weight perturbations act on a copy of the parameters (the shared
   * modules included, for this evaluation only), unit and state-noise perturbations on the run options,
   * input noise on a copy of the batch. Never changes the model. The batch is read as immutable: its sensory
   * cut is kept (weakly) for later evaluations of the same batch object.
   */
  async evaluate(taskId: string, batch: Batch, options: EvaluationOptions): Promise<TaskEvaluation> {
    const learned = this.learnedTask(taskId);
    if (batch.inputSize !== learned.fit.layout.inputSize || batch.outputSize !== this.config.outputSize) {
      throw new MolapError(
        'incompatible',
        `the batch has ${batch.inputSize} inputs and ${batch.outputSize} outputs, but task '${taskId}' has ${learned.fit.layout.inputSize} and ${this.config.outputSize}`,
        { hint: 'evaluate it on a batch of that task' },
      );
    }
    this.evaluator ??= new NetworkEvaluator(this.context.engine, this.config);
    return this.evaluator.evaluate(taskId, batch, options, {
      parameters: taskNetworkParameters(this.bank, learned.weights),
      inputNoiseStd: learned.inputNoiseStd,
      prepareInput: (input) => this.sensoryCut(input, learned.fit.sensoryChannels),
    });
  }

  /**
   * Parameters of the whole system: the bank (every module parameter, frozen and shared) plus what each task
   * stores: its readout, its context b^τ (task-specific even when frozen) and, in 'input+readout' mode, its
   * input weights. `trainablePerTask` counts only what learns.
   */
  parameterCount(): ParameterCount {
    const frozenShared = this.bankParameters();
    const trainable = this.trainableParametersPerTask();
    const trainablePerTask: Record<string, number> = {};
    for (const id of this.learned.keys()) trainablePerTask[id] = trainable;
    const total = frozenShared + this.storedParametersPerTask() * this.learned.size;
    return { total, frozenShared, trainablePerTask, bytes: parameterBytes(total) };
  }

  /** Every parameter of the bank's modules: k·(m·nIn + m² + m + m + 1). */
  bankParameters(): number {
    return this.bank.k * moduleParameterCount(this.bank.moduleSize, this.bank.layout.inputSize);
  }

  /** Parameters a task adds to the system: its trainable weights and its context b^τ (see `parameterCount`). */
  storedParametersPerTask(): number {
    const n = this.config.hiddenSize;
    const nOut = this.config.outputSize;
    return (this.options.trainable === 'input+readout' ? n * this.config.inputSize : 0) + n + nOut * n + nOut;
  }

  /** Total parameters of the system after each learned task, in learning order: `[{ taskId, tasks, total }]`. */
  parameterGrowth(): { taskId: string; tasks: number; total: number }[] {
    const perTask = this.storedParametersPerTask();
    return this.learnedTasks().map((taskId, i) => ({
      taskId,
      tasks: i + 1,
      total: this.bankParameters() + perTask * (i + 1),
    }));
  }

  /** Saves the system (bank, options, per-task weights and records) into `dir`; see `molap-file.ts`. */
  async save(dir: string): Promise<void> {
    await saveMolapSystem(dir, this);
  }

  /** The learned tasks' weights and records, in learning order (for saving). @internal */
  learnedEntries(): { taskId: string; weights: TaskWeights; record: TaskLearningRecord }[] {
    return [...this.learned].map(([taskId, task]) => ({ taskId, weights: task.weights, record: task.record }));
  }

  /**
   * Adds the weights of a task learned elsewhere (loading). The task must fit the bank.
   * @internal
   */
  addLearnedTask(taskId: string, weights: TaskWeights, record: TaskLearningRecord): void {
    if (this.learned.has(taskId)) throw new MolapError('duplicate-id', `task '${taskId}' is already in the model`);
    const { fit, inputNoiseStd: std } = this.fit(this.context.tasks.get(taskId));
    const n = this.config.hiddenSize;
    const sizes = [n * this.config.inputSize, n, this.config.outputSize * n, this.config.outputSize];
    const given = [weights.inputWeights, weights.recurrentBias, weights.outputWeights, weights.outputBias];
    if (given.some((values, i) => !(values instanceof Float32Array) || values.length !== sizes[i])) {
      throw new MolapError(
        'incompatible',
        `the weights of task '${taskId}' do not have the shapes of this model's task networks`,
      );
    }
    this.learned.set(taskId, { weights, record, fit, inputNoiseStd: std });
  }

  async dispose(): Promise<void> {
    this.evaluator?.dispose();
    this.evaluator = undefined;
    this.learned.clear();
  }
}

/**
 * A MoLaP model on `bank`, with no task learned yet.
 *
 * From random modules (the `random-modules` ablation): build the bank with
 * `createRandomModuleBank({ layout: bankLayout(task, taskOptions), k, moduleSize, seed })` from
 * `@molap/primitives`, and pass it here; the model's `strategy` is then 'random-modules'.
 */
export function createMolap(bank: ModuleBank, context: MolapContext, options?: Partial<MolapOptions>): MolapModel {
  return new MolapModel(bank, context, resolveMolapOptions(options));
}
