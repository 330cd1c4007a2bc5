/**
 * `independent`: one full leaky RNN per task, all weights trained on that task only (the upper bound on
 * separation: no sharing, no interference, the most parameters).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel, type RnnConfig, type RnnParameters, saveModel } from '@molap/backend';
import {
  countRnnParameters,
  defineOptions,
  deriveSeed,
  type EvaluationOptions,
  evaluationSet,
  finishedTaskFolder,
  InvalidValueError,
  type LearningBudget,
  type LearnOptions,
  learnEngineModel,
  lookUpTasks,
  type MultiTaskModel,
  NetworkEvaluator,
  type OptionsOf,
  type ParameterCount,
  parameterBytes,
  readFinishedTask,
  readStrategyDocument,
  SEED_PURPOSE,
  type Strategy,
  type StrategyContext,
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
import type { Batch } from '@molap/tasks';
import { notLearned, RnnNetwork } from './network.js';
import { NETWORK_OPTION_SPECS } from './options.js';

/** Options of the `independent` strategy: those of each task's network. */
export const INDEPENDENT_OPTIONS = defineOptions('independent option', NETWORK_OPTION_SPECS);

/** Options of the `independent` strategy: the network options. */
export type IndependentOptions = OptionsOf<typeof INDEPENDENT_OPTIONS>;

/** A learned task: its network's config and trained parameters. */
interface TaskNetwork {
  readonly config: RnnConfig;
  readonly parameters: RnnParameters;
}

/** Version of the `independent` strategy (its models record it). */
const INDEPENDENT_VERSION = '1.0.0';
const TASKS_FOLDER = 'tasks';

class IndependentModel implements MultiTaskModel {
  readonly strategy = 'independent';
  readonly hiddenSize: number;
  private readonly networks = new Map<string, TaskNetwork>();
  private evaluator: NetworkEvaluator | undefined;

  constructor(
    private readonly context: StrategyContext,
    readonly options: IndependentOptions,
  ) {
    this.hiddenSize = options.hiddenSize;
  }

  learnedTasks(): readonly string[] {
    return [...this.networks.keys()];
  }

  /** Adds a trained task network (learning and loading). */
  addNetwork(taskId: string, network: TaskNetwork): void {
    this.networks.set(taskId, network);
  }

  async learn(
    taskIds: readonly string[],
    budget: LearningBudget,
    options: LearnOptions,
  ): Promise<TaskLearningRecord[]> {
    validateBudget(budget);
    const tasks = lookUpTasks(this.context, taskIds);
    for (const id of taskIds) {
      if (this.networks.has(id))
        throw new InvalidValueError(`task '${id}' is already learned`, { hint: 'use a new model to learn it again' });
    }
    const records: TaskLearningRecord[] = [];
    for (const task of tasks) {
      if (options.signal?.aborted) break;
      const key = taskSeedKey(task.id);
      const checkpoint = options.checkpointDir ? join(options.checkpointDir, task.id) : undefined;
      const finished = checkpoint ? await readFinishedTask(checkpoint) : undefined;
      if (checkpoint && finished) {
        const loaded = await loadModel(finishedTaskFolder(checkpoint));
        this.networks.set(task.id, { config: loaded.config, parameters: loaded.parameters });
        records.push(finished);
        continue;
      }
      const network = RnnNetwork.create(
        this.context.engine,
        this.options,
        taskGeometry(this.context, [task]),
        deriveSeed(options.seed, SEED_PURPOSE.initialisation, key),
      );
      try {
        const result = await learnEngineModel({
          model: network.model,
          schedule: taskSchedule({
            tasks: [task],
            batchSize: budget.batchSize,
            seed: options.seed,
            ...(this.context.taskOptions ? { taskOptions: this.context.taskOptions } : {}),
          }),
          budget,
          evaluation: evaluationSet(this.context, [task], budget.evalTrials, options.seed),
          seed: deriveSeed(options.seed, key),
          evaluationSeed: options.seed,
          trainableParameters: network.trainableParameters(),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(checkpoint ? { checkpointDir: join(checkpoint, 'training') } : {}),
        });
        if (result.aborted) break;
        const trained = { config: network.config, parameters: network.model.getParameters() };
        this.networks.set(task.id, trained);
        records.push(result.records[0]);
        if (checkpoint) {
          await writeFinishedTask(checkpoint, result.records[0], (folder) =>
            saveModel(folder, { ...trained, adam: network.adam, clipping: network.clipping }),
          );
        }
      } finally {
        network.dispose();
      }
    }
    return records;
  }

