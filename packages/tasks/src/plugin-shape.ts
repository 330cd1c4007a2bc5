/**
 * What every molap registry shares: tasks (`createTaskRegistry`, here) and strategies, perturbations and
 * latent extractors (`createRegistry` of @molap/core, which sits above this package and imports these). A
 * plugin is `{ id, version, meta: { displayName, description, paper?, link?, tags? }, defaults, … }`; its
 * registry refuses it with `invalid-plugin`, a taken id with `duplicate-id`, and answers an unknown id with
 * `unknown-id`, the closest registered id and the registered ones. One text for each, whatever the kind.
 */
import { closestName } from './closest-name.js';
import { describeValue } from './errors.js';

/** The error codes of every molap registry: a malformed plugin, a taken id, an id nobody registered. */
export const REGISTRY_ERROR_CODES = ['invalid-plugin', 'duplicate-id', 'unknown-id'] as const;
/** One of `REGISTRY_ERROR_CODES`; errors with these codes are the caller's to fix ('bad-input'). */
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];

/**
 * A semantic version (semver.org 2.0.0): `MAJOR.MINOR.PATCH`, each a number without leading zeros, then an
 * optional `-prerelease` and `+build` of dot-separated `[0-9A-Za-z-]` parts: `1.0.0`, `0.3.1-beta.2`.
 */
export const SEMVER_PATTERN =
  /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** What people read about a plugin (a task, a strategy, a perturbation, a latent extractor). */
export interface PluginMeta {
  /** Name people use, e.g. 'Dly Anti' or 'Multitask RNN (Yang et al. 2019)'. */
  readonly displayName: string;
  /** One or two sentences. */
  readonly description: string;
  /** The paper it comes from, as a citation, e.g. 'Yang et al. 2019, Nature Neuroscience'. */
  readonly paper?: string;
  /** Where to read that paper (a URL). */
  readonly link?: string;
  /** Keywords, e.g. 'working memory'; registries of tasks list them by tag. */
  readonly tags?: readonly string[];
}

/** Options of `pluginMetaProblems`. */
export interface PluginMetaRules {
  /** Whether `meta.tags` must be given (default false: every registry of molap takes them as optional). */
  readonly tagsRequired?: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Problems of a plugin's `meta` (empty when well formed): `displayName` and `description` non-empty
 * strings; `paper` (a citation) and `link` (where to read it) strings when given; `tags` an array of
 * non-empty strings when given (or always, with `tagsRequired`).
 */
export function pluginMetaProblems(meta: unknown, rules: PluginMetaRules = {}): string[] {
  const shape = `{ displayName, description, paper?, link?, tags${rules.tagsRequired ? '' : '?'} }`;
  if (!isRecord(meta)) return [`meta must be an object ${shape}, got ${describeValue(meta)}`];
  const problems: string[] = [];
  for (const field of ['displayName', 'description'] as const) {
    const text = meta[field];
    if (typeof text !== 'string') problems.push(`meta.${field} must be a string, got ${describeValue(text)}`);
    else if (text.trim() === '') problems.push(`meta.${field} must not be empty`);
  }
  const optional = { paper: "a citation, e.g. 'Yang et al. 2019, Nature Neuroscience'", link: 'a URL' } as const;
  for (const [field, what] of Object.entries(optional)) {
    if (meta[field] !== undefined && typeof meta[field] !== 'string') {
      problems.push(`meta.${field} must be a string (${what}) or left out, got ${describeValue(meta[field])}`);
    }
  }
  const { tags } = meta;
  const tagsWellFormed =
    tags === undefined
      ? rules.tagsRequired !== true
      : Array.isArray(tags) && tags.every((tag) => typeof tag === 'string' && tag !== '');
  if (!tagsWellFormed) problems.push('meta.tags must be an array of non-empty strings');
  return problems;
}

/** What a registry error says: the problem (one line) and what to do about it. */
export interface RegistryMessage {
  readonly problem: string;
  readonly hint: string;
}

/**
 * The `invalid-plugin` text: `invalid task 'acme/x': problem; problem`.
 * @param kind what the registry holds, singular ('task', 'strategy').
 * @param plugin the refused value (its id is named when it has a string one).
 * @param problems every problem found, each a short sentence naming the field.
 * @param hint where the kind's contract is described.
 */
export function invalidPluginMessage(
  kind: string,
  plugin: unknown,
  problems: readonly string[],
  hint: string,
): RegistryMessage {
  const id = isRecord(plugin) && typeof plugin.id === 'string' ? ` '${plugin.id}'` : '';
  return { problem: `invalid ${kind}${id}: ${problems.join('; ')}`, hint };
}

/**
 * The `duplicate-id` text: `duplicate task id 'x': already registered by molap-task-y@1.0.0`.
 * @param registeredBy who registered the id first, when the registry knows it.
 */
export function duplicateIdMessage(kind: string, id: string, registeredBy?: string): RegistryMessage {
  return {
    problem: `duplicate ${kind} id '${id}': ${registeredBy === undefined ? 'one is already registered' : `already registered by ${registeredBy}`}`,
    hint: `ids are unique in a registry: give yours another (scoped) id, e.g. 'lab/${id.replace(/^.*\//, '')}', or leave one of the two out`,
  };
}

/**
 * The `unknown-id` text: `unknown task 'fdgp'. Did you mean 'fdgo'? Known task ids: fdgo, dm1.` (the closest
 * id by `closestName`, when one is close).
 * @param known the registered ids, in registration order.
 * @param orElse another way to get a plugin of this kind, after `registry.register(…)`.
 */
export function unknownIdMessage(
  kind: string,
  id: unknown,
  known: readonly string[],
  orElse?: string,
): RegistryMessage {
  const guess = typeof id === 'string' ? closestName(id, known) : undefined;
  return {
    problem:
      `unknown ${kind} '${String(id)}'.` +
      (guess === undefined ? '' : ` Did you mean '${guess}'?`) +
      (known.length === 0 ? ' The registry is empty.' : ` Known ${kind} ids: ${known.join(', ')}.`),
    hint: `register one with registry.register(…)${orElse === undefined ? '' : `, or ${orElse}`}`,
  };
}
