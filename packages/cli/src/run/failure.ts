/** A failure or an interruption of `molap run` (or of a verb that works on one piece of a run), with how to continue. */
import { errorKind, isMolapError } from '@molap/core';
import { DIVERGED_CODE } from '@molap/study';
import type { CliIo } from '../command.js';
import { CommandError, UsageError } from '../errors.js';
import type { Progress } from '../progress.js';

/** File-system error codes and what they mean for the user. */
const FILE_SYSTEM_PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error',
};

/**
 * The error of a study that stopped on `error`, with the command that continues it (`resume`) in its hint;
 * a diverged training keeps its own hint and a refused option value says to start a new run (resuming keeps
 * the recorded config, so it would repeat either). A molap error keeps its kind: bad input
 * found while the study ran (a value a library refused, a plugin the run needs that is not installed) is a
 * usage error (exit 2), anything else a failure (exit 1).
 */
export function studyFailure(error: unknown, resume: string): CommandError {
  if (error instanceof CommandError) return error;
  if (isMolapError(error) && error.code === DIVERGED_CODE) {
    // --resume would repeat it: the run folder keeps the options that diverged, so the hint is the error's own.
    return new CommandError(error.problem, { ...(error.hint ? { hint: error.hint } : {}), cause: error });
  }
  if (isMolapError(error)) {
    // A plugin's failure names its package (`source`, a field of the task registry's errors: recognised by the
    // brand and the field, not the class, so the CommonJS build's errors are too). Its own hint first (what
    // to fix), then how to continue.
    const source = (error as { source?: unknown }).source;
    const Failure = errorKind(error) === 'bad-input' ? UsageError : CommandError;
    // A refused option value comes from the config the run folder recorded: resuming would meet it again.
    const next =
      error.code === 'invalid-option'
        ? `the run folder keeps the config it started with, so \`${resume}\` would meet this again: fix the value in molap.config.json or the flags and start a new run`
        : `the run folder keeps every finished stage: after fixing the cause, continue with \`${resume}\``;
    return new Failure(`${error.problem}${typeof source === 'string' ? ` (${source})` : ''}`, {
      hint: `${error.hint ? `${error.hint}; ` : ''}${next}`,
      cause: error,
    });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  const problem = code ? FILE_SYSTEM_PROBLEMS[code] : undefined;
  return new CommandError(problem ? `${problem} while writing the run (${text})` : text, {
    hint: `${problem ? 'free some space or fix the folder, then continue' : 'the run folder keeps every finished stage: after fixing the cause, continue'} with \`${resume}\``,
    cause: error,
  });
}

/**
 * The result of `work`, or undefined when `signal` stopped it (then `stopped` is printed: how to continue).
 * A failure ends `progress` ('stopped' when interrupted) and is rethrown through `describe` when given.
 */
export async function unlessStopped<T>(
  work: Promise<T>,
  how: {
    readonly progress: Progress;
    readonly signal: AbortSignal;
    readonly io: CliIo;
    readonly stopped: string;
    readonly describe?: (error: unknown) => unknown;
  },
): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    how.progress.end('failed', how.signal.aborted ? 'stopped' : undefined);
    if (!how.signal.aborted) throw how.describe ? how.describe(error) : error;
    how.io.stderr(how.stopped);
    return undefined;
  }
}

/** What an interrupted `molap pretrain` or `molap learn` prints: the same command resumes. */
export const resumeVerb = (out: string) =>
  `molap: interrupted; run the same command again to resume from the checkpoints in ${out}\n`;
