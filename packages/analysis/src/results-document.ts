/**
 * Checking `results.json` documents, without files (fit for a browser): a document of an older schema
 * version is migrated step by step to the current one; a document of a newer version, or of another format,
 * is refused with a message that says what to do. `results-file.ts` reads and writes the file.
 */
import { checkDocument, type DocumentFormat, isMolapError, MolapError, parseJsonDocument } from '@molap/core';
import { z } from 'zod';
import { robustnessFromCurves, skippedRobustness } from './assemble.js';
import { evaluateClaims } from './claims.js';
import { RESULTS_FORMAT, RESULTS_SCHEMA_VERSION, type Results, resultsSchema } from './schema.js';
import { taskScores } from './scores.js';

/** The JSON Schema of `results.json` (draft 2020-12), generated from the zod schema. */
export const RESULTS_JSON_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze(
  z.toJSONSchema(resultsSchema, { target: 'draft-2020-12' }) as Record<string, unknown>,
);

/** File name of the results document. */
export const RESULTS_JSON = 'results.json';

/** A document of schema version v → the same content in version v + 1. */
export type ResultsMigration = (document: Record<string, unknown>) => Record<string, unknown>;

type Loose = Record<string, unknown>;
interface V1Robustness extends Loose {
  readonly magnitudes: number[];
  readonly skipped?: string;
  readonly perTask: Record<string, Loose & { readonly perSeed: number[][] }>;
}
interface V1Document extends Loose {
  readonly budget: { readonly criterion: number };
  readonly seeds: number[];
  readonly models: Record<string, Loose & { readonly robustness: Record<string, V1Robustness> }>;
}

/**
 * Version 1 → 2: the relative robustness figures, computed from the per-seed curves version 1 already kept
 * (floor: the budget's criterion; the absolute figures are kept as written), and the claims decided again
 * by the version-2 rules (intervals over seeds × tasks) from the per-seed values version 1 kept.
 */
export function migrateResultsV1(document: Record<string, unknown>): Record<string, unknown> {
  const v1 = document as V1Document;
  const floor = v1.budget.criterion;
  const seeds = v1.seeds;
  const models: Loose = {};
  for (const [name, model] of Object.entries(v1.models)) {
    const robustness: Loose = {};
    for (const [id, entry] of Object.entries(model.robustness)) {
      const relative =
        entry.skipped !== undefined
          ? skippedRobustness(entry.magnitudes, entry.skipped)
          : robustnessFromCurves(
              entry.magnitudes,
              Object.fromEntries(Object.entries(entry.perTask).map(([task, value]) => [task, value.perSeed])),
              seeds,
              floor,
            );
      robustness[id] = {
        ...entry,
        relativePerformance: relative.relativePerformance,
        relativeAuc: relative.relativeAuc,
        belowFloor: relative.belowFloor,
        perTask: Object.fromEntries(
          Object.entries(entry.perTask).map(([task, value]) => {
            const { relative: curve, relativeAuc, perSeedRelativeAuc } = relative.perTask[task];
            return [task, { ...value, relative: curve, relativeAuc, perSeedRelativeAuc }];
          }),
        ),
      };
    }
    models[name] = { ...model, robustness };
  }
  const { perturbations, models: _, claims: __, timings, ...rest } = v1;
  const migrated = { ...rest, perturbations, relativeFloor: floor, models, claims: [], timings };
  // Version 1 named MoLaP in its claims too: the subject stays the model it was.
  const subject = (v1.claims as readonly { readonly molap?: string | null }[] | undefined)?.[0]?.molap ?? null;
  return { ...migrated, claims: evaluateClaims({ ...(migrated as object), subject } as never) };
}

/**
 * Version 2 → 3: `scores`, Yang's last-step criterion with the budget's criterion for every task of the
 * corpus and the held-out list. Version 2 recorded no score; it was written before task-owned scores
 * reached results.json, when every built-in task was judged by Yang's criterion. (A version-2 run of a plugin
 * task with its own score, possible only with builds of the few commits in between, is labelled Yang's
 * too: run it again to get its score's name.) Every number is kept.
 */
