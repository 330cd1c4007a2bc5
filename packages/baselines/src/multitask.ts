/**
 * `multitask`: Yang et al. 2019. One leaky RNN with rule inputs; all weights trained on all tasks
 * interleaved, one task per batch, contextdm1/2 drawn 5× more often; Adam 1e-3, element-wise clipping [−1, 1].
 *
 * Tasks learned after the first `learn` (new tasks on a trained network) train every weight by default, or
 * only their rule input weights with `newTaskWeights: 'rule-inputs'` (Yang et al. 2019, Fig. 7; see
 * `rule-inputs.ts`).
 */

import { join } from 'node:path';
import {
  checkRuleBlock,
  defineOptions,
  deriveSeed,
  describeRules,
  type EvaluationOptions,
  evaluationSet,
  InvalidValueError,
  type LearningBudget,
  type LearnOptions,
  learnEngineModel,
  lookUpTasks,
  MolapError,
  type MultiTaskModel,
  OPTION_KINDS,
  type OptionsOf,
  option,
  type ParameterCount,
  parameterBytes,
  readStrategyDocument,
  SEED_PURPOSE,
  type Strategy,
  type StrategyContext,
  type TaskEvaluation,
  type TaskLearningRecord,
  taskGeometry,
  taskInputNoiseStd,
  taskSchedule,
  validateBudget,
  writeStrategyDocument,
} from '@molap/core';
import { type Batch, resolveTaskOptions, type Task, YANG19_RULE_WEIGHTS } from '@molap/tasks';
import { z } from 'zod';
import { notLearned, RnnNetwork } from './network.js';
import { NETWORK_OPTION_SPECS } from './options.js';
import { ruleColumnsOnly, ruleInputColumns } from './rule-inputs.js';

const weights = z.record(z.string(), z.number().positive().finite());

/** Options of the `multitask` strategy, declared once. */
export const MULTITASK_OPTIONS = defineOptions('multitask option', {
  ...NETWORK_OPTION_SPECS,
  samplingWeights: option(
    OPTION_KINDS.custom(weights, 'an object of finite weights > 0 by task id'),
    YANG19_RULE_WEIGHTS as Readonly<Record<string, number>>,
    'relative task sampling weights by id (ids not listed weigh 1; default YANG19_RULE_WEIGHTS: contextdm1 and contextdm2 5×)',
  ),
  newTaskWeights: option(
    OPTION_KINDS.oneOf(['all', 'rule-inputs']),
    'all',
    "what learns when a trained network learns new tasks: every weight (all) or only each new task's rule-input column (rule-inputs, Yang et al. 2019 Fig. 7)",
  ),
});

/** Options of the `multitask` strategy. */
export type MultitaskOptions = OptionsOf<typeof MULTITASK_OPTIONS>;

/** Which weights learn when a trained network learns new tasks. */
export type NewTaskWeights = MultitaskOptions['newTaskWeights'];

const RULE_INPUTS_ONLY = {
  inputWeights: true,
  recurrentWeights: false,
  recurrentBias: false,
  outputWeights: false,
  outputBias: false,
} as const;

const NETWORK_FOLDER = 'network';

/** Version of the `multitask` strategy (its models record it). */
const MULTITASK_VERSION = '1.0.0';

class MultitaskModel implements MultiTaskModel {
  readonly strategy = 'multitask';
  readonly hiddenSize: number;
  private network: RnnNetwork | undefined;
  private learned: string[] = [];
  /** Tasks learned through their rule inputs only. */
  private readonly ruleInputTasks: Set<string>;

  constructor(
    private readonly context: StrategyContext,
    readonly options: MultitaskOptions,
    network?: RnnNetwork,
    learned: readonly string[] = [],
    ruleInputTasks: readonly string[] = [],
  ) {
    this.hiddenSize = options.hiddenSize;
    this.network = network;
    this.learned = [...learned];
    this.ruleInputTasks = new Set(ruleInputTasks);
  }

  learnedTasks(): readonly string[] {
    return [...this.learned];
  }

