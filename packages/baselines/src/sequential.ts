/**
 * Learning tasks one after another on one shared leaky RNN, with a pluggable continual-learning method:
 * EWC (a penalty on moving weights important to earlier tasks), PSP (task-specific views of the weights),
 * or none (plain sequential fine-tuning). After each task every task learned so far is evaluated again, so
 * forgetting can be read off: performance right after a task was learned minus performance at the end.
 */
import { join } from 'node:path';
import {
  deriveNoiseSeed,
  type EngineModel,
  type JsonValue,
  type OptimizerState,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
} from '@molap/backend';
import {
  checkRuleBlock,
  deriveSeed,
  describeRules,
  type EvaluationOptions,
  evaluationNoiseSeed,
  evaluationSet,
  finishedTaskFolder,
  InvalidValueError,
  type LearningBudget,
  type LearnOptions,
  learnEngineModel,
  lookUpTasks,
  MolapError,
  type MultiTaskModel,
  type ParameterCount,
  parameterBytes,
  readFinishedTask,
  readStrategyDocument,
  SEED_PURPOSE,
  type Strategy,
  type StrategyContext,
  type StrategyDocument,
  type TaskEvaluation,
  type TaskLearningRecord,
  taskGeometry,
  taskInputNoiseStd,
  taskSchedule,
  taskSeedKey,
  validateBudget,
  writeFinishedTask,
  writeStrategyDocument,
} from '@molap/core';
import type { Batch, Task, TaskOptions } from '@molap/tasks';
import { notLearned, RnnNetwork } from './network.js';
import type { NetworkOptions } from './options.js';

/** What a continual-learning method sees when a task ends. */
export interface TaskEndContext {
  /** The engine model, holding the task-space parameters just learned. */
  readonly model: EngineModel;
  readonly task: Task;
  /** Task options of the training batches (besides mode and batch size). */
  readonly taskOptions: Partial<TaskOptions> | undefined;
  /** Seed for the method's own draws for this task. */
  readonly seed: number;
}

/** What a continual-learning method sees before each training step. */
export interface StepInfo {
  /** Index of the step about to run within the current task. */
  readonly step: number;
  /** The engine model, at the parameters the step starts from (task space). */
  readonly model: EngineModel;
  /** The step's training batch. */
  readonly batch: Batch;
  /** The recurrent-noise seed of the step (the trainer's `deriveNoiseSeed(seed, step)`). */
  readonly noiseSeed: number;
}

/**
 * A continual-learning method plugged into sequential learning. The network stores shared parameters; a
 * task trains and is evaluated in its own "task space", reached with `toTask` and left with `fromTask`
 * (identity for EWC; W ↦ W·diag(c_task) for PSP). Both maps must be linear and leave Adam's second moments
 * unchanged (true of sign flips), because first moments are mapped with them and second moments are not.
 */
export interface ContinualMethod {
  /** Called before a task is learned, with the network config and the run seed of the `learn` call. */
  beginTask(taskId: string, config: RnnConfig, seed: number): void;
  /** Shared → task space, for parameters, gradients and first moments. Returns a new record. */
  toTask(record: Partial<RnnParameters>, taskId: string): Partial<RnnParameters>;
  /** Task → shared space (the inverse of `toTask`). Returns a new record. */
  fromTask(record: Partial<RnnParameters>, taskId: string): Partial<RnnParameters>;
  /** Extra gradients at the task-space parameters of each step (e.g. the EWC penalty), or undefined. */
  penaltyGradients(parameters: RnnParameters): RnnGradients | undefined;
  /** Optional: called before each training step (e.g. SI's path integral needs the step's loss gradient). */
  beforeStep?(info: StepInfo): Promise<void>;
  /** Called after a task is learned, before its parameters are mapped back. */
  endTask(context: TaskEndContext): Promise<void>;
  /** The method's state as JSON; tensors go into files in `dir`. */
  save(dir: string): Promise<{ readonly [key: string]: JsonValue }>;
  /** Restores what `save` wrote. */
  load(dir: string, state: { readonly [key: string]: JsonValue }): Promise<void>;
}

/** Options every sequential strategy has besides its network and method options. */
export interface SequentialOptions extends NetworkOptions {
  /** Start every task with a fresh Adam state (moments and step 0), as when a new task's optimiser is made. Default true. */
  readonly resetOptimizer: boolean;
}

/** Performance of one task measured after another task was learned. */
export interface RetentionPoint {
  /** The task whose learning had just ended. */
  readonly afterTask: string;
  /** The task evaluated. */
  readonly taskId: string;
  readonly performance: number;
  readonly loss: number;
}

/** Forgetting of one task: its performance right after it was learned minus its performance at the end. */
export interface TaskForgetting {
  readonly taskId: string;
  readonly performanceAfterLearning: number;
  readonly performanceAtEnd: number;
  readonly forgetting: number;
}

const NETWORK_FOLDER = 'network';
const METHOD_FOLDER = 'method';