export function migrateResultsV2(document: Record<string, unknown>): Record<string, unknown> {
  const { corpus, heldOut, budget } = document as {
    readonly corpus: string[];
    readonly heldOut: string[];
    readonly budget: { readonly criterion: number };
  };
  const tasks = [...new Set([...corpus, ...heldOut])].map((id) => ({ id }));
  return { ...document, scores: taskScores(tasks, budget.criterion) };
}

/**
 * Version 3 → 4: `taskVersions`, empty: version 3 did not record which version of each task it measured
 * (the built-in tasks have none anyway; `createdBy` names the release). Every number is kept.
 */
export function migrateResultsV3(document: Record<string, unknown>): Record<string, unknown> {
  const { analysisTrials, ...rest } = document;
  return { ...rest, taskVersions: {}, analysisTrials };
}

/**
 * Version 4 → 5: a perturbation's integer `version` n becomes the semver `'n.0.0'` (every plugin's version is
 * semver now). Every number is kept.
 */
export function migrateResultsV4(document: Record<string, unknown>): Record<string, unknown> {
  const { perturbations } = document as { readonly perturbations: readonly Record<string, unknown>[] };
  return {
    ...document,
    perturbations: perturbations.map((info) =>
      typeof info.version === 'number' ? { ...info, version: `${info.version}.0.0` } : info,
    ),
  };
}

/**
 * Version 5 → 6: a model may hold `stages`, the data of a user's analysis stages; a version-5 run had none.
 * Nothing else changes.
 */
export function migrateResultsV5(document: Record<string, unknown>): Record<string, unknown> {
  return document;
}

/**
 * Version 6 → 7: each corpus task's `performanceAfterLearning`, with its seeds'. Version 6 recorded only the
 * performance when each task had just been learned, as `performance`: both fields get that value (for
 * strategies that learn in sequence, the performance at the end of the corpus was not measured then; run the
 * study again to measure forgetting). Every number is kept.
 */
export function migrateResultsV6(document: Record<string, unknown>): Record<string, unknown> {
  type Entry = Record<string, unknown> & { readonly performance: number; readonly perSeed: Entry[] };
  const withAfterLearning = (entry: Entry) => ({ ...entry, performanceAfterLearning: entry.performance });
  const models = document.models as Record<string, Record<string, unknown> & { perTask: Record<string, Entry> }>;
  return {
    ...document,
    models: Object.fromEntries(
      Object.entries(models).map(([name, model]) => [
        name,
        {
          ...model,
          perTask: Object.fromEntries(
            Object.entries(model.perTask).map(([task, entry]) => [
              task,
              { ...withAfterLearning(entry), perSeed: entry.perSeed.map(withAfterLearning) },
            ]),
          ),
        },
      ]),
    ),
  };
}

/**
 * Migrations by the version they start from; `readResults` reads every older version through them.
 */
export const RESULTS_MIGRATIONS: Readonly<Record<number, ResultsMigration>> = Object.freeze({
  1: migrateResultsV1,
  2: migrateResultsV2,
  3: migrateResultsV3,
  4: migrateResultsV4,
  5: migrateResultsV5,
  6: migrateResultsV6,
});

/**
 * The declaration of `results.json` (its version field is `schemaVersion`): every version from 1 is read,
 * older ones migrated step by step by `RESULTS_MIGRATIONS`.
 */
const RESULTS_DOCUMENT: DocumentFormat = {
  format: RESULTS_FORMAT,
  versionField: 'schemaVersion',
  versions: Array.from({ length: RESULTS_SCHEMA_VERSION }, (_, i) => i + 1),
  what: 'a study’s results (results.json)',
  hint: 'pass the results.json a `molap run` wrote, or run the study again',
  package: '@molap/analysis',
  migrations: RESULTS_MIGRATIONS,
};

