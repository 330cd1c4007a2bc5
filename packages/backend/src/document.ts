/**
 * One check for every molap document (model.json, bank.json, strategy.json, run.json, results.json, the
 * comparison table): a JSON object whose `format` field names the document and whose version field
 * (`formatVersion`, or `schemaVersion` in results.json) says which version of that format it holds.
 *
 * `checkDocument` checks those two fields, without files (fit for a web page), and `parseJsonDocument`
 * parses the text first. Each problem is a `ModelFileError` naming the file, the problem and the fix:
 * not JSON, or another document (which one, when it is a molap document) → 'file-format'; a version this
 * reader does not read → 'file-version' (newer: upgrade the package; older: re-create the file).
 * Each reader then checks its document's own fields.
 */
import { MOLAP_ERROR_BRAND } from './errors.js';
import { parseJsonBody } from './json-text.js';

/** A document of version v → the same content in version v + 1. */
export type DocumentMigration = (document: Record<string, unknown>) => Record<string, unknown>;

/** What a document reader reads: the document's declaration. */
export interface DocumentFormat {
  /** The `format` field the file must hold, e.g. 'molap-rnn'. */
  readonly format: string;
  /** The field holding the version (default 'formatVersion'). */
  readonly versionField?: string;
  /** The versions read, oldest first; the last is the version written. */
  readonly versions: readonly number[];
  /** What the file is, for messages, e.g. 'a saved network (model.json)'. */
  readonly what: string;
  /** How to get a good file, e.g. 'pass the folder a network was saved into with saveModel(dir)'. */
  readonly hint: string;
  /** The package to upgrade to read newer versions (default 'molap'), e.g. '@molap/backend'. */
  readonly package?: string;
  /**
   * Migrations by the version they start from: with them, an older document is returned in the last version
   * (each step sets the version field); without them, it is returned as read.
   */
  readonly migrations?: { readonly [from: number]: DocumentMigration };
}