/** A sequential multi-task model: one shared RNN, tasks learned in order, a continual-learning method. */
export class SequentialModel implements MultiTaskModel {
  readonly strategy: string;
  /** Version of the strategy (semver), recorded in `strategy.json` by `save`. */
  readonly strategyVersion: string;
  readonly hiddenSize: number;
  private network: RnnNetwork | undefined;
  private learned: string[] = [];
  private retentionPoints: RetentionPoint[] = [];
  private evaluationTrials = 0;
  private evaluationSeed = 0;

  /**
   * @param strategy the strategy this model belongs to: its `id` (the model's `strategy`) and `version`
   *   (recorded when the model is saved); pass the strategy value itself.
   */
  constructor(
    strategy: Pick<Strategy, 'id' | 'version'>,
    private readonly context: StrategyContext,
    readonly options: SequentialOptions,
    private readonly method: ContinualMethod,
  ) {
    this.strategy = strategy.id;
    this.strategyVersion = strategy.version;
    this.hiddenSize = options.hiddenSize;
  }

  learnedTasks(): readonly string[] {
    return [...this.learned];
  }

  /** Performance of every learned task after each task was learned, in learning order. */
  retention(): readonly RetentionPoint[] {
    return [...this.retentionPoints];
  }

  /** Forgetting per learned task (see `TaskForgetting`), from `retention()`. */
  forgetting(): TaskForgetting[] {
    const last = this.learned[this.learned.length - 1];
    return this.learned.map((id) => {
      const after = this.retentionPoints.find((point) => point.afterTask === id && point.taskId === id)!;
      const end = this.retentionPoints.find((point) => point.afterTask === last && point.taskId === id)!;
      return {
        taskId: id,
        performanceAfterLearning: after.performance,
        performanceAtEnd: end.performance,
        forgetting: after.performance - end.performance,
      };
    });
  }

  async learn(
    taskIds: readonly string[],
    budget: LearningBudget,
    options: LearnOptions,
  ): Promise<TaskLearningRecord[]> {
    validateBudget(budget);
    const tasks = lookUpTasks(this.context, taskIds);
    for (const id of taskIds) {
      if (this.learned.includes(id))
        throw new InvalidValueError(`task '${id}' is already learned`, { hint: 'use a new model to learn it again' });
    }
    const geometry = taskGeometry(this.context, tasks);
    if (this.network === undefined) {
      this.network = RnnNetwork.create(
        this.context.engine,
        this.options,
        geometry,
        deriveSeed(options.seed, SEED_PURPOSE.initialisation),
      );
    } else if (!this.network.fits(geometry)) {
      throw new MolapError(
        'incompatible',
        `tasks ${taskIds.join(', ')} have another input/output layout or rule block (${describeRules(geometry.rules)}) than the tasks this network learned (${describeRules(this.network.rules ?? [])})`,
        {
          hint: 'learn them all in one model built for them together, or set tasks.options.rules to a block that includes them',
        },
      );
    }
    this.evaluationTrials = budget.evalTrials;
    this.evaluationSeed = options.seed;
    const records: TaskLearningRecord[] = [];
    const offset = this.learned.length;
    // With checkpoints, tasks finished by an interrupted run are skipped: their records are read back and
    // the model state saved after the last of them is restored before the next task starts.
    let finished: string | undefined;
    for (const [index, task] of tasks.entries()) {
      if (options.signal?.aborted) break;
      const label = `${String(offset + index).padStart(3, '0')}-${task.id}`;
      const checkpoint = options.checkpointDir ? join(options.checkpointDir, label) : undefined;
      const done = checkpoint ? await readFinishedTask(checkpoint) : undefined;
      if (checkpoint && done) {
        records.push(done);
        finished = finishedTaskFolder(checkpoint);
        continue;
      }
      if (finished) {
        await this.restore(finished);
        finished = undefined;
      }
      const record = await this.learnTask(task, budget, options, checkpoint ? join(checkpoint, 'training') : undefined);
      if (record === undefined) break;
      records.push(record);
      if (checkpoint) await writeFinishedTask(checkpoint, record, (folder) => this.save(folder));
    }
    if (finished) await this.restore(finished);
    return records;
  }

