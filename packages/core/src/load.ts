/**
 * Loading a saved model without knowing its strategy: every strategy saves `strategy.json` (see
 * `files.ts`) naming itself, and the strategy of that name in a registry loads the folder.
 */

import { readStrategyDocument } from './files.js';
import type { MultiTaskModel } from './model.js';
import type { StrategyContext, StrategyRegistry } from './strategy.js';

/**
 * Loads the model saved in `dir` by `MultiTaskModel.save` of any strategy of `registry`.
 * @throws MolapError 'file-format' / 'file-version' when `strategy.json` is missing, damaged or of another
 *   version; 'unknown-id' when the strategy it names is not in the registry; the loader's error when the
 *   strategy's own files are damaged.
 */
export async function loadSavedModel(
  dir: string,
  context: StrategyContext,
  registry: StrategyRegistry,
): Promise<MultiTaskModel> {
  const document = await readStrategyDocument(dir);
  return registry.get(document.strategy).load(dir, context);
}