/** Details of a `ModelFileError`. */
export interface FileErrorDetails {
  /** 'file-format' (the default) or 'file-version' (a version this reader does not read). */
  readonly code?: 'file-format' | 'file-version';
  /** What to do about it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * A problem with a molap file (model.json, weights.bin, bank.json, strategy.json, run.json, …): which file
 * and what is wrong (`message`: `<file>: <problem>`, then the hint). A molap error of kind 'bad-input', code
 * 'file-format' or 'file-version'.
 */
export class ModelFileError extends Error {
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code: 'file-format' | 'file-version';
  /** A damaged, foreign or too new file is the caller's to fix (pass another, or upgrade). */
  readonly kind = 'bad-input' as const;
  readonly hint: string | undefined;
  /** Path of the offending file (or folder). */
  readonly file: string;
  /** What is wrong with it (a phrase that follows the file name). */
  readonly problem: string;
  constructor(file: string, problem: string, details: FileErrorDetails = {}) {
    super(
      `${file}: ${problem}${details.hint === undefined ? '' : `\n  hint: ${details.hint}`}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'ModelFileError';
    this.file = file;
    this.problem = problem;
    this.code = details.code ?? 'file-format';
    this.hint = details.hint;
  }
}

/** The molap documents, by their `format` field, to say what a file is when it is not the one expected. */
const MOLAP_DOCUMENTS: Readonly<Record<string, string>> = {
  'molap-rnn': 'a saved network (model.json of @molap/backend)',
  'molap-checkpoints': 'a checkpoint index (latest.json of @molap/backend)',
  'molap-module-bank': 'a module bank (bank.json of @molap/primitives)',
  'molap-strategy': 'a saved model (strategy.json of @molap/core)',
  'molap-comparison': 'a comparison table (of @molap/baselines)',
  'molap-results': 'a study’s results (results.json of @molap/analysis)',
  'molap-run': 'a run record (run.json of @molap/study)',
  'molap-checkpoint-identity': 'the identity of a run’s checkpoints (of @molap/study)',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** 'version 1', 'versions 1 and 2', 'versions 1 to 7'. */
function versionList(versions: readonly number[]): string {
  if (versions.length === 1) return `version ${versions[0]}`;
  const contiguous = versions.every((v, i) => i === 0 || v === versions[i - 1] + 1);
  if (contiguous && versions.length > 2) return `versions ${versions[0]} to ${versions[versions.length - 1]}`;
  return `versions ${versions.slice(0, -1).join(', ')} and ${versions[versions.length - 1]}`;
}

/**
 * Checks the `format` and version fields of a parsed document and migrates an older version when the format
 * declares migrations; the rest of the document is the reader's to check.
 * @param source names the file in messages (a path, a URL or a file name).
 * @throws ModelFileError 'file-format' (not an object, another document, an invalid version field, a failed
 *   migration), 'file-version' (newer than this package reads: upgrade it; older: re-create the file).
 */
export function checkDocument<T = Record<string, unknown>>(value: unknown, format: DocumentFormat, source: string): T {
  const { what, hint } = format;
  const field = format.versionField ?? 'formatVersion';
  if (!isObject(value)) {
    throw new ModelFileError(source, `holds no JSON object, so it is not ${what}`, { hint });
  }
  if (value.format !== format.format) {
    const known = typeof value.format === 'string' ? MOLAP_DOCUMENTS[value.format] : undefined;
    const problem =
      known !== undefined
        ? `is ${known}, not ${what}`
        : value.format === undefined
          ? `is not ${what}: it has no "format" field (expected "${format.format}")`
          : `is not ${what}: its format is ${JSON.stringify(value.format)} (expected "${format.format}")`;
    throw new ModelFileError(source, problem, { hint });
  }
  const version = value[field];
  // 'format version', 'schema version'
  const label = field.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
  if (!(typeof version === 'number' && Number.isInteger(version))) {
    throw new ModelFileError(source, `has an invalid ${field} ${JSON.stringify(version)} (expected an integer)`, {
      hint,
    });
  }
  const { versions } = format;
  const newest = versions[versions.length - 1];
  const reader = format.package ?? 'molap';
  if (version > newest) {
    throw new ModelFileError(
      source,
      `has ${label} ${version}, newer than the ${versionList(versions)} this ${reader} reads (a newer molap wrote it)`,
      {
        code: 'file-version',
        hint:
          format.package === undefined
            ? 'upgrade the molap packages to read it'
            : `upgrade ${format.package} (or the @molap/cli that uses it) to read it`,
      },
    );
  }
  if (!versions.includes(version)) {
    throw new ModelFileError(
      source,
      `has ${label} ${version}, older than the ${versionList(versions)} this ${reader} reads`,
      { code: 'file-version', hint: `re-create it with this version of molap (${hint})` },
    );
  }
  if (format.migrations === undefined) return value as T;
  let current = value;
  for (let from = version; from < newest; from++) {
    const migrate = format.migrations[from];
    if (migrate === undefined) {
      throw new ModelFileError(source, `has ${label} ${from}, which this ${reader} cannot migrate`, {
        code: 'file-version',
        hint: `re-create it with this version of molap (${hint})`,
      });
    }
    try {
      current = { ...migrate(current), [field]: from + 1 };
    } catch (error) {
      throw new ModelFileError(
        source,
        `(${label} ${from}) cannot be migrated to version ${from + 1}: ${(error as Error).message}`,
        { hint: `check that it is a complete file, or ${hint}`, cause: error },
      );
    }
  }
  return current as T;
}

/**
 * Parses JSON text (a leading byte-order mark is ignored) and checks it with `checkDocument`.
 * @throws ModelFileError 'file-format' when the text is not JSON (naming the line and column), or as
 *   `checkDocument`.
 */
export function parseJsonDocument<T = Record<string, unknown>>(
  text: string,
  format: DocumentFormat,
  source: string,
): T {
  const parsed = parseJsonBody(text);
  if (!('value' in parsed)) {
    throw new ModelFileError(source, `is not valid JSON${parsed.where}; the file is corrupt or truncated`, {
      hint: format.hint,
      cause: parsed.error,
    });
  }
  return checkDocument<T>(parsed.value, format, source);
}
