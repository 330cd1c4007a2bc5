import { MOLAP_ERROR_BRAND } from './errors.js';
import { REGISTRY_ERROR_CODES } from './plugin-shape.js';

/** What went wrong, as a stable code a CLI or a test can switch on. */
export type TaskRegistryErrorCode =
  /** A task with the same id is already registered. */
  | 'duplicate-id'
  /** `get`/`source` of an id nobody registered. */
  | 'unknown-id'
  /** A task value does not satisfy the `Task` contract (the code of every molap registry, `RegistryErrorCode`). */
  | 'invalid-plugin'
  /** A plugin's package.json `molap` field is missing parts or malformed. */
  | 'invalid-manifest'
  /** A plugin implements another task API version. */
  | 'api-version'
  /** The module named by `molap.tasks` does not exist. */
  | 'missing-file'
  /** Importing the plugin's module threw. */
  | 'import-failed'
  /** The plugin's module has no `tasks` array export. */
  | 'bad-export'
  /** A package named explicitly could not be found or is not a plugin. */
  | 'not-found'
  /** The host project cannot be read (no package.json, unreadable JSON). */
  | 'bad-project'
  /** A plugin's task threw while building its layout or generating trials (`guardPluginTask`). */
  | 'task-failed'
  /** A plugin task whose generated batches break the task contract (`checkTaskConformance` at discovery). */
  | 'nonconforming-task'
  /** A key of a plugin's `molap` field that molap does not read (a warning; `--strict` fails on it). */
  | 'manifest-key';

/** Context of a `TaskRegistryError`. */
export interface TaskRegistryErrorDetails {
  readonly code: TaskRegistryErrorCode;
  /** Who supplied the offending task or plugin, e.g. `molap-task-foo@1.2.0` (as given to `register`). */
  readonly source?: string;
  /** What to do about it. */
  readonly hint?: string;
  /** The task id concerned, if any. */
  readonly taskId?: string;
  /** The underlying error (an import failure, a JSON parse error). */
  readonly cause?: unknown;
}

/**
 * The error of the task registry and of plugin discovery. `message` holds the problem on its first line,
 * then `  source: …` and `  hint: …` lines when known, so printing it is enough; the same parts are also
 * available as fields.
 */
export class TaskRegistryError extends Error {
  override readonly name = 'TaskRegistryError';
  readonly [MOLAP_ERROR_BRAND] = true as const;
  readonly code: TaskRegistryErrorCode;
  /**
   * The registry's codes (`invalid-plugin`, `duplicate-id`, `unknown-id`) are the caller's to fix, as in every
   * molap registry; a plugin that cannot be loaded or a broken project is a failure.
   */
  readonly kind: 'bad-input' | 'failure';
  /** The problem alone, without the source and hint lines. */
  readonly problem: string;
  readonly source: string | undefined;
  readonly hint: string | undefined;
  readonly taskId: string | undefined;

  constructor(problem: string, details: TaskRegistryErrorDetails) {
    const lines = [problem];
    if (details.source !== undefined) lines.push(`  source: ${details.source}`);
    if (details.hint !== undefined) lines.push(`  hint: ${details.hint}`);
    super(lines.join('\n'), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.kind = (REGISTRY_ERROR_CODES as readonly string[]).includes(details.code) ? 'bad-input' : 'failure';
    this.problem = problem;
    this.source = details.source;
    this.hint = details.hint;
    this.taskId = details.taskId;
  }
}
