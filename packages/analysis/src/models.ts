/**
 * The models an analysis runs: how to create one for a seed and a pre-training corpus, how to load a saved
 * one, and the extra ways it can learn held-out tasks. `strategyModel` makes one from a baseline strategy;
 * MoLaP (whose modules are pre-trained on the corpus) is described the same way by its caller.
 */
import { type AnyStrategy, type LearningSchedule, loadMultitask, type StrategyContext } from '@molap/baselines';
import {
  createMolap,
  loadMolap,
  MOLAP_META,
  type MolapContext,
  type MolapOptions,
  type MultiTaskModel,
} from '@molap/composer';

/** Another way of learning held-out tasks from the trained (pre-trained) model. */
export interface GeneralisationVariant {
  /** Short name, unique for the model, e.g. 'rule-inputs'. */
  readonly name: string;
  /** One sentence: what learns. */
  readonly description: string;
  /** Loads the model saved after the corpus, set up to learn new tasks this way. */
  load(dir: string): Promise<MultiTaskModel>;
}

/** What `create` gets. */
export interface ModelCreation {
  readonly seed: number;
  /** Tasks of the pre-training corpus (all tasks minus the held-out ones). */
  readonly corpus: readonly string[];
  readonly signal?: AbortSignal;
}

/** A model of an analysis. */
export interface AnalysisModel {
  /** Unique name in results.json, e.g. 'multitask'. */
  readonly name: string;
  /** Strategy name of the models it makes ('molap' marks the model the claims are about). */
  readonly strategy: string;
  /** Name in the report, e.g. 'Multitask RNN (Yang et al. 2019)'. */
  readonly displayName: string;
  /** How `learn` spends a budget over several tasks; interleaved models get steps × tasks. */
  readonly schedule: LearningSchedule;
  /** An empty model for a seed, ready to learn the corpus (MoLaP: modules pre-trained on the corpus only). */
  create(creation: ModelCreation): Promise<MultiTaskModel>;
  /** Loads a model saved with `MultiTaskModel.save`; it learns held-out tasks with the model's own mechanism. */
  load(dir: string): Promise<MultiTaskModel>;
  /** Other ways of learning the held-out tasks, reported next to the model's own. */
  readonly generalisationVariants?: readonly GeneralisationVariant[];
}

/** Options of `strategyModel`. */
export interface StrategyModelOptions {
  /** Name in results.json; default the strategy name. */
  readonly name?: string;
  /** Options passed to `strategy.create`. */
  readonly options?: { readonly [key: string]: unknown };
  readonly generalisationVariants?: readonly GeneralisationVariant[];
}

/** An analysis model from a baseline strategy (`@molap/baselines`) in a context (engine, tasks). */
export function strategyModel(
  strategy: AnyStrategy,
  context: StrategyContext,
  options: StrategyModelOptions = {},
): AnalysisModel {
  return {
    name: options.name ?? strategy.name,
    strategy: strategy.name,
    displayName: strategy.meta.displayName,
    schedule: strategy.meta.schedule,
    create: () => strategy.create(context, options.options),
    load: (dir) => strategy.load(dir, context),
    ...(options.generalisationVariants ? { generalisationVariants: options.generalisationVariants } : {}),
  };
}

/**
 * The multitask network learning a held-out task through its rule input weights only (Yang et al. 2019,
 * Fig. 7): `loadMultitask(dir, context, { newTaskWeights: 'rule-inputs' })`.
 */
export function ruleInputsVariant(context: StrategyContext): GeneralisationVariant {
  return {
    name: 'rule-inputs',
    description: "Only the new task's rule input weights learn (N parameters); every other weight stays frozen.",
    load: (dir) => loadMultitask(dir, context, { newTaskWeights: 'rule-inputs' }),
  };
}

/** A module bank, as `createMolap` takes it (`@molap/primitives`). */
export type MolapBank = Parameters<typeof createMolap>[0];

/** Options of `molapModel`. */
export interface MolapModelOptions {
  /** Name in results.json; default the strategy ('molap' or 'random-modules'). */
  readonly name?: string;
  /** 'molap' (default) for a pre-trained bank, 'random-modules' for a random one (the ablation). */
  readonly strategy?: 'molap' | 'random-modules';
  readonly context: MolapContext;
  /**
   * The module bank of a seed, built from the pre-training corpus only (held-out tasks excluded), e.g.
   * `buildModuleBank({ tasks: corpus.map((id) => registry.get(id)), seed, ... })` or
   * `createRandomModuleBank({ layout, seed, ... })`; or loaded from where an earlier run saved it.
   */
  bank(creation: ModelCreation): Promise<MolapBank>;
  /** MoLaP options (which per-task weights learn, …). */
  readonly options?: Partial<MolapOptions>;
}

/**
 * An analysis model of MoLaP (or of random-modules): frozen modules from `bank`, per-task weights learned on
 * top; held-out tasks are learned the same way (their own weights only).
 */
export function molapModel(options: MolapModelOptions): AnalysisModel {
  const strategy = options.strategy ?? 'molap';
  return {
    name: options.name ?? strategy,
    strategy,
    displayName: strategy === 'molap' ? MOLAP_META.displayName : 'Random modules (MoLaP without pre-training)',
    schedule: MOLAP_META.schedule,
    async create(creation) {
      const model = createMolap(await options.bank(creation), options.context, options.options);
      if (model.strategy !== strategy) {
        await model.dispose();
        throw new RangeError(
          `molapModel '${options.name ?? strategy}' expects a ${strategy === 'molap' ? 'pre-trained' : 'random'} module bank, but bank() returned a ${model.strategy === 'molap' ? 'pre-trained' : 'random'} one`,
        );
      }
      return model;
    },
    load: (dir) => loadMolap(dir, options.context),
  };
}