/** Details of a `ResultsFileError`. */
export interface ResultsFileErrorDetails {
  /**
   * 'file-format' (not a results document, or invalid: the default), 'file-version' (newer than this
   * package), 'file-read' (the file cannot be read), 'invalid-results' (results about to be written are
   * invalid: a bug of the writer, kind 'failure').
   */
  readonly code?: 'file-format' | 'file-version' | 'file-read' | 'invalid-results';
  /** Every problem found, with its JSON path (default: the one problem). */
  readonly problems?: readonly string[];
  /** What to do about it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * Thrown when a results document cannot be read (wrong format, newer version, schema problems) or written
 * (invalid results): a `MolapError` with its `code`, and every problem found in `problems`.
 */
export class ResultsFileError extends MolapError {
  override readonly name = 'ResultsFileError';
  /** Every problem found, with its JSON path (schema problems), or the single reason. */
  readonly problems: readonly string[];
  constructor(problem: string, details: ResultsFileErrorDetails = {}) {
    const code = details.code ?? 'file-format';
    super(code, problem, {
      kind: code === 'invalid-results' ? 'failure' : 'bad-input',
      ...(details.hint === undefined ? {} : { hint: details.hint }),
      ...(details.cause === undefined ? {} : { cause: details.cause }),
    });
    this.problems = details.problems ?? [problem];
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '$';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return text;
}

/**
 * Problems of a value against the current results schema, each with its JSON path (empty when valid), then
 * tasks without a `scores` entry, then claims that cite models it does not hold (`crossCheckClaims`).
 */
export function validateResults(value: unknown): string[] {
  const parsed = resultsSchema.safeParse(value);
  if (parsed.success) return [...missingScores(parsed.data), ...crossCheckClaims(parsed.data)];
  return parsed.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`);
}

/** Tasks of `corpus` and `heldOut` that do not say how they were scored (no `scores` entry). */
function missingScores(results: Results): string[] {
  const problems: string[] = [];
  for (const task of new Set([...results.corpus, ...results.heldOut])) {
    if (!results.scores[task]) {
      problems.push(`$.scores: task '${task}' has no score entry (every task of corpus and heldOut needs one)`);
    }
  }
  return problems;
}

/**
 * Claims that cite models the document does not hold: each claim's `molap` and every comparison's
 * `baseline` must be a model of `models`, or `<model> (<variant>)` for one of its generalisation variants.
 */
export function crossCheckClaims(results: Results): string[] {
  const problems: string[] = [];
  const names = Object.keys(results.models);
  const held = new Set(names);
  for (const [name, model] of Object.entries(results.models)) {
    for (const variant of Object.keys(model.generalisationVariants)) held.add(`${name} (${variant})`);
  }
  results.claims.forEach((claim, i) => {
    if (claim.molap !== null && !results.models[claim.molap]) {
      problems.push(
        `$.claims[${i}].molap: claim '${claim.id}' is about model '${claim.molap}', which $.models does not hold (it holds ${names.join(', ')})`,
      );
    }
    claim.comparisons.forEach((comparison, j) => {
      if (!held.has(comparison.baseline)) {
        problems.push(
          `$.claims[${i}].comparisons[${j}].baseline: claim '${claim.id}' compares with '${comparison.baseline}', which $.models does not hold (it holds ${names.join(', ')})`,
        );
      }
    });
  });
  return problems;
}

/**
 * A parsed results document in the current schema version: migrated from an older version if needed,
 * then validated.
 * @param source names the document in messages (a path).
 * @throws ResultsFileError when it is not a results document, is newer than this package, or is invalid.
 */
export function migrateResults(document: unknown, source = 'the results document'): Results {
  return validated(
    asResultsError(() => checkDocument<Record<string, unknown>>(document, RESULTS_DOCUMENT, source)),
    source,
  );
}

/** The document `read` returns; the one document check's errors as `ResultsFileError`, with code and hint. */
function asResultsError(read: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return read();
  } catch (error) {
    if (!isMolapError(error) || (error.code !== 'file-format' && error.code !== 'file-version')) throw error;
    throw new ResultsFileError(error.message.split('\n')[0], {
      code: error.code,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
}

/** A document in the current schema version, validated against the results schema. */
function validated(current: Record<string, unknown>, source: string): Results {
  const problems = validateResults(current);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new ResultsFileError(`${source} does not match the results schema: ${shown}${more}`, { problems });
  }
  return current as Results;
}

/**
 * The results document of JSON text (a file's content, a fetched body, a dropped file): parsed, migrated
 * to the current schema version and validated.
 * @param source names the document in messages (a path or a file name).
 * @throws ResultsFileError when it is not JSON, not a results document, newer than this package, or invalid.
 */
export function parseResults(text: string, source = 'the results document'): Results {
  return validated(
    asResultsError(() => parseJsonDocument<Record<string, unknown>>(text, RESULTS_DOCUMENT, source)),
    source,
  );
}
