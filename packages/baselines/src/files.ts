/**
 * The saved-strategy format: a folder with `strategy.json` (format name and version, strategy name,
 * resolved options, learned tasks, the strategy's own state as JSON) next to the strategy's network folders
 * (the backend's model format). Files are written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type JsonValue, writeFileAtomic } from '@molap/backend';

/** Format name of `strategy.json`. */
export const STRATEGY_FORMAT = 'molap-strategy';
/** Version of the format this package writes (and the newest it reads). */
export const STRATEGY_FORMAT_VERSION = 1;
/** File name of the strategy document. */
export const STRATEGY_JSON = 'strategy.json';

/** The document in `strategy.json`. */
export interface StrategyDocument {
  readonly format: typeof STRATEGY_FORMAT;
  readonly formatVersion: number;
  readonly strategy: string;
  readonly options: { readonly [key: string]: JsonValue };
  readonly learnedTasks: readonly string[];
  /** Strategy-specific state (JSON). */
  readonly state: { readonly [key: string]: JsonValue };
}

/** Writes `strategy.json` into `dir` (created if needed). */
export async function writeStrategyDocument(
  dir: string,
  document: Omit<StrategyDocument, 'format' | 'formatVersion'>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const full: StrategyDocument = { format: STRATEGY_FORMAT, formatVersion: STRATEGY_FORMAT_VERSION, ...document };
  await writeFileAtomic(join(dir, STRATEGY_JSON), `${JSON.stringify(full, null, 2)}\n`);
}

/** Reads `strategy.json` of `dir` and checks it was written by strategy `expected`. */
export async function readStrategyDocument(dir: string, expected: string): Promise<StrategyDocument> {
  const path = join(dir, STRATEGY_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `${path} cannot be read (${(error as Error).message}): pass the folder a model was saved into with model.save(dir)`,
    );
  }
  let document: StrategyDocument;
  try {
    document = JSON.parse(text) as StrategyDocument;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message})`);
  }
  if (document?.format !== STRATEGY_FORMAT) {
    throw new Error(`${path} is not a saved strategy (format ${JSON.stringify(document?.format)})`);
  }
  if (!(Number.isInteger(document.formatVersion) && document.formatVersion <= STRATEGY_FORMAT_VERSION)) {
    throw new Error(
      `${path} has format version ${String(document.formatVersion)}; this version of @molap/baselines reads up to ${STRATEGY_FORMAT_VERSION}: upgrade @molap/baselines`,
    );
  }
  if (document.strategy !== expected) {
    throw new Error(
      `${path} holds a '${document.strategy}' model, not '${expected}': load it with the '${document.strategy}' strategy`,
    );
  }
  return document;
}
