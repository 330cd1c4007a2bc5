/**
 * The public surface of @molap/cli, pinned: adding, removing or renaming an export must change this list
 * too, so every change of the API is a deliberate one.
 */
import { expect, it } from 'vitest';
import { exportList, valueExports } from '../../../tools/export-list.js';

const EXPORTS = [
  'type BudgetConfig',
  'main',
  'type MolapConfig',
  'type MolapConfigFile',
  'type RunConfig',
  'type RunPresetName',
  'type StrategySpecConfig',
];

it('exports exactly its public surface', async () => {
  expect(exportList(new URL('../src/index.ts', import.meta.url))).toEqual(EXPORTS);
  expect(Object.keys(await import('../src/index.js')).sort()).toEqual(valueExports(EXPORTS));
});
