/**
 * Loading a saved model without knowing its strategy: a MoLaP system (`molap.json`, MoLaP or random modules)
 * loads with `loadMolap` of @molap/composer, a strategy folder (`strategy.json`) with the strategy it names.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMolap, MOLAP_JSON, type MultiTaskModel } from '@molap/composer';
import { createBaselineRegistry } from './builtins.js';
import { STRATEGY_JSON } from './files.js';
import type { StrategyRegistry } from './registry.js';
import type { StrategyContext } from './strategy.js';

/** Options of `loadSavedModel`. */
export interface LoadSavedModelOptions {
  /** Where the strategy named in `strategy.json` is looked up; default the built-in strategies. */
  readonly registry?: StrategyRegistry;
}

const readText = (path: string) =>
  readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });

/**
 * Loads the model saved in `dir` by `MultiTaskModel.save` of any strategy.
 * @throws Error when `dir` holds neither file, or the strategy is not in the registry
 *   (`StrategyRegistryError`), or the files are damaged (the loader's error).
 */
export async function loadSavedModel(
  dir: string,
  context: StrategyContext,
  options: LoadSavedModelOptions = {},
): Promise<MultiTaskModel> {
  if ((await readText(join(dir, MOLAP_JSON))) !== undefined) return loadMolap(dir, context);
  const text = await readText(join(dir, STRATEGY_JSON));
  if (text === undefined) {
    throw new Error(
      `${dir} holds no saved model (neither ${MOLAP_JSON} nor ${STRATEGY_JSON}): pass a folder a model was saved into with model.save(dir)`,
    );
  }
  let strategy: unknown;
  try {
    strategy = (JSON.parse(text) as { strategy?: unknown }).strategy;
  } catch (error) {
    throw new Error(`${join(dir, STRATEGY_JSON)} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof strategy !== 'string') throw new Error(`${join(dir, STRATEGY_JSON)} names no strategy`);
  return (options.registry ?? createBaselineRegistry()).get(strategy).load(dir, context);
}
