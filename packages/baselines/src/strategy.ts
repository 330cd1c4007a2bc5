/**
 * A multi-task learning strategy as a plain value: metadata, default options, and functions that create a
 * `MultiTaskModel` or load a saved one. Strategies live in a `StrategyRegistry`; users add their own and
 * compare them with the same harness (`compare`).
 */
import type { Engine } from '@molap/backend';
import type { MultiTaskModel } from '@molap/composer';
import type { TaskOptions, TaskRegistry } from '@molap/tasks';

/**
 * How a strategy spends a `LearningBudget` over a list of tasks:
 * - `independent`: each task separately, with `budget.steps` steps each (MoLaP, independent RNNs);
 * - `sequential`: one task after the other on shared weights, `budget.steps` steps each (psp, ewc);
 * - `interleaved`: all tasks together, `budget.steps` steps for the whole curriculum (multitask).
 */
export type LearningSchedule = 'independent' | 'sequential' | 'interleaved';

/** Descriptive metadata of a strategy. */
export interface StrategyMeta {
  /** Name people use, e.g. 'Multitask RNN (Yang et al. 2019)'. */
  readonly displayName: string;
  /** Paper the strategy comes from. */
  readonly paper: string;
  readonly link: string;
  /** One or two sentences. */
  readonly description: string;
  readonly schedule: LearningSchedule;
}

/** What a strategy needs from its environment. */
export interface StrategyContext {
  /** The compute engine the strategy's networks run in. */
  readonly engine: Engine;
  /** Where task ids are looked up. */
  readonly tasks: TaskRegistry;
  /**
   * Task options of the training and evaluation batches, besides `mode` and `batchSize` (which the budget
   * sets). Default: each task's defaults (for the Yang tasks: dt 20 ms, input noise on, 85 inputs).
   */
  readonly taskOptions?: Partial<TaskOptions>;
}

/** A strategy: a value with a name, metadata, defaults and a factory. */
export interface Strategy<Options extends object = object> {
  /** Unique name in a registry (lower-kebab), e.g. 'multitask'. */
  readonly name: string;
  readonly meta: StrategyMeta;
  /** Every option with its default value. */
  readonly defaults: Readonly<Options>;
  /** Creates an empty model (no task learned yet); `options` override `defaults` and are validated. */
  create(context: StrategyContext, options?: Partial<Options>): Promise<MultiTaskModel>;
  /** Loads a model saved by `MultiTaskModel.save` of this strategy. */
  load(dir: string, context: StrategyContext): Promise<MultiTaskModel>;
}

/** A strategy of any options type, as held by registries. */
// biome-ignore lint/suspicious/noExplicitAny: registries hold strategies of every options type.
export type AnyStrategy = Strategy<any>;
