/**
 * The file layer of molap's documents: JSON files with a `format` name and a `formatVersion`, read with
 * one reader that names the file in every error and says what to do, and written atomically (temporary
 * file, then rename), so a reader never sees half a file.
 *
 * And the saved-model document every strategy writes: `strategy.json` (format name and version, strategy
 * id, resolved options, learned tasks, the strategy's own state as JSON) next to the strategy's network
 * folders (the backend's model format).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type DocumentFormat,
  type JsonValue,
  ModelFileError,
  parseJsonDocument,
  writeFileAtomic,
} from '@molap/backend';
import { MolapError } from './errors.js';
import { timePhase } from './phases.js';

/** The document read, with its format fields. */
export type FormattedDocument = { readonly format: string; readonly formatVersion: number } & {
  readonly [key: string]: unknown;
};

/**
 * Reads a JSON document and checks it with `checkDocument` of @molap/backend (format, version, migrations).
 * @throws ModelFileError 'file-format' (missing, unreadable, not JSON, another document), 'file-version' (a
 *   version this reader does not read: it says whether to upgrade molap or to re-create the file).
 */
export async function readJsonDocument<T = FormattedDocument>(path: string, expected: DocumentFormat): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      path,
      `cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}): it should hold ${expected.what}`,
      { hint: expected.hint, cause: error },
    );
  }
  return parseJsonDocument<T>(text, expected, path);
}

/** Writes a JSON document atomically (parent folders created), pretty-printed with a final newline. */
export function writeJsonDocument(path: string, document: JsonValue | object): Promise<void> {
  return timePhase('files', async () => {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, `${JSON.stringify(document, null, 2)}\n`);
  });
}

/** Format name of `strategy.json`. */
export const STRATEGY_FORMAT = 'molap-strategy';
/**
 * Version of the format this package writes. It reads this one and version 2, whose `strategyVersion` was an
 * integer `n` (read as `'n.0.0'`).
 */
export const STRATEGY_FORMAT_VERSION = 3;
/** File name of the strategy document. */
export const STRATEGY_JSON = 'strategy.json';

/** The document in `strategy.json`. */
export interface StrategyDocument {
  readonly format: typeof STRATEGY_FORMAT;
  readonly formatVersion: number;
  /** Id of the strategy that saved the model (`Strategy.id`). */
  readonly strategy: string;
  /** Version of that strategy (`Strategy.version`, semver). */
  readonly strategyVersion: string;
  readonly options: { readonly [key: string]: JsonValue };
  readonly learnedTasks: readonly string[];
  /** Strategy-specific state (JSON). */
  readonly state: { readonly [key: string]: JsonValue };
}

/** The declaration of `strategy.json`: versions 2 and 3, a version-2 file migrated. */
const STRATEGY_DOCUMENT: DocumentFormat = {
  format: STRATEGY_FORMAT,
  versions: [2, STRATEGY_FORMAT_VERSION],
  what: 'a saved model (strategy.json)',
  hint: 'pass the folder a model was saved into with model.save(dir)',
  package: '@molap/core',
  migrations: { 2: migrateStrategyDocumentV2 },
};

/** Writes `strategy.json` into `dir` (created if needed). */
export async function writeStrategyDocument(
  dir: string,
  document: Omit<StrategyDocument, 'format' | 'formatVersion'>,
): Promise<void> {
  const full: StrategyDocument = { format: STRATEGY_FORMAT, formatVersion: STRATEGY_FORMAT_VERSION, ...document };
  await writeJsonDocument(join(dir, STRATEGY_JSON), full);
}

/** A version-2 document as version 3: its integer `strategyVersion` n becomes the semver `'n.0.0'`. */
function migrateStrategyDocumentV2(document: Record<string, unknown>): Record<string, unknown> {
  const version = document.strategyVersion;
  return { ...document, strategyVersion: typeof version === 'number' ? `${version}.0.0` : String(version) };
}

/**
 * Reads `strategy.json` of `dir` (format version 2 or 3; a version-2 file is returned as version 3); with `expected`, checks it was written by that strategy.
 * @throws MolapError 'file-format', 'file-version', or 'incompatible' (another strategy's model).
 */
export async function readStrategyDocument(dir: string, expected?: string): Promise<StrategyDocument> {
  const path = join(dir, STRATEGY_JSON);
  const document = await readJsonDocument<StrategyDocument>(path, STRATEGY_DOCUMENT);
  if (typeof document.strategy !== 'string' || document.strategy === '') {
    throw new MolapError('file-format', `${path} names no strategy`, { hint: STRATEGY_DOCUMENT.hint });
  }
  if (expected !== undefined && document.strategy !== expected) {
    throw new MolapError('incompatible', `${path} holds a '${document.strategy}' model, not '${expected}'`, {
      hint: `load it with the '${document.strategy}' strategy (or loadSavedModel)`,
    });
  }
  return document;
}