  async learn(
    taskIds: readonly string[],
    budget: LearningBudget,
    options: LearnOptions,
  ): Promise<TaskLearningRecord[]> {
    validateBudget(budget);
    const tasks = lookUpTasks(this.context, taskIds);
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
        `tasks ${taskIds.join(', ')} need ${geometry.inputSize} inputs, ${geometry.outputSize} outputs and a rule block of ${describeRules(geometry.rules)}, but this network has ${this.network.config.inputSize}, ${this.network.config.outputSize} and ${describeRules(this.network.rules ?? [])}: it can only learn tasks its input layout represents (its rule block was composed for the tasks it was built on: ${this.learned.join(', ') || 'none yet'}).`,
        {
          hint: 'build the model for the whole set of tasks at once (list them all in one run or compare, so that their rule block is composed together), or set tasks.options.rules to a block that includes them',
        },
      );
    }
    const network = this.network;
    if (this.options.newTaskWeights === 'rule-inputs' && this.learned.length > 0) {
      return this.learnRuleInputs(network, tasks, budget, options);
    }
    const result = await learnEngineModel({
      model: network.model,
      schedule: taskSchedule({
        tasks,
        batchSize: budget.batchSize,
        seed: options.seed,
        weights: this.options.samplingWeights,
        ...(this.context.taskOptions ? { taskOptions: this.context.taskOptions } : {}),
      }),
      budget,
      evaluation: evaluationSet(this.context, tasks, budget.evalTrials, options.seed),
      seed: options.seed,
      trainableParameters: network.trainableParameters(),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
    });
    for (const id of taskIds) {
      if (!this.learned.includes(id)) this.learned.push(id);
      this.ruleInputTasks.delete(id);
    }
    return result.records;
  }

  /** New tasks on a trained network, training only their rule input columns (see `rule-inputs.ts`). */
  private async learnRuleInputs(
    network: RnnNetwork,
    tasks: readonly Task[],
    budget: LearningBudget,
    options: LearnOptions,
  ): Promise<TaskLearningRecord[]> {
    const known = tasks.filter((task) => this.learned.includes(task.id)).map((task) => task.id);
    if (known.length > 0) {
      throw new InvalidValueError(
        `newTaskWeights 'rule-inputs' learns new tasks only, but ${known.join(', ')} ${known.length === 1 ? 'is' : 'are'} already learned`,
        { hint: "use a model with newTaskWeights 'all' to train them further" },
      );
    }
    const columns = ruleInputColumns(tasks, this.context.taskOptions);
    const learner = this.context.engine.createModel({
      config: network.config,
      parameters: network.model.getParameters(),
      trainable: RULE_INPUTS_ONLY,
      adam: network.adam,
      clipping: network.clipping,
    });
    try {
      const result = await learnEngineModel({
        model: ruleColumnsOnly(learner, columns),
        schedule: taskSchedule({
          tasks,
          batchSize: budget.batchSize,
          seed: options.seed,
          weights: this.options.samplingWeights,
          ...(this.context.taskOptions ? { taskOptions: this.context.taskOptions } : {}),
        }),
        budget,
        evaluation: evaluationSet(this.context, tasks, budget.evalTrials, options.seed),
        seed: options.seed,
        trainableParameters: network.config.hiddenSize * columns.length,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
      });
      if (result.aborted) return result.records;
      network.model.setParameters({ inputWeights: learner.getParameters().inputWeights });
      for (const task of tasks) {
        this.learned.push(task.id);
        this.ruleInputTasks.add(task.id);
      }
      return result.records;
    } finally {
      learner.dispose();
    }
  }

  async evaluate(taskId: string, batch: Batch, options: EvaluationOptions): Promise<TaskEvaluation> {
    if (!this.learned.includes(taskId) || this.network === undefined) {
      throw notLearned(taskId, this.learned);
    }
    return this.network.evaluate(
      taskId,
      batch,
      options,
      taskInputNoiseStd(this.context, this.context.tasks.get(taskId)),
    );
  }

  parameterCount(): ParameterCount {
    const total = this.network?.totalParameters() ?? 0;
    const trainable = this.network?.trainableParameters() ?? 0;
    return {
      total,
      frozenShared: 0,
      trainablePerTask: Object.fromEntries(
        this.learned.map((id) => [id, this.ruleInputTasks.has(id) ? this.hiddenSize : trainable]),
      ),
      bytes: parameterBytes(total),
    };
  }

  async save(dir: string): Promise<void> {
    if (this.network) await this.network.save(join(dir, NETWORK_FOLDER), { strategy: this.strategy });
    await writeStrategyDocument(dir, {
      strategy: this.strategy,
      strategyVersion: MULTITASK_VERSION,
      options: { ...this.options },
      learnedTasks: this.learned,
      state: {
        hasNetwork: this.network !== undefined,
        ruleInputTasks: [...this.ruleInputTasks],
        // The rule block of the network's inputs (recorded; the task options of the context rebuild it).
        rules:
          this.learned.length > 0
            ? [
                ...resolveTaskOptions(this.context.tasks.get(this.learned[0]), {
                  ...this.context.taskOptions,
                  mode: 'random',
                }).rules,
              ]
            : [],
      },
    });
  }

  async dispose(): Promise<void> {
    this.network?.dispose();
    this.network = undefined;
  }
}

