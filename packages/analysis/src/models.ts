/**
 * The models an analysis runs: how to create one for a seed and a pre-training corpus, how to load a saved
 * one, and the extra ways it can learn held-out tasks. `strategyModel` makes one from any strategy of
 * @molap/core (MoLaP, random modules, a baseline or a user's); the strategy's declared inputs (e.g. a
 * module bank) come from `inputs`.
 */
import type {
  AnyStrategy,
  LearningSchedule,
  ModelCreation,
  MultiTaskModel,
  StrategyContext,
  GeneralisationVariant as StrategyVariant,
} from '@molap/core';

/** Another way of learning held-out tasks from the trained (pre-trained) model. */
export interface GeneralisationVariant {
  /** Short name, unique for the model, e.g. 'rule-inputs'. */
  readonly name: string;
  /** One sentence: what learns. */
  readonly description: string;
  /** Loads the model saved after the corpus, set up to learn new tasks this way. */
  load(dir: string): Promise<MultiTaskModel>;
}

export type { ModelCreation };

/** A model of an analysis. */
export interface AnalysisModel {
  /** Unique name in results.json, e.g. 'multitask'. */
  readonly name: string;
  /** Strategy id of the models it makes ('molap' marks the model the claims are about). */
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
  /** Name in results.json; default the strategy id. */
  readonly name?: string;
  /** Options passed to `strategy.create`. */
  readonly options?: { readonly [key: string]: unknown };
  /**
   * The strategy's declared inputs for a creation (seed and corpus), e.g. `{ bank }` for MoLaP; required
   * when the strategy declares inputs.
   */
  inputs?(creation: ModelCreation): Promise<Readonly<Record<string, unknown>>>;
}

/** An analysis model from a strategy in a context (engine, tasks), with the strategy's own variants. */
export function strategyModel(
  strategy: AnyStrategy,
  context: StrategyContext,
  options: StrategyModelOptions = {},
): AnalysisModel {
  const variants = (strategy.generalisationVariants ?? []).map(
    (variant: StrategyVariant): GeneralisationVariant => ({
      name: variant.name,
      description: variant.description,
      load: (dir) => variant.load(dir, context),
    }),
  );
  return {
    name: options.name ?? strategy.id,
    strategy: strategy.id,
    displayName: strategy.meta.displayName,
    schedule: strategy.meta.schedule,
    async create(creation) {
      const inputs = options.inputs ? await options.inputs(creation) : (creation.inputs ?? {});
      return strategy.create(context, options.options, { ...creation, inputs });
    },
    load: (dir) => strategy.load(dir, context),
    ...(variants.length > 0 ? { generalisationVariants: variants } : {}),
  };
}
