/**
 * What a study needs to know of a strategy, read from what the strategy declares (its schedule, tags, inputs
 * and generalisation variants), never from its id. A plugin strategy that declares the same things is
 * planned, costed, displayed and analysed exactly like the built-in one it resembles.
 */
import { MODULAR_TAG, PRETRAINED_BANK_INPUT, RANDOM_BANK_INPUT } from '@molap/composer';
import type { AnyStrategy, LearningSchedule, StrategyRegistry } from '@molap/core';

/** The inputs a study makes for a strategy (`Strategy.inputs`): the pre-trained bank and a random one. */
export const STUDY_INPUTS: readonly string[] = Object.freeze([PRETRAINED_BANK_INPUT, RANDOM_BANK_INPUT]);

/** A strategy's traits, as a study uses them. */
export interface StrategyTraits {
  /** How it spends a budget over tasks (`meta.schedule`). */
  readonly schedule: LearningSchedule;
  /**
   * Its networks are made of modules (tag `MODULAR_TAG` of @molap/composer): k modules of the bank's module
   * size, options under `run.molap`, perturbations of modules apply.
   */
  readonly modular: boolean;
  /**
   * It takes the pre-trained module bank (input `PRETRAINED_BANK_INPUT`): the bank's pre-training runs before
   * its training, and the paper's claims are about the first model that takes it
   * (`firstPretrainedModel`).
   */
  readonly pretrained: boolean;
  /** It takes inputs made by other jobs (a bank, pre-trained or random): it cannot teach a bank. */
  readonly takesInputs: boolean;
  /** Names of its other ways of learning held-out tasks (`generalisationVariants`), besides its own. */
  readonly generalisationWays: readonly string[];
}

/** The traits of `strategy`. */
export function strategyTraits(strategy: AnyStrategy): StrategyTraits {
  const inputs = strategy.inputs ?? [];
  return {
    schedule: strategy.meta.schedule,
    modular: strategy.meta.tags?.includes(MODULAR_TAG) ?? false,
    pretrained: inputs.some((input) => input.name === PRETRAINED_BANK_INPUT),
    takesInputs: inputs.length > 0,
    generalisationWays: (strategy.generalisationVariants ?? []).map((variant) => variant.name),
  };
}

/** The traits of every strategy of `strategies`, by strategy id. */
export function traitsById(strategies: StrategyRegistry): Map<string, StrategyTraits> {
  return new Map(strategies.list().map((strategy) => [strategy.id, strategyTraits(strategy)]));
}

/** A model of a plan: its name and its strategy's id. */
interface NamedModel {
  readonly name: string;
  readonly strategy: string;
}

/**
 * The first model whose strategy takes the pre-trained module bank (MoLaP, or a plugin variant of it), or
 * null when the plan has none. The paper's claims are about this model, and the bank's pre-training is
 * costed and shown under it.
 */
export function firstPretrainedModel(
  models: readonly NamedModel[],
  traits: ReadonlyMap<string, StrategyTraits>,
): string | null {
  return models.find((model) => traits.get(model.strategy)?.pretrained)?.name ?? null;
}

/**
 * The model that teaches a bank by default: the first model whose strategy learns every corpus task together
 * (schedule 'interleaved') from scratch (no inputs), e.g. multitask; null when the plan has none.
 */
export function defaultTeacher(models: readonly NamedModel[], strategies: StrategyRegistry): string | null {
  return (
    models.find((model) => {
      const traits = strategyTraits(strategies.get(model.strategy));
      return traits.schedule === 'interleaved' && !traits.takesInputs;
    })?.name ?? null
  );
}
