import { describeValue as describe } from './errors.js';
import { pluginMetaProblems, SEMVER_PATTERN } from './plugin-shape.js';
import { TASK_API_VERSION, type Task } from './task.js';

/** One lower-kebab segment: `go`, `dm1`, `ready-set-go`. */
const KEBAB = '[a-z0-9]+(?:-[a-z0-9]+)*';
/** A task id: bare lower-kebab (`fdgo`) or `scope/name` with both parts lower-kebab (`neurogym/go-no-go`). */
export const TASK_ID_PATTERN = new RegExp(`^${KEBAB}(?:/${KEBAB})?$`);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that a value has the shape of a `Task` (what can be checked without generating a batch: id
 * format, API version, functions, version, metadata (`pluginMetaProblems`, tags required), periods).
 * Generated batches are checked by `checkTaskConformance`.
 * @returns the problems found, each a short sentence naming the field; empty when the task is valid.
 */
export function validateTask(value: unknown): string[] {
  if (!isRecord(value)) return [`a task must be an object, got ${describe(value)}`];
  const problems: string[] = [];
  const { id, apiVersion, meta, periods, defaults } = value;
  if (typeof id !== 'string') {
    problems.push(`id must be a string, got ${describe(id)}`);
  } else if (!TASK_ID_PATTERN.test(id)) {
    problems.push(
      `id '${id}' must be lower-kebab ('my-task') or 'scope/name' with both parts lower-kebab ('acme/my-task')`,
    );
  }
  if (apiVersion !== TASK_API_VERSION) {
    problems.push(`apiVersion is ${describe(apiVersion)}, expected ${TASK_API_VERSION} (TASK_API_VERSION)`);
  }
  for (const method of ['generate', 'layout'] as const) {
    if (typeof value[method] !== 'function')
      problems.push(`${method} must be a function, got ${describe(value[method])}`);
  }
  if (value.version !== undefined && !(typeof value.version === 'string' && SEMVER_PATTERN.test(value.version))) {
    problems.push(
      `version must be a semver string 'MAJOR.MINOR.PATCH' (e.g. '1.0.0') or left out, got ${describe(value.version)}`,
    );
  }
  problems.push(...pluginMetaProblems(meta));
  if (!Array.isArray(periods) || periods.length === 0) {
    problems.push('periods must be a non-empty array of period names in temporal order');
  } else {
    if (periods.some((name) => typeof name !== 'string' || name === '')) {
      problems.push('periods must hold non-empty strings');
    }
    const repeated = periods.filter((name, index) => periods.indexOf(name) !== index);
    if (repeated.length > 0) problems.push(`periods repeat ${[...new Set(repeated)].join(', ')}`);
  }
  if (value.rule !== undefined && (typeof value.rule !== 'string' || value.rule === '')) {
    problems.push(`rule must be a non-empty string (the task's rule identity), got ${describe(value.rule)}`);
  }
  const score = value.score;
  if (score !== undefined) {
    if (!isRecord(score) || typeof score.id !== 'string' || score.id === '' || typeof score.score !== 'function') {
      problems.push('score must be a TaskScore { id, description, criterion?, score(outputs, batch) }');
    } else if (
      score.criterion !== undefined &&
      !(typeof score.criterion === 'number' && score.criterion > 0 && score.criterion <= 1)
    ) {
      problems.push(`score.criterion must be a number in (0, 1], got ${describe(score.criterion)}`);
    }
  }
  if (defaults !== undefined && !isRecord(defaults)) {
    problems.push(`defaults must be an object of TaskOptions fields, got ${describe(defaults)}`);
  }
  return problems;
}

/** Narrows after `validateTask` returned no problems. */
export function isTask(value: unknown): value is Task {
  return validateTask(value).length === 0;
}