/** The `multitask` strategy (Yang et al. 2019). */
export const multitask: Strategy<MultitaskOptions> = Object.freeze({
  id: 'multitask',
  version: MULTITASK_VERSION,
  meta: Object.freeze({
    displayName: 'Multitask RNN (Yang et al. 2019)',
    paper:
      'Yang, Joglekar, Song, Newsome & Wang (2019). Task representations in neural networks trained to perform many cognitive tasks. Nature Neuroscience 22, 297–306',
    link: 'https://doi.org/10.1038/s41593-018-0310-2',
    description:
      'One leaky RNN with rule inputs; every weight is trained on all tasks interleaved (one task per batch, contextdm1/2 drawn 5× more often).',
    schedule: 'interleaved' as const,
  }),
  defaults: MULTITASK_OPTIONS.defaults,
  checkOptions: (options: Partial<MultitaskOptions>) => void MULTITASK_OPTIONS.resolve(options),
  async create(context: StrategyContext, options?: Partial<MultitaskOptions>) {
    return new MultitaskModel(context, MULTITASK_OPTIONS.resolve(options));
  },
  load: (dir: string, context: StrategyContext) => loadMultitask(dir, context),
  generalisationVariants: Object.freeze([
    Object.freeze({
      name: 'rule-inputs',
      description: "Only the new task's rule input weights learn (N parameters); every other weight stays frozen.",
      load: (dir: string, context: StrategyContext) => loadMultitask(dir, context, { newTaskWeights: 'rule-inputs' }),
    }),
  ]),
});

/** Options of a saved multitask model that `loadMultitask` may change: how it learns new tasks. */
export type MultitaskLoadOverrides = Partial<Pick<MultitaskOptions, 'newTaskWeights'>>;

/**
 * Loads a multitask model saved by `save`, optionally changing how it learns new tasks, e.g. a network
 * pre-trained on a corpus then learning a held-out task with `{ newTaskWeights: 'rule-inputs' }`.
 */
export async function loadMultitask(
  dir: string,
  context: StrategyContext,
  overrides: MultitaskLoadOverrides = {},
): Promise<MultiTaskModel> {
  const unknown = Object.keys(overrides).filter((key) => key !== 'newTaskWeights');
  if (unknown.length > 0) {
    throw new InvalidValueError(
      `loadMultitask: option ${unknown.join(', ')} cannot change on load (it defines the saved network)`,
      { hint: 'only newTaskWeights can' },
    );
  }
  const document = await readStrategyDocument(dir, 'multitask');
  const options = MULTITASK_OPTIONS.resolve({ ...(document.options as Partial<MultitaskOptions>), ...overrides });
  const network = document.state.hasNetwork
    ? await RnnNetwork.load(context.engine, join(dir, NETWORK_FOLDER))
    : undefined;
  const ruleInputTasks = Array.isArray(document.state.ruleInputTasks)
    ? (document.state.ruleInputTasks as string[])
    : [];
  const trained = network?.rules ?? (document.state.rules as string[] | undefined);
  if (trained !== undefined && trained.length > 0 && document.learnedTasks.length > 0) {
    try {
      checkRuleBlock(context, document.learnedTasks[0]!, trained, `the multitask model in ${dir}`);
    } catch (error) {
      network?.dispose();
      throw error;
    }
  }
  return new MultitaskModel(context, options, network, document.learnedTasks, ruleInputTasks);
}
