/**
 * The comparison table: plain data (JSON), its JSON Schema, a validator that checks a value against
 * that schema (the subset of JSON Schema the schema uses: type, properties, required, additionalProperties
 * (false or a schema), items, enum, const, minimum, maximum), and its reader (`readComparisonTable`: the one
 * document check of molap, then the schema).
 */
import {
  type DocumentFormat,
  type LearningBudget,
  type LearningCurvePoint,
  type LearningSchedule,
  MolapError,
  parseJsonDocument,
  readJsonDocument,
  type TaskScoreEntry,
  taskScoreEntry,
} from '@molap/core';

/** Format name of a comparison table. */
export const COMPARISON_FORMAT = 'molap-comparison';
/** Version of the table format. */
export const COMPARISON_FORMAT_VERSION = 1;

/** The declaration of a comparison table (the file `molap compare --out` writes). */
const COMPARISON_DOCUMENT: DocumentFormat = {
  format: COMPARISON_FORMAT,
  versions: [COMPARISON_FORMAT_VERSION],
  what: 'a comparison table',
  hint: 'pass a table written by `molap compare --out <file>` (or compare() of @molap/baselines)',
  package: '@molap/baselines',
};

/** One strategy of a comparison. */
export interface ComparedStrategy {
  /** Unique label in the table (the strategy name unless given). */
  readonly label: string;
  /** Strategy name. */
  readonly name: string;
  readonly displayName: string;
  readonly schedule: LearningSchedule;
  /** Options given to `create` (the strategy's defaults fill the rest). */
  readonly options: { readonly [key: string]: unknown };
  /** The budget this strategy was given (interleaved: steps × tasks). */
  readonly budget: LearningBudget;
}

/** One (strategy, seed, task) result. */
export interface ComparisonRow {
  readonly strategy: string;
  readonly seed: number;
  readonly taskId: string;
  /** Performance at the end of learning (all tasks learned), in [0, 1], by the task's score (`scores`). */
  readonly performance: number;
  /** Masked squared-error loss at the end. */
  readonly loss: number;
  /** Performance when this task's learning ended (for sequential strategies, before later tasks). */
  readonly performanceAfterLearning: number;
  /** Sequential strategies: performanceAfterLearning − performance; null for the others. */
  readonly forgetting: number | null;
  /** Trials of this task seen when its learning curve first reached its criterion (`scores`); null if never. */
  readonly trialsToCriterion: number | null;
  readonly steps: number;
  readonly trials: number;
  readonly trainableParameters: number;
  readonly parameterUpdates: number;
  readonly curve: readonly LearningCurvePoint[];
}

/** Size of the whole system learned by one (strategy, seed). */
export interface ComparisonRun {
  readonly strategy: string;
  readonly seed: number;
  readonly totalParameters: number;
  readonly frozenSharedParameters: number;
  readonly bytes: number;
}

/** The result of `compare`. */
export interface ComparisonTable {
  readonly format: typeof COMPARISON_FORMAT;
  readonly formatVersion: number;
  readonly tasks: readonly string[];
  readonly seeds: readonly number[];
  /** The per-task budget given to `compare`. */
  readonly budget: LearningBudget;
  /**
   * Per task id, the score that judged its trials and the criterion its trials to criterion count against:
   * Yang's last-step criterion (`yang19-last-step`) with the budget's criterion, unless the task brings its
   * own score. Absent in tables written before it was added, which were all judged by Yang's criterion.
   */
  readonly scores?: { readonly [taskId: string]: TaskScoreEntry };
  readonly strategies: readonly ComparedStrategy[];
  /** Rows in strategy order, then seed order, then task order. */
  readonly rows: readonly ComparisonRow[];
  readonly runs: readonly ComparisonRun[];
}

type Schema = { readonly [key: string]: unknown };

const integer = { type: 'integer', minimum: 0 } as const;
const unit = { type: 'number', minimum: 0, maximum: 1 } as const;
const budgetSchema: Schema = {
  type: 'object',
  required: ['steps', 'batchSize', 'evalEvery', 'evalTrials', 'criterion'],
  additionalProperties: false,
  properties: {
    steps: integer,
    batchSize: { type: 'integer', minimum: 1 },
    evalEvery: integer,
    evalTrials: { type: 'integer', minimum: 1 },
    criterion: unit,
  },
};

