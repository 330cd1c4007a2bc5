/**
 * The registry of latent extractors: extractors by id, created explicitly (`createExtractorRegistry`, or
 * `createLatentExtractorRegistry` with the built-in ones); nothing registers itself on import. Duplicate ids
 * throw; an unknown id lists the registered ones, suggests the closest, and says how to register one.
 */
import { closestName } from '@molap/tasks';
import type { AnyLatentExtractor } from './extractor.js';

/** Extractor ids: lower-kebab, optionally scoped (`lab/my-latents`). */
export const EXTRACTOR_ID_PATTERN = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*\/)?[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What went wrong in a registry call. */
export type ExtractorRegistryErrorCode = 'duplicate-id' | 'unknown-id' | 'invalid-extractor';

/** Error of the extractor registry; `code` says what went wrong, the message says what to do. */
export class ExtractorRegistryError extends Error {
  override readonly name = 'ExtractorRegistryError';
  readonly code: ExtractorRegistryErrorCode;
  constructor(message: string, code: ExtractorRegistryErrorCode) {
    super(message);
    this.code = code;
  }
}

/** Latent extractors by id. */
export interface ExtractorRegistry {
  /** Adds an extractor after checking its shape; returns the registry. @throws ExtractorRegistryError */
  register(extractor: AnyLatentExtractor): ExtractorRegistry;
  /** @throws ExtractorRegistryError `unknown-id`, naming the registered ids and the closest one. */
  get(id: string): AnyLatentExtractor;
  has(id: string): boolean;
  /** Registered ids, in registration order. */
  ids(): string[];
  /** Registered extractors, in registration order. */
  list(): AnyLatentExtractor[];
}

/** Problems with an extractor value (empty when it is well formed). */
export function validateExtractor(extractor: AnyLatentExtractor): string[] {
  if (extractor === null || typeof extractor !== 'object') return ['an extractor must be an object'];
  const problems: string[] = [];
  if (typeof extractor.id !== 'string' || !EXTRACTOR_ID_PATTERN.test(extractor.id)) {
    problems.push(`id must be lower-kebab (optionally scope/name), got ${JSON.stringify(extractor.id)}`);
  }
  if (!(Number.isSafeInteger(extractor.version) && extractor.version >= 1)) {
    problems.push(`version must be an integer >= 1, got ${JSON.stringify(extractor.version)}`);
  }
  const meta = extractor.meta;
  if (meta === null || typeof meta !== 'object') problems.push('meta must be an object');
  else {
    for (const field of ['displayName', 'description'] as const) {
      if (typeof meta[field] !== 'string' || meta[field] === '')
        problems.push(`meta.${field} must be a non-empty string`);
    }
  }
  if (extractor.defaults === null || typeof extractor.defaults !== 'object')
    problems.push('defaults must be an object');
  if (typeof extractor.resolveOptions !== 'function') problems.push('resolveOptions(given) must be a function');
  if (typeof extractor.extract !== 'function') problems.push('extract(input, options) must be a function');
  return problems;
}

/** A new registry, empty or holding `extractors` (registered in order). */
export function createExtractorRegistry(extractors: readonly AnyLatentExtractor[] = []): ExtractorRegistry {
  const entries = new Map<string, AnyLatentExtractor>();
  const registry: ExtractorRegistry = {
    register(extractor) {
      const problems = validateExtractor(extractor);
      if (problems.length > 0) {
        const id = typeof extractor?.id === 'string' ? ` '${extractor.id}'` : '';
        throw new ExtractorRegistryError(`invalid latent extractor${id}: ${problems.join('; ')}`, 'invalid-extractor');
      }
      if (entries.has(extractor.id)) {
        throw new ExtractorRegistryError(
          `duplicate latent extractor id '${extractor.id}': one is already registered; give yours another id (e.g. 'lab/${extractor.id.replace(/^.*\//, '')}')`,
          'duplicate-id',
        );
      }
      entries.set(extractor.id, extractor);
      return registry;
    },
    get(id) {
      const extractor = entries.get(id);
      if (extractor) return extractor;
      const known = [...entries.keys()];
      const suggestion = closestName(String(id), known);
      throw new ExtractorRegistryError(
        `unknown latent extractor '${String(id)}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} ${
          known.length === 0 ? 'The registry is empty.' : `Registered extractors: ${known.join(', ')}.`
        } Register one with registry.register(extractor), or start from createLatentExtractorRegistry().`,
        'unknown-id',
      );
    },
    has: (id) => entries.has(id),
    ids: () => [...entries.keys()],
    list: () => [...entries.values()],
  };
  for (const extractor of extractors) registry.register(extractor);
  return registry;
}
