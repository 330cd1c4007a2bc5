/** results.json: schema, versions, migration and refusal, atomic writing, the shipped JSON Schema. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorKind, isMolapError, type MolapError } from '@molap/core';
import { beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { migrateResults, RESULTS_JSON_SCHEMA, ResultsFileError, validateResults } from '../src/results-document.js';
import { readResults, writeResults } from '../src/results-file.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../src/schema.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/version.js';
import { withTemporaryDir } from './helpers.js';

/** `results` without what version 7 added (each corpus task's `performanceAfterLearning`). */
const asVersion6 = (document: Results) =>
  JSON.parse(
    JSON.stringify(document, (key, value) => (key === 'performanceAfterLearning' ? undefined : value)),
  ) as Results & {
    schemaVersion: number;
  };

/** results.json of a tiny study of every model (c73fb79; `molap run` on test/fixtures of @molap/study). */
let results: Results;
beforeAll(async () => {
  results = JSON.parse(await readFile(new URL('fixtures/tiny-results.json', import.meta.url), 'utf8')) as Results;
});

describe('results.json', () => {
  it('round-trips through writeResults and readResults', async () => {
    await withTemporaryDir(async (dir) => {
      const path = join(dir, 'results.json');
      await writeResults(path, results);
      expect(await readResults(path)).toEqual(results);
      expect(results.createdBy).toEqual({ package: PACKAGE_NAME, version: PACKAGE_VERSION });
      expect(results.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    });
  });

  it('lists schema problems with their JSON paths', () => {
    const copy = structuredClone(results);
    copy.models.independent.perTask.fdgo.performance = 1.5;
    const { corpus: _, ...broken } = { ...copy, extra: true };
    const problems = validateResults(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.models\.independent\.perTask\.fdgo\.performance: /),
        expect.stringMatching(/^\$\.corpus: /),
        expect.stringMatching(/extra/),
      ]),
    );
    expect(() => migrateResults(broken, 'broken.json')).toThrow(/broken.json does not match the results schema/);
  });

  it('refuses newer versions and other formats clearly, and migrates nothing it cannot', async () => {
    const newer = (() => {
      try {
        return migrateResults({ ...results, schemaVersion: RESULTS_SCHEMA_VERSION + 1 }, 'new.json');
      } catch (error) {
        return error as ResultsFileError;
      }
    })() as ResultsFileError;
    expect({ code: newer.code, problem: newer.problem, hint: newer.hint }).toEqual({
      code: 'file-version',
      problem: `new.json: has schema version ${RESULTS_SCHEMA_VERSION + 1}, newer than the versions 1 to ${RESULTS_SCHEMA_VERSION} this @molap/analysis reads (a newer molap wrote it)`,
      hint: 'upgrade @molap/analysis (or the @molap/cli that uses it) to read it',
    });
    expect(() => migrateResults({ ...results, format: 'molap-comparison' }, 'r.json')).toThrow(
      'r.json: is a comparison table (of @molap/baselines), not a study’s results (results.json)',
    );
    expect(() => migrateResults({ ...results, schemaVersion: 0 })).toThrow(
      /schema version 0, older than the versions 1/,
    );
    expect(() => migrateResults([1, 2])).toThrow(/holds no JSON object/);
    await withTemporaryDir(async (dir) => {
      const path = join(dir, 'results.json');
      await writeFile(path, '{ nope');
      await expect(readResults(path)).rejects.toThrow(ResultsFileError);
      await expect(readResults(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read/);
      // molap errors with a code, the caller's to fix (a CLI's exit code 2), whichever build threw them
      const codes = await Promise.all(
        [path, join(dir, 'missing.json')].map((file) => readResults(file).catch((error: MolapError) => error)),
      );
      expect(codes.map((error) => [isMolapError(error), error.code, errorKind(error)])).toEqual([
        [true, 'file-format', 'bad-input'],
        [true, 'file-read', 'bad-input'],
      ]);
      expect(codes[0].message).toMatch(/results\.json: is not valid JSON at line 1, column 3: unexpected 'n'/);
      await writeFile(path, JSON.stringify({ format: 'molap-module-bank', formatVersion: 3, k: 4 }));
      await expect(readResults(path)).rejects.toThrow(
        `${path}: is a module bank (bank.json of @molap/primitives), not a study’s results (results.json)`,
      );
      const newer = (() => {
        try {
          migrateResults({ ...results, schemaVersion: RESULTS_SCHEMA_VERSION + 1 });
        } catch (error) {
          return error as MolapError;
        }
      })();
      expect(newer?.code).toBe('file-version');
      const unwritable = await writeResults(join(dir, 'bad.json'), { ...results, seeds: [] }).catch(
        (error: MolapError) => error,
      );
      expect([unwritable.code, errorKind(unwritable)]).toEqual(['invalid-results', 'failure']);
    });
  });

  it('migrates a version-1 file: relative robustness from its per-seed curves, claims decided again', () => {
    const added = [
      'performanceAfterLearning',
      'relativeFloor',
      'relativePerformance',
      'relativeAuc',
      'belowFloor',
      'relative',
      'perSeedRelativeAuc',
    ];
    const v1 = JSON.parse(JSON.stringify(results, (key, value) => (added.includes(key) ? undefined : value)));
    delete v1.scores; // added by version 3
    delete v1.taskVersions; // added by version 4
    v1.schemaVersion = 1;
    // version-1 claims are replaced; the model they named (`molap`, a required field since version 1) stays the subject
    v1.claims = [{ id: 'efficiency', verdict: 'supported', molap: 'molap', note: 'version-1 claims are replaced' }];
    // the migration gives exactly what the version-2 pipeline wrote for the same run
    expect(migrateResults(v1, 'v1.json')).toEqual(results);
    expect(RESULTS_SCHEMA_VERSION).toBe(7);
    const broken = { ...v1, models: { molap: { robustness: { noise: { magnitudes: [0, 1], perTask: null } } } } };
    expect(() => migrateResults(broken, 'broken.json')).toThrow(
      /broken.json: \(schema version 1\) cannot be migrated to version 2/,
    );
  });

  it("migrates a version-2 file: every task scored by Yang's last-step criterion against the budget's", () => {
    const { scores, taskVersions: _, ...v2 } = asVersion6(results);
    v2.schemaVersion = 2;
    expect(Object.keys(scores)).toEqual([...results.corpus, ...results.heldOut]);
    expect(migrateResults(v2, 'v2.json')).toEqual(results);
    expect(migrateResults(v2).scores.fdgo).toEqual({
      id: 'yang19-last-step',
      criterion: results.budget.criterion,
      description: expect.stringMatching(/^Correct when, at the last step of the trial/),
    });
  });

  it('migrates a version-3 file: no task version recorded', () => {
    const { taskVersions, ...v3 } = asVersion6(results);
    v3.schemaVersion = 3;
    expect(taskVersions).toEqual({});
    expect(migrateResults(v3, 'v3.json')).toEqual(results);
    const withPlugin = { ...results, taskVersions: { 'lab/rsg': '1.2.0' } };
    expect(validateResults(withPlugin)).toEqual([]);
    expect(validateResults({ ...results, taskVersions: { fdgo: '' } })).toEqual([
      expect.stringMatching(/^\$\.taskVersions\.fdgo: /),
    ]);
  });

  it('migrates a version-4 file: integer perturbation versions n become semver n.0.0', () => {
    const v4 = asVersion6(results);
    v4.schemaVersion = 4;
    const perturbations = v4.perturbations.map((info) => ({ ...info, version: 1 }));
    expect(perturbations.length).toBeGreaterThan(0);
    expect(migrateResults({ ...v4, perturbations }, 'v4.json')).toEqual(results);
    expect(results.perturbations.map((info) => info.version)).toEqual(perturbations.map(() => '1.0.0'));
    expect(validateResults({ ...results, perturbations })).toEqual(
      perturbations.map((_, index) =>
        expect.stringMatching(new RegExp(`^\\$\\.perturbations\\[${index}\\]\\.version: `)),
      ),
    );
  });

  it('migrates a version-6 file: the performance it recorded (after learning) stands for both figures', () => {
    const v6 = asVersion6(results);
    v6.schemaVersion = 6;
    expect(migrateResults(v6, 'v6.json')).toEqual(results);
    const entry = migrateResults(v6).models.sequential.perTask.fdgo;
    expect(entry.performanceAfterLearning).toBe(entry.performance);
    expect(entry.perSeed.map((seed) => seed.performanceAfterLearning)).toEqual(entry.perSeed.map((s) => s.performance));
    // version 7 requires the field
    expect(validateResults(v6)).toEqual(expect.arrayContaining([expect.stringMatching(/performanceAfterLearning/)]));
  });

  it('refuses a document that does not say how a task was scored', () => {
    const copy = structuredClone(results);
    delete (copy.scores as Record<string, unknown>).reactgo;
    expect(validateResults(copy)).toEqual([
      "$.scores: task 'reactgo' has no score entry (every task of corpus and heldOut needs one)",
    ]);
    copy.scores.fdgo = { ...copy.scores.fdgo, criterion: 1.5 };
    expect(validateResults(copy)).toEqual([expect.stringMatching(/^\$\.scores\.fdgo\.criterion: /)]);
  });

  it('writeResults refuses invalid results and leaves no partial file', async () => {
    await withTemporaryDir(async (dir) => {
      const path = join(dir, 'results.json');
      await expect(writeResults(path, { ...results, seeds: [] })).rejects.toThrow(/\$\.seeds/);
      await expect(readFile(path)).rejects.toThrow(/ENOENT/);
    });
  });

  it('ships its JSON Schema as results.schema.json (regenerate with npm run schema)', async () => {
    const shipped = JSON.parse(await readFile(new URL('../results.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(RESULTS_JSON_SCHEMA);
    expect(packageJson.files).toContain('results.schema.json');
    expect(packageJson.version).toBe(PACKAGE_VERSION);
  });
});
