/**
 * Where a study looks up the strategies, perturbations, latent extractor and analysis stages its plan names: the built-in
 * ones by default; plugin packages add theirs with `registerDiscoveredPlugins` of @molap/core. One record,
 * taken by `planStudy`, `runStudy`, the standalone steps and the estimates, so the three registries travel
 * together and get their defaults in one place.
 */
import { createBuiltinStageRegistry } from './stages/index.js';
import type { StageRegistry } from './stages/stage.js';
import { createBuiltinStrategyRegistry } from './strategies.js';

/** The registries of a study besides tasks (each default: the built-in ones). */
export interface StudyRegistries {
  /** The strategies the plan's models name: default `createBuiltinStrategyRegistry()`. */
  readonly strategies?: import('@molap/core').StrategyRegistry;
  /** The perturbations of the plan's suite: default `createBuiltinPerturbationRegistry()` of @molap/analysis. */
  readonly perturbations?: import('@molap/analysis').PerturbationRegistry;
  /** The latent extractor of the plan's bank: default `createLatentExtractorRegistry()` of @molap/primitives. */
  readonly extractors?: import('@molap/primitives').ExtractorRegistry;
  /** The analysis stages: default `createBuiltinStageRegistry()` (the built-in ones; `run.stages` names others). */
  readonly stages?: StageRegistry;
}

/** `given` with the built-in registry for each one left out. */
export async function resolveStudyRegistries(given: StudyRegistries = {}): Promise<Required<StudyRegistries>> {
  const [analysis, primitives] = await Promise.all([import('@molap/analysis'), import('@molap/primitives')]);
  return {
    strategies: given.strategies ?? (await createBuiltinStrategyRegistry()),
    perturbations: given.perturbations ?? analysis.createBuiltinPerturbationRegistry(),
    extractors: given.extractors ?? primitives.createLatentExtractorRegistry(),
    stages: given.stages ?? createBuiltinStageRegistry(),
  };
}