  async evaluate(taskId: string, batch: Batch, options: EvaluationOptions): Promise<TaskEvaluation> {
    const network = this.networks.get(taskId);
    if (!network) {
      throw notLearned(taskId, this.learnedTasks());
    }
    if (this.evaluator === undefined || JSON.stringify(this.evaluator.config) !== JSON.stringify(network.config)) {
      this.evaluator?.dispose();
      this.evaluator = new NetworkEvaluator(this.context.engine, network.config);
    }
    const std = taskInputNoiseStd(this.context, this.context.tasks.get(taskId));
    return this.evaluator.evaluate(taskId, batch, options, { parameters: network.parameters, inputNoiseStd: std });
  }

  parameterCount(): ParameterCount {
    const perTask: Record<string, number> = {};
    let total = 0;
    for (const [id, network] of this.networks) {
      const count = countRnnParameters(network.config).total;
      perTask[id] = count;
      total += count;
    }
    return { total, frozenShared: 0, trainablePerTask: perTask, bytes: parameterBytes(total) };
  }

  async save(dir: string): Promise<void> {
    await mkdir(join(dir, TASKS_FOLDER), { recursive: true });
    for (const [id, network] of this.networks) {
      await saveModel(join(dir, TASKS_FOLDER, id), { config: network.config, parameters: network.parameters });
    }
    await writeStrategyDocument(dir, {
      strategy: this.strategy,
      strategyVersion: INDEPENDENT_VERSION,
      options: { ...this.options },
      learnedTasks: this.learnedTasks(),
      state: {},
    });
  }

  async dispose(): Promise<void> {
    this.evaluator?.dispose();
    this.evaluator = undefined;
    this.networks.clear();
  }
}

/** The `independent` strategy: one RNN per task. */
export const independent: Strategy<IndependentOptions> = Object.freeze({
  id: 'independent',
  version: INDEPENDENT_VERSION,
  meta: Object.freeze({
    displayName: 'Independent RNNs',
    paper:
      'Yang, Joglekar, Song, Newsome & Wang (2019). Task representations in neural networks trained to perform many cognitive tasks. Nature Neuroscience 22, 297–306 (network and training recipe)',
    link: 'https://doi.org/10.1038/s41593-018-0310-2',
    description:
      'One full leaky RNN per task, every weight trained on that task alone: no sharing and no interference.',
    schedule: 'independent' as const,
  }),
  defaults: INDEPENDENT_OPTIONS.defaults,
  checkOptions: (options: Partial<IndependentOptions>) => void INDEPENDENT_OPTIONS.resolve(options),
  async create(context: StrategyContext, options?: Partial<IndependentOptions>) {
    return new IndependentModel(context, INDEPENDENT_OPTIONS.resolve(options));
  },
  async load(dir: string, context: StrategyContext) {
    const document = await readStrategyDocument(dir, 'independent');
    const options = INDEPENDENT_OPTIONS.resolve(document.options as Partial<IndependentOptions>);
    const model = new IndependentModel(context, options);
    for (const id of document.learnedTasks) {
      const loaded = await loadModel(join(dir, TASKS_FOLDER, id));
      model.addNetwork(id, { config: loaded.config, parameters: loaded.parameters });
    }
    return model;
  },
});
