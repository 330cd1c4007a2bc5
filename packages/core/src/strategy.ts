/**
 * A multi-task learning strategy as a plugin value: id, version, metadata, default options, and functions
 * that create a `MultiTaskModel` or load a saved one. MoLaP, random modules and every baseline are
 * strategies of this one shape; users add their own and compare them with the same harness.
 */
import type { Engine } from '@molap/backend';
import type { TaskOptions, TaskRegistry } from '@molap/tasks';
import { MolapError } from './errors.js';
import type { MultiTaskModel } from './model.js';
import { createRegistry, type PluginMeta, type Registry } from './registry.js';

/**
 * How a strategy spends a `LearningBudget` over a list of tasks:
 * - `independent`: each task separately, with `budget.steps` steps each (MoLaP, independent RNNs);
 * - `sequential`: one task after the other on shared weights, `budget.steps` steps each (psp, ewc);
 * - `interleaved`: all tasks together, `budget.steps` steps for the whole curriculum (multitask).
 */
export type LearningSchedule = 'independent' | 'sequential' | 'interleaved';

/** The schedules, for validation and iteration. */
export const LEARNING_SCHEDULES: readonly LearningSchedule[] = ['independent', 'sequential', 'interleaved'];

/** Descriptive metadata of a strategy. */
export interface StrategyMeta extends PluginMeta {
  readonly schedule: LearningSchedule;
}

/** What a strategy needs from its environment. */
export interface StrategyContext {
  /** The compute engine the strategy's networks run in. */
  readonly engine: Engine;
  /** Where task ids are looked up. */
  readonly tasks: Pick<TaskRegistry, 'get'>;
  /**
   * Task options of the training and evaluation batches, besides `mode` and `batchSize` (which the budget
   * sets). Default: each task's defaults (for the Yang tasks: dt 20 ms, input noise on, 85 inputs).
   */
  readonly taskOptions?: Partial<TaskOptions>;
}

/**
 * What a model is created for: the seed and pre-training corpus of a study, and the inputs the strategy
 * declared (`Strategy.inputs`), produced by other steps (e.g. a pre-trained module bank).
 */
export interface ModelCreation {
  readonly seed: number;
  /** Tasks of the pre-training corpus (all tasks of a study minus the held-out ones). */
  readonly corpus: readonly string[];
  /** One value per declared input, by name. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
}

/** An input a strategy needs to create a model, produced elsewhere (a study runs its producer first). */
export interface StrategyInput {
  /** Name of the input, e.g. 'bank'. */
  readonly name: string;
  /** One sentence: what it is and how to get one. */
  readonly description: string;
}

/** Another way of learning held-out tasks from the model trained on the corpus. */
export interface GeneralisationVariant {
  /** Short name, unique for the strategy, e.g. 'rule-inputs'. */
  readonly name: string;
  /** One sentence: what learns. */
  readonly description: string;
  /** Loads the model saved after the corpus, set up to learn new tasks this way. */
  load(dir: string, context: StrategyContext): Promise<MultiTaskModel>;
}

/** A strategy: a plugin with a factory of models and a loader of saved ones. */
export interface Strategy<Options extends object = object> {
  /** Unique id in a registry (lower-kebab), e.g. 'multitask'. Models report it as their `strategy`. */
  readonly id: string;
  /** The strategy's version, semver (see `Plugin.version`); saved models record it (`strategyVersion`). */
  readonly version: string;
  readonly meta: StrategyMeta;
  /** Every option with its default value. */
  readonly defaults: Readonly<Options>;
  /** Inputs `create` needs in `creation.inputs` (none by default). */
  readonly inputs?: readonly StrategyInput[];
  /**
   * Creates an empty model (no task learned yet); `options` override `defaults` and are validated.
   * `creation` carries the seed, the corpus and the declared inputs (required when `inputs` is not empty).
   */
  create(context: StrategyContext, options?: Partial<Options>, creation?: ModelCreation): Promise<MultiTaskModel>;
  /** Loads a model saved by `MultiTaskModel.save` of this strategy. */
  load(dir: string, context: StrategyContext): Promise<MultiTaskModel>;
  /**
   * Checks options without creating a model (before any work starts); throws the error `create` would.
   * Default: none (a caller then creates a model to check them, when the strategy needs no inputs).
   */
  checkOptions?(options: Partial<Options>): void;
  /** Other ways of learning held-out tasks, reported next to the model's own. */
  readonly generalisationVariants?: readonly GeneralisationVariant[];
}

/** A strategy of any options type, as held by registries. */
// biome-ignore lint/suspicious/noExplicitAny: registries hold strategies of every options type.
export type AnyStrategy = Strategy<any>;

/** Strategies by id. */
export type StrategyRegistry = Registry<AnyStrategy>;

/** Problems of a strategy's own fields (the shared plugin fields are checked by the registry). */
export function strategyProblems(strategy: AnyStrategy): string[] {
  const problems: string[] = [];
  if (!LEARNING_SCHEDULES.includes(strategy.meta?.schedule)) {
    problems.push(
      `meta.schedule must be ${LEARNING_SCHEDULES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(strategy.meta?.schedule)}`,
    );
  }
  if (typeof strategy.create !== 'function') problems.push('create(context, options, creation) must be a function');
  if (typeof strategy.load !== 'function') problems.push('load(dir, context) must be a function');
  if (strategy.checkOptions !== undefined && typeof strategy.checkOptions !== 'function') {
    problems.push('checkOptions(options) must be a function');
  }
  if (strategy.inputs !== undefined) {
    if (!Array.isArray(strategy.inputs)) problems.push('inputs must be a list of { name, description }');
    else {
      for (const input of strategy.inputs) {
        if (typeof input?.name !== 'string' || typeof input.description !== 'string') {
          problems.push('every input needs a name and a description');
        }
      }
    }
  }
  if (strategy.generalisationVariants !== undefined) {
    const names = new Set<string>();
    for (const variant of strategy.generalisationVariants) {
      if (typeof variant?.name !== 'string' || variant.name === '' || names.has(variant.name)) {
        problems.push('generalisation variants need unique, non-empty names');
      }
      names.add(variant?.name);
      if (typeof variant?.load !== 'function') problems.push(`generalisation variant '${variant?.name}' needs load()`);
    }
  }
  return problems;
}

/** A new strategy registry, empty or holding `strategies` (registered in order). */
export function createStrategyRegistry(strategies: readonly AnyStrategy[] = []): StrategyRegistry {
  return createRegistry<AnyStrategy>({
    kind: 'strategy',
    validate: strategyProblems,
    hint: 'start from the built-in strategies of @molap/study (createBuiltinStrategyRegistry)',
    plugins: strategies,
  });
}

/**
 * The declared input `name` of a creation, checked to be present.
 * @throws MolapError 'missing-input' naming the strategy, the input and how to get it.
 */
export function strategyInput<T>(strategy: AnyStrategy, creation: ModelCreation | undefined, name: string): T {
  const value = creation?.inputs?.[name];
  if (value === undefined || value === null) {
    const input = strategy.inputs?.find((entry) => entry.name === name);
    throw new MolapError('missing-input', `strategy '${strategy.id}' needs the input '${name}' to create a model`, {
      hint: input?.description ?? `pass creation.inputs.${name}`,
      kind: 'bad-input',
    });
  }
  return value as T;
}
