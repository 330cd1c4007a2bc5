/**
 * The one check of molap documents (`checkDocument`, `parseJsonDocument`), and model.json read through it
 * from real files: a good file reads; not JSON, another molap document, an unknown format → 'file-format';
 * a newer or too old version → 'file-version' with what to do.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDocument, type DocumentFormat, ModelFileError, parseJsonDocument } from '../src/document.js';
import { MOLAP_ERROR_BRAND } from '../src/errors.js';
import { loadModel, saveModel } from '../src/model-file.js';
import { randomParameters, smallConfig } from './fixtures.js';

/** The error `run` throws (it must throw). */
function thrown(run: () => unknown): ModelFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('expected an error');
}

const NOTES: DocumentFormat = {
  format: 'molap-notes',
  versions: [2, 3, 4],
  what: 'a notes file (notes.json)',
  hint: 'write it with writeNotes',
  package: '@molap/notes',
  migrations: {
    2: (document) => ({ ...document, title: String(document.title ?? '') }),
    3: (document) => ({ ...document, tags: [] }),
  },
};

describe('checkDocument', () => {
  it('returns a document of the last version as it is, and migrates older ones step by step', () => {
    const current = { format: 'molap-notes', formatVersion: 4, title: 'a', tags: ['x'] };
    expect(checkDocument(current, NOTES, 'notes.json')).toBe(current);
    expect(checkDocument({ format: 'molap-notes', formatVersion: 2, title: 7 }, NOTES, 'notes.json')).toEqual({
      format: 'molap-notes',
      formatVersion: 4,
      title: '7',
      tags: [],
    });
  });

  it('says what another molap document is, and names the format of a foreign one', () => {
    const bank = thrown(() => checkDocument({ format: 'molap-module-bank', formatVersion: 3 }, NOTES, 'x/notes.json'));
    expect(bank.message).toBe(
      'x/notes.json: is a module bank (bank.json of @molap/primitives), not a notes file (notes.json)\n  hint: write it with writeNotes',
    );
    expect(bank.code).toBe('file-format');
    expect(thrown(() => checkDocument({ format: 'keras' }, NOTES, 'n')).problem).toBe(
      'is not a notes file (notes.json): its format is "keras" (expected "molap-notes")',
    );
    expect(thrown(() => checkDocument({ a: 1 }, NOTES, 'n')).problem).toMatch(/it has no "format" field/);
    expect(thrown(() => checkDocument([1], NOTES, 'n')).problem).toBe(
      'holds no JSON object, so it is not a notes file (notes.json)',
    );
    expect(thrown(() => checkDocument({ format: 'molap-notes', formatVersion: '4' }, NOTES, 'n')).problem).toBe(
      'has an invalid formatVersion "4" (expected an integer)',
    );
  });

  it('refuses a newer version (upgrade) and an older unsupported one (re-create), as file-version', () => {
    const newer = thrown(() => checkDocument({ format: 'molap-notes', formatVersion: 5 }, NOTES, 'n'));
    expect({ code: newer.code, kind: newer.kind, problem: newer.problem, hint: newer.hint }).toEqual({
      code: 'file-version',
      kind: 'bad-input',
      problem: 'has format version 5, newer than the versions 2 to 4 this @molap/notes reads (a newer molap wrote it)',
      hint: 'upgrade @molap/notes (or the @molap/cli that uses it) to read it',
    });
    expect(newer[MOLAP_ERROR_BRAND]).toBe(true);
    const { package: _, ...undeclared } = NOTES;
    const anyPackage = thrown(() => checkDocument({ format: 'molap-notes', formatVersion: 5 }, undeclared, 'n'));
    expect([anyPackage.problem, anyPackage.hint]).toEqual([
      'has format version 5, newer than the versions 2 to 4 this molap reads (a newer molap wrote it)',
      'upgrade the molap packages to read it',
    ]);
    const older = thrown(() => checkDocument({ format: 'molap-notes', formatVersion: 1 }, NOTES, 'n'));
    expect({ code: older.code, problem: older.problem, hint: older.hint }).toEqual({
      code: 'file-version',
      problem: 'has format version 1, older than the versions 2 to 4 this @molap/notes reads',
      hint: 're-create it with this version of molap (write it with writeNotes)',
    });
  });

  it('reads the version from the declared field, and reports a failed migration as file-format', () => {
    const results: DocumentFormat = { ...NOTES, versionField: 'schemaVersion', migrations: { 2: () => ({}) } };
    const newer = thrown(() => checkDocument({ format: 'molap-notes', schemaVersion: 9 }, results, 'n'));
    expect(newer.problem).toMatch(/^has schema version 9, newer/);
    const broken: DocumentFormat = {
      ...NOTES,
      migrations: {
        2: () => {
          throw new Error('no title');
        },
      },
    };
    const failed = thrown(() => checkDocument({ format: 'molap-notes', formatVersion: 2 }, broken, 'n'));
    expect({ code: failed.code, problem: failed.problem }).toEqual({
      code: 'file-format',
      problem: '(format version 2) cannot be migrated to version 3: no title',
    });
  });

  it('parseJsonDocument names the line and column of a syntax error', () => {
    const error = thrown(() => parseJsonDocument('{\n  "format": [1,]\n}', NOTES, 'dir/notes.json'));
    expect(error.message).toBe(
      "dir/notes.json: is not valid JSON at line 2, column 16: unexpected ']'; the file is corrupt or truncated\n  hint: write it with writeNotes",
    );
  });
});

describe('model.json, read from files through the one check', () => {
  let root: string;
  let dir: string;
  const json = () => join(dir, 'model.json');
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'molap-document-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const fresh = async (name: string) => {
    dir = join(root, name);
    const config = smallConfig({});
    await saveModel(dir, { config, parameters: randomParameters(config, 1) });
  };
  const loadError = async () => {
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  };

  it('a valid file reads', async () => {
    await fresh('valid');
    const loaded = await loadModel(dir);
    expect(loaded.formatVersion).toBe(1);
    expect(loaded.weightsSha256).toBe(JSON.parse(await readFile(json(), 'utf8')).weights.sha256);
  });
  it('not JSON → file-format naming the file', async () => {
    await fresh('not-json');
    await writeFile(json(), 'weights: yes\n');
    const error = await loadError();
    expect({ code: error.code, file: error.file }).toEqual({ code: 'file-format', file: json() });
    expect(error.problem).toMatch(/^is not valid JSON at line 1, column 1: unexpected 'w'/);
  });
  it('a bank.json where model.json is expected → says it is a module bank', async () => {
    await fresh('bank');
    await writeFile(json(), JSON.stringify({ format: 'molap-module-bank', formatVersion: 3, k: 2 }));
    const error = await loadError();
    expect(error.code).toBe('file-format');
    expect(error.problem).toBe('is a module bank (bank.json of @molap/primitives), not a saved network (model.json)');
  });
  it('a newer version → file-version: upgrade @molap/backend', async () => {
    await fresh('newer');
    const document = JSON.parse(await readFile(json(), 'utf8'));
    await writeFile(json(), JSON.stringify({ ...document, formatVersion: 2 }));
    const error = await loadError();
    expect({ code: error.code, hint: error.hint }).toEqual({
      code: 'file-version',
      hint: 'upgrade @molap/backend (or the @molap/cli that uses it) to read it',
    });
  });
});