/** JSON Schema (draft 2020-12) of `ComparisonTable`. */
export const COMPARISON_TABLE_SCHEMA: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/molap/molap/schemas/comparison-table-1.json',
  title: 'molap comparison table',
  type: 'object',
  required: ['format', 'formatVersion', 'tasks', 'seeds', 'budget', 'strategies', 'rows', 'runs'],
  additionalProperties: false,
  properties: {
    format: { const: COMPARISON_FORMAT },
    formatVersion: { const: COMPARISON_FORMAT_VERSION },
    tasks: { type: 'array', items: { type: 'string' } },
    seeds: { type: 'array', items: { type: 'integer' } },
    budget: budgetSchema,
    scores: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['id', 'criterion', 'description'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          criterion: { type: 'number', minimum: 0, maximum: 1 },
          description: { type: 'string' },
        },
      },
    },
    strategies: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'name', 'displayName', 'schedule', 'options', 'budget'],
        additionalProperties: false,
        properties: {
          label: { type: 'string' },
          name: { type: 'string' },
          displayName: { type: 'string' },
          schedule: { enum: ['independent', 'sequential', 'interleaved'] },
          options: { type: 'object' },
          budget: budgetSchema,
        },
      },
    },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'strategy',
          'seed',
          'taskId',
          'performance',
          'loss',
          'performanceAfterLearning',
          'forgetting',
          'trialsToCriterion',
          'steps',
          'trials',
          'trainableParameters',
          'parameterUpdates',
          'curve',
        ],
        additionalProperties: false,
        properties: {
          strategy: { type: 'string' },
          seed: { type: 'integer' },
          taskId: { type: 'string' },
          performance: unit,
          loss: { type: 'number', minimum: 0 },
          performanceAfterLearning: unit,
          forgetting: { type: ['number', 'null'], minimum: -1, maximum: 1 },
          trialsToCriterion: { type: ['integer', 'null'], minimum: 0 },
          steps: integer,
          trials: integer,
          trainableParameters: integer,
          parameterUpdates: integer,
          curve: {
            type: 'array',
            items: {
              type: 'object',
              required: ['step', 'trials', 'performance', 'loss'],
              additionalProperties: false,
              properties: { step: integer, trials: integer, performance: unit, loss: { type: 'number', minimum: 0 } },
            },
          },
        },
      },
    },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['strategy', 'seed', 'totalParameters', 'frozenSharedParameters', 'bytes'],
        additionalProperties: false,
        properties: {
          strategy: { type: 'string' },
          seed: { type: 'integer' },
          totalParameters: integer,
          frozenSharedParameters: integer,
          bytes: integer,
        },
      },
    },
  },
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Problems of `value` against `schema` (the subset described in the module comment), with JSON paths. */
export function validateAgainstSchema(value: unknown, schema: Schema, path = '$'): string[] {
  const problems: string[] = [];
  if ('const' in schema && value !== schema.const) {
    problems.push(`${path}: must be ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => matchesType(value, type))) {
      problems.push(`${path}: must be of type ${types.join(' or ')}, got ${typeOf(value)}`);
      return problems;
    }
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push(`${path}: must be finite, got ${value}`);
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      problems.push(`${path}: must be >= ${schema.minimum}, got ${value}`);
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      problems.push(`${path}: must be <= ${schema.maximum}, got ${value}`);
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => {
      problems.push(...validateAgainstSchema(item, schema.items as Schema, `${path}[${index}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in record)) problems.push(`${path}: missing property '${key}'`);
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, item] of Object.entries(record)) {
      if (key in properties) problems.push(...validateAgainstSchema(item, properties[key], `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}: unexpected property '${key}'`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...validateAgainstSchema(item, schema.additionalProperties as Schema, `${path}.${key}`));
      }
    }
  }
  return problems;
}

/** Problems of a comparison table (parsed JSON or a `compare` result) against `COMPARISON_TABLE_SCHEMA`. */
export function validateComparisonTable(value: unknown): string[] {
  return validateAgainstSchema(value, COMPARISON_TABLE_SCHEMA);
}

/** A comparison table in a few figures: per strategy label, means over seeds (`summariseComparison`). */
export interface ComparisonSummary {
  /** Strategy labels, in the table's order (the columns). */
  readonly labels: string[];
  /**
   * Per task (in the table's order): mean final performance of each label, over the seeds, and the score that
   * judged it (the table's `scores`; Yang's last-step criterion with the budget's criterion when it has none).
   */
  readonly tasks: { readonly taskId: string; readonly performance: number[]; readonly score: TaskScoreEntry }[];
  /** Mean final performance of each label over every task and seed. */
  readonly performance: number[];
  /** Mean trainable parameters per task of each label. */
  readonly trainableParameters: number[];
}

/** Mean final performance per task and strategy over the seeds, and mean trainable parameters per strategy. */
export function summariseComparison(table: ComparisonTable): ComparisonSummary {
  const labels = table.strategies.map((strategy) => strategy.label);
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const cell = (label: string, taskId: string | undefined, pick: (row: ComparisonRow) => number) =>
    mean(
      table.rows.filter((row) => row.strategy === label && (taskId === undefined || row.taskId === taskId)).map(pick),
    );
  return {
    labels,
    tasks: table.tasks.map((taskId) => ({
      taskId,
      performance: labels.map((label) => cell(label, taskId, (row) => row.performance)),
      score: table.scores?.[taskId] ?? taskScoreEntry({}, table.budget.criterion),
    })),
    performance: labels.map((label) => cell(label, undefined, (row) => row.performance)),
    trainableParameters: labels.map((label) => cell(label, undefined, (row) => row.trainableParameters)),
  };
}

/**
 * The comparison table of JSON text (a file's content, a fetched body), checked: the format and version
 * (the one document check of molap), then `COMPARISON_TABLE_SCHEMA`.
 * @param source names the table in messages (a path or a file name).
 * @throws ModelFileError 'file-format' (not JSON, another document), 'file-version' (a newer table: upgrade
 *   @molap/baselines); MolapError 'file-format' listing the schema problems.
 */
export function parseComparisonTable(text: string, source: string): ComparisonTable {
  return matchingSchema(parseJsonDocument<ComparisonTable>(text, COMPARISON_DOCUMENT, source), source);
}

/** Reads a comparison table file, with the checks of `parseComparisonTable` (an unreadable file: 'file-format'). */
export async function readComparisonTable(path: string): Promise<ComparisonTable> {
  return matchingSchema(await readJsonDocument<ComparisonTable>(path, COMPARISON_DOCUMENT), path);
}

/** `table` if it matches `COMPARISON_TABLE_SCHEMA`; else MolapError 'file-format' listing the problems. */
function matchingSchema(table: ComparisonTable, source: string): ComparisonTable {
  const problems = validateComparisonTable(table);
  if (problems.length === 0) return table;
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  throw new MolapError(
    'file-format',
    `${source} does not match the comparison table schema: ${problems.slice(0, 5).join('; ')}${more}`,
    { hint: COMPARISON_DOCUMENT.hint },
  );
}
