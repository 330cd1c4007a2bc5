/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { expect, it } from 'vitest';
import { browserEntryDifference, nodeImportsOf } from '../../../tools/browser-entry.js';

/** Exports that read or write files or load plugin packages: Node only. */
const NODE_ONLY = [
  'defaultTaskId',
  'discoverTaskPlugins',
  'type DiscoverTaskPluginsOptions',
  'guardPluginTask',
  'type LoadedTaskPlugin',
  'loadPluginSources',
  'MANIFEST_API_VERSIONS',
  'type MolapPluginManifest',
  'openTaskCatalog',
  'PLUGIN_KINDS',
  'type PluginKind',
  'type PluginSource',
  'pluginSources',
  'readNpz',
  'registerDiscovered',
  'type SkippedPackage',
  'TASK_PLUGIN_PREFIX',
  'type TaskCatalogOptions',
  'type TaskPluginDiscovery',
  'writeNpz',
  'writeTaskPlugin',
  'type WriteTaskPluginOptions',
  'type WrittenTaskPlugin',
];

it('exports everything but the Node-only names', () => {
  expect(browserEntryDifference(new URL('../src/', import.meta.url))).toEqual({ nodeOnly: NODE_ONLY, browserOnly: [] });
});

it('reaches no Node built-in', () => {
  expect(nodeImportsOf(new URL('../src/browser.ts', import.meta.url))).toEqual([]);
  // the check can fail: the Node entry does reach them
  expect(nodeImportsOf(new URL('../src/index.ts', import.meta.url))).toContain('npz-file.ts → node:fs/promises');
});
