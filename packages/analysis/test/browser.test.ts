/**
 * The browser entry (`src/browser.ts`, export condition `browser`): the exports of `index.ts` minus the
 * Node-only ones pinned here, and no Node built-in reached from it.
 */
import { expect, it } from 'vitest';
import { browserEntryDifference, nodeImportsOf } from '../../../tools/browser-entry.js';

/** Exports that read or write results.json and report.html files: Node only. */
const NODE_ONLY = ['readResults', 'writeReport', 'writeResults'];

it('exports everything but the Node-only names', () => {
  expect(browserEntryDifference(new URL('../src/', import.meta.url))).toEqual({ nodeOnly: NODE_ONLY, browserOnly: [] });
});

it('reaches no Node built-in', () => {
  expect(nodeImportsOf(new URL('../src/browser.ts', import.meta.url))).toEqual([]);
});
