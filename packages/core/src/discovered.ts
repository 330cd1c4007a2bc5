/**
 * Strategies, perturbations, latent extractors and analysis stages of installed plugin packages: `discoverTaskPlugins` of
 * @molap/tasks imports them (a package's `molap` field, apiVersion 2); `registerDiscoveredPlugins` checks
 * and registers them in the caller's registries, one error per plugin value that cannot be registered.
 */
import type { TaskPluginDiscovery } from '@molap/tasks';
import { isMolapError, MolapError } from './errors.js';
import type { Plugin, Registry } from './registry.js';

/** The registries to fill, by plugin kind; a kind without a registry is not registered. */
export interface DiscoveredPluginRegistries {
  // biome-ignore lint/suspicious/noExplicitAny: registries of every plugin type.
  readonly strategies?: Registry<any>;
  // biome-ignore lint/suspicious/noExplicitAny: registries of every plugin type.
  readonly perturbations?: Registry<any>;
  // biome-ignore lint/suspicious/noExplicitAny: registries of every plugin type.
  readonly extractors?: Registry<any>;
  // biome-ignore lint/suspicious/noExplicitAny: registries of every plugin type.
  readonly stages?: Registry<any>;
}

/**
 * Registers the strategies, perturbations, extractors and stages of every loaded plugin package (`discovery.loaded`)
 * in `registries`. A value the registry refuses (a malformed plugin, an id already taken) is left out.
 * @returns one MolapError per value left out, naming the plugin package (`name@version`) and with the
 *   registry's code (`invalid-plugin`, `duplicate-id`).
 */
export function registerDiscoveredPlugins(
  discovery: Pick<TaskPluginDiscovery, 'loaded'>,
  registries: DiscoveredPluginRegistries,
): MolapError[] {
  const errors: MolapError[] = [];
  for (const plugin of discovery.loaded) {
    const source = `${plugin.package}@${plugin.version}`;
    for (const kind of ['strategies', 'perturbations', 'extractors', 'stages'] as const) {
      const registry = registries[kind];
      if (registry === undefined) continue;
      for (const value of plugin[kind] ?? []) {
        try {
          registry.register(value as Plugin);
        } catch (error) {
          if (!isMolapError(error)) throw error;
          errors.push(
            new MolapError(error.code, `${error.problem} (from ${source})`, {
              hint: `fix or update ${source}${error.hint ? `; ${error.hint}` : ''}`,
              cause: error,
            }),
          );
        }
      }
    }
  }
  return errors;
}