  /** Learns one task; undefined when aborted. */
  private async learnTask(
    task: Task,
    budget: LearningBudget,
    options: LearnOptions,
    checkpointDir: string | undefined,
  ): Promise<TaskLearningRecord | undefined> {
    const network = this.network!;
    const model = network.model;
    const id = task.id;
    const key = taskSeedKey(id);
    this.method.beginTask(id, network.config, options.seed);
    if (this.options.resetOptimizer) network.resetOptimizer();
    this.mapModel(id, 'toTask');
    const schedule = taskSchedule({
      tasks: [task],
      batchSize: budget.batchSize,
      seed: options.seed,
      ...(this.context.taskOptions ? { taskOptions: this.context.taskOptions } : {}),
    });
    // The trainer asks for step s's batch just before its extra gradients: keep it for `beforeStep`.
    let last: { step: number; batch: Batch } | undefined;
    const batchAt = (step: number) => {
      if (last?.step !== step) last = { step, batch: schedule.batchAt(step) };
      return last.batch;
    };
    const trainingSeed = deriveSeed(options.seed, key);
    const result = await learnEngineModel({
      model,
      schedule: { ...schedule, batchAt },
      budget,
      evaluation: evaluationSet(this.context, [task], budget.evalTrials, options.seed),
      seed: trainingSeed,
      evaluationSeed: options.seed,
      trainableParameters: network.trainableParameters(),
      extraGradients: async ({ model: current, step }) => {
        await this.method.beforeStep?.({
          step,
          model: current,
          batch: batchAt(step),
          noiseSeed: deriveNoiseSeed(trainingSeed, step),
        });
        return this.method.penaltyGradients(current.getParameters());
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(checkpointDir ? { checkpointDir } : {}),
    });
    if (result.aborted) {
      this.mapModel(id, 'fromTask');
      return undefined;
    }
    await this.method.endTask({
      model,
      task,
      taskOptions: this.context.taskOptions,
      seed: deriveSeed(options.seed, SEED_PURPOSE.fisher, key),
    });
    this.mapModel(id, 'fromTask');
    this.learned.push(id);
    await this.measureRetention(id);
    return result.records[0];
  }

  /** Maps the engine model's parameters and first moments between the shared and task spaces. */
  private mapModel(taskId: string, direction: 'toTask' | 'fromTask'): void {
    const model = this.network!.model;
    const map = (record: Partial<RnnParameters>) => this.method[direction](record, taskId);
    model.setParameters(map(model.getParameters()));
    const state: OptimizerState = model.getOptimizerState();
    model.setOptimizerState({ ...state, firstMoment: map(state.firstMoment) });
  }

  /** Evaluates every learned task after `afterTask` and appends the results to the retention table. */
  private async measureRetention(afterTask: string): Promise<void> {
    const tasks = this.learned.map((id) => this.context.tasks.get(id));
    const batches = evaluationSet(this.context, tasks, this.evaluationTrials, this.evaluationSeed);
    for (const task of tasks) {
      const result = await this.evaluate(task.id, batches.get(task.id)!, {
        noiseSeed: evaluationNoiseSeed(this.evaluationSeed, task.id),
      });
      this.retentionPoints.push({
        afterTask,
        taskId: task.id,
        performance: result.performance,
        loss: result.loss,
      });
    }
  }

  async evaluate(taskId: string, batch: Batch, options: EvaluationOptions): Promise<TaskEvaluation> {
    if (!this.learned.includes(taskId) || this.network === undefined) {
      throw notLearned(taskId, this.learned);
    }
    const parameters = this.method.toTask(this.network.model.getParameters(), taskId) as RnnParameters;
    const std = taskInputNoiseStd(this.context, this.context.tasks.get(taskId));
    return this.network.evaluate(taskId, batch, options, std, parameters);
  }

  parameterCount(): ParameterCount {
    const total = this.network?.totalParameters() ?? 0;
    const trainable = this.network?.trainableParameters() ?? 0;
    return {
      total,
      frozenShared: 0,
      trainablePerTask: Object.fromEntries(this.learned.map((id) => [id, trainable])),
      bytes: parameterBytes(total),
    };
  }

  async save(dir: string): Promise<void> {
    if (this.network) await this.network.save(join(dir, NETWORK_FOLDER), { strategy: this.strategy });
    const methodState = await this.method.save(join(dir, METHOD_FOLDER));
    await writeStrategyDocument(dir, {
      strategy: this.strategy,
      strategyVersion: this.strategyVersion,
      options: { ...this.options } as unknown as { readonly [key: string]: JsonValue },
      learnedTasks: this.learned,
      state: {
        hasNetwork: this.network !== undefined,
        evaluationTrials: this.evaluationTrials,
        evaluationSeed: this.evaluationSeed,
        retention: this.retentionPoints as unknown as JsonValue,
        method: methodState,
      },
    });
  }

  /** Replaces this model's state by the one saved in `dir` (loading, and resuming from a checkpoint). */
  async restore(dir: string, document?: StrategyDocument): Promise<void> {
    const saved = document ?? (await readStrategyDocument(dir, this.strategy));
    const state = saved.state as unknown as {
      hasNetwork: boolean;
      evaluationTrials: number;
      evaluationSeed: number;
      retention: RetentionPoint[];
      method: { readonly [key: string]: JsonValue };
    };
    this.network?.dispose();
    this.network = state.hasNetwork ? await RnnNetwork.load(this.context.engine, join(dir, NETWORK_FOLDER)) : undefined;
    if (this.network?.rules && saved.learnedTasks.length > 0) {
      checkRuleBlock(this.context, saved.learnedTasks[0]!, this.network.rules, `the ${this.strategy} model in ${dir}`);
    }
    this.learned = [...saved.learnedTasks];
    this.retentionPoints = [...state.retention];
    this.evaluationTrials = state.evaluationTrials;
    this.evaluationSeed = state.evaluationSeed;
    await this.method.load(join(dir, METHOD_FOLDER), state.method);
  }

  async dispose(): Promise<void> {
    this.network?.dispose();
    this.network = undefined;
  }
}
