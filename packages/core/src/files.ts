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
import { type JsonValue, writeFileAtomic } from '@molap/backend';
import { MolapError } from './errors.js';
import { parseJsonText } from './json-text.js';
import { timePhase } from './phases.js';

/** What a document reader checks. */
export interface DocumentFormat {
  /** The `format` field the file must hold, e.g. 'molap-strategy'. */
  readonly format: string;
  /** The `formatVersion` values this reader reads (other versions, older or newer, are refused). */
  readonly versions: readonly number[];
  /** What the file is, for messages, e.g. 'a saved model'. */
  readonly what: string;
  /** How to get a good file, e.g. 'pass the folder a model was saved into with model.save(dir)'. */
  readonly hint: string;
}

/** The document read, with its format fields. */
export type FormattedDocument = { readonly format: string; readonly formatVersion: number } & {
  readonly [key: string]: unknown;
};

/**
 * Reads and checks a JSON document.
 * @throws MolapError 'file-format' (missing, unreadable, not JSON, another format), 'file-version' (a
 *   version this reader does not read: it says whether to upgrade molap or to re-create the file).
 */
export async function readJsonDocument<T extends FormattedDocument = FormattedDocument>(
  path: string,
  expected: DocumentFormat,
): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MolapError(
      'file-format',
      `${path} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}): it should hold ${expected.what}`,
      { hint: expected.hint, cause: error },
    );
  }
  const document = parseJsonText(text, path, expected.hint) as Partial<FormattedDocument> | null;
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new MolapError('file-format', `${path} is not ${expected.what} (it holds no JSON object)`, {
      hint: expected.hint,
    });
  }
  if (document.format !== expected.format) {
    throw new MolapError(
      'file-format',
      `${path} is not ${expected.what} (format ${JSON.stringify(document.format)}, expected "${expected.format}")`,
      { hint: expected.hint },
    );
  }
  const version = document.formatVersion;
  if (!(typeof version === 'number' && expected.versions.includes(version))) {
    const newest = Math.max(...expected.versions);
    const newer = typeof version === 'number' && version > newest;
    throw new MolapError(
      'file-version',
      `${path} has format version ${JSON.stringify(version)}; this version of molap reads ${expected.format} version${expected.versions.length === 1 ? '' : 's'} ${expected.versions.join(', ')}`,
      {
        hint: newer
          ? 'upgrade the molap packages to read it'
          : `re-create it with this version of molap (${expected.hint})`,
      },
    );
  }
  return document as T;
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

const STRATEGY_DOCUMENT: DocumentFormat = {
  format: STRATEGY_FORMAT,
  versions: [2, STRATEGY_FORMAT_VERSION],
  what: 'a saved model (strategy.json)',
  hint: 'pass the folder a model was saved into with model.save(dir)',
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
function migrateStrategyDocumentV2(document: StrategyDocument): StrategyDocument {
  const version: unknown = document.strategyVersion;
  return {
    ...document,
    formatVersion: STRATEGY_FORMAT_VERSION,
    strategyVersion: typeof version === 'number' ? `${version}.0.0` : String(version),
  };
}

/**
 * Reads `strategy.json` of `dir` (format version 2 or 3; a version-2 file is returned as version 3); with `expected`, checks it was written by that strategy.
 * @throws MolapError 'file-format', 'file-version', or 'incompatible' (another strategy's model).
 */
export async function readStrategyDocument(dir: string, expected?: string): Promise<StrategyDocument> {
  const path = join(dir, STRATEGY_JSON);
  const read = await readJsonDocument<StrategyDocument & FormattedDocument>(path, STRATEGY_DOCUMENT);
  const document: StrategyDocument = read.formatVersion === 2 ? migrateStrategyDocumentV2(read) : read;
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
