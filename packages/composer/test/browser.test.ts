/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { expect, it } from 'vitest';
import { browserEntryDifference, nodeImportsOf } from '../../../tools/browser-entry.js';

/** Exports of the MoLaP model (learning with checkpoint folders, saving, loading) and the strategies built on it: Node only. */
const NODE_ONLY = [
  'createMolap',
  'loadMolap',
  'MODULAR_TAG',
  'molap',
  'MOLAP_BANK_FOLDER',
  'MOLAP_META',
  'MOLAP_STRATEGIES',
  'MOLAP_TASKS_FOLDER',
  'type MolapContext',
  'MolapModel',
  'PRETRAINED_BANK_INPUT',
  'RANDOM_BANK_INPUT',
  'randomModules',
];

it('exports everything but the Node-only names', () => {
  expect(browserEntryDifference(new URL('../src/', import.meta.url))).toEqual({ nodeOnly: NODE_ONLY, browserOnly: [] });
});

it('reaches no Node built-in', () => {
  expect(nodeImportsOf(new URL('../src/browser.ts', import.meta.url))).toEqual([]);
});
