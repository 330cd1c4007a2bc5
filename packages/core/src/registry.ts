/**
 * The one registry of molap's plugins (strategies, perturbations, latent extractors): plain values with an
 * id, a version and metadata, kept in registration order. Created explicitly; nothing registers itself on
 * import. Duplicate ids throw; an unknown id lists the registered ones and suggests the closest. The meta
 * checks, the error codes and their texts are those of the task registry of @molap/tasks (`plugin-shape`
 * there: this package sits above it), so every registry of molap says the same things the same way.
 */
import {
  duplicateIdMessage,
  invalidPluginMessage,
  type PluginMeta,
  pluginMetaProblems,
  SEMVER_PATTERN,
  unknownIdMessage,
} from '@molap/tasks';
import { MolapError } from './errors.js';

/** Ids: lower-kebab, optionally scoped: `multitask`, `random-modules`, `lab/my-strategy`. */
export const PLUGIN_ID_PATTERN = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*\/)?[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What people read about a plugin: the meta every molap plugin shares, tasks included (from @molap/tasks). */
export type { PluginMeta };

/**
 * The shape every plugin shares: `{ id, version, meta, defaults }` plus what its kind adds (`create`,
 * `load`, …).
 */
export interface Plugin {
  /** Unique id in its registry (see `PLUGIN_ID_PATTERN`). */
  readonly id: string;
  /**
   * The plugin's version, semver (`'1.0.0'`), as for tasks. Saved models, banks and results record it: bump the
   * major version when the same seed and options give different results.
   */
  readonly version: string;
  readonly meta: PluginMeta;
  /** Every option with its default value. */
  readonly defaults: object;
}

/** Plugins of one kind by id. */
export interface Registry<P extends Plugin> {
  /** What the registry holds, e.g. 'strategy' (used in messages). */
  readonly kind: string;
  /**
   * Adds a plugin after checking its shape.
   * @throws MolapError 'invalid-plugin' when a field is missing or malformed, 'duplicate-id' when the id is taken.
   * @returns the registry, for chaining.
   */
  register(plugin: P): Registry<P>;
  /** @throws MolapError 'unknown-id', listing the registered ids and the closest one. */
  get(id: string): P;
  has(id: string): boolean;
  /** Registered plugins, in registration order. */
  list(): P[];
  /** Registered ids, in registration order. */
  ids(): string[];
}

/** How a registry checks and describes its plugins. */
export interface RegistryOptions<P extends Plugin> {
  /** Kind of plugin, singular, e.g. 'strategy'. */
  readonly kind: string;
  /** Problems of the kind's own fields (empty when well formed); the shared fields are checked anyway. */
  readonly validate?: (plugin: P) => string[];
  /** What to say after an unknown id, e.g. 'start from createBaselineRegistry()'. */
  readonly hint?: string;
  /** Plugins registered at creation, in order. */
  readonly plugins?: readonly P[];
}

/** Problems of the fields every plugin shares (empty when well formed). */
export function pluginProblems(plugin: Plugin): string[] {
  if (plugin === null || typeof plugin !== 'object') return ['a plugin must be an object'];
  const problems: string[] = [];
  if (typeof plugin.id !== 'string' || !PLUGIN_ID_PATTERN.test(plugin.id)) {
    problems.push(`id must be lower-kebab (optionally scope/name), got ${JSON.stringify(plugin.id)}`);
  }
  if (!(typeof plugin.version === 'string' && SEMVER_PATTERN.test(plugin.version))) {
    problems.push(
      `version must be a semver string 'MAJOR.MINOR.PATCH' (e.g. '1.0.0'), got ${JSON.stringify(plugin.version)}`,
    );
  }
  problems.push(...pluginMetaProblems(plugin.meta));
  if (plugin.defaults === null || typeof plugin.defaults !== 'object') problems.push('defaults must be an object');
  return problems;
}

/** A new registry of one kind of plugin (see the module comment). */
export function createRegistry<P extends Plugin>(options: RegistryOptions<P>): Registry<P> {
  const { kind } = options;
  const entries = new Map<string, P>();
  const registry: Registry<P> = {
    kind,
    register(plugin) {
      const problems = pluginProblems(plugin);
      if (problems.length === 0 && options.validate) problems.push(...options.validate(plugin));
      if (problems.length > 0) {
        const { problem, hint } = invalidPluginMessage(
          kind,
          plugin,
          problems,
          `see the ${kind} interface in the package README`,
        );
        throw new MolapError('invalid-plugin', problem, { hint });
      }
      if (entries.has(plugin.id)) {
        const { problem, hint } = duplicateIdMessage(kind, plugin.id);
        throw new MolapError('duplicate-id', problem, { hint });
      }
      entries.set(plugin.id, plugin);
      return registry;
    },
    get(id) {
      const plugin = entries.get(id);
      if (plugin) return plugin;
      const { problem, hint } = unknownIdMessage(kind, id, [...entries.keys()], options.hint);
      throw new MolapError('unknown-id', problem, { hint });
    },
    has: (id) => entries.has(id),
    list: () => [...entries.values()],
    ids: () => [...entries.keys()],
  };
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  return registry;
}
