/**
 * The registry of latent extractors: the one plugin registry of @molap/core (`createRegistry`) holding
 * extractors by id, created explicitly (`createExtractorRegistry`, or `createLatentExtractorRegistry` with the
 * built-in ones); nothing registers itself on import. Duplicate ids throw; an unknown id lists the
 * registered ones and suggests the closest.
 */
import { createRegistry, type Registry } from '@molap/core';
import type { AnyLatentExtractor } from './extractor.js';

/** Latent extractors by id. */
export type ExtractorRegistry = Registry<AnyLatentExtractor>;

/** Problems of an extractor's own fields (the shared plugin fields are checked by the registry). */
export function validateExtractor(extractor: AnyLatentExtractor): string[] {
  const problems: string[] = [];
  if (typeof extractor.resolveOptions !== 'function') problems.push('resolveOptions(given) must be a function');
  if (typeof extractor.check !== 'function') problems.push('check(input, options) must be a function');
  if (typeof extractor.extract !== 'function') problems.push('extract(input, options) must be a function');
  return problems;
}

/** A new registry, empty or holding `extractors` (registered in order). */
export function createExtractorRegistry(extractors: readonly AnyLatentExtractor[] = []): ExtractorRegistry {
  return createRegistry<AnyLatentExtractor>({
    kind: 'latent extractor',
    validate: validateExtractor,
    hint: 'start from createLatentExtractorRegistry()',
    plugins: extractors,
  });
}
