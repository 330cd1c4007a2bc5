/**
 * The run folder of `molap run`: everything a run writes, so that an interrupted or crashed run resumes
 * where it stopped (`molap run --resume <dir>`).
 *
 *   run.json              format, molap version, creation time, preset, seeds, the config and the plan
 *   run.lock              the process working in the folder (removed at the end; a dead process's lock is taken over)
 *   state/jobs/<job id>/  each job of the study (`studyJobs`): its output.json once done, its files (a
 *                         module bank, a saved model) and its checkpoints while it runs (`JobStore`)
 *   results.json          the results (written at the end)
 *   example-trials.json   example trials of the report (`molap report` re-renders from these two files)
 *   report.html           the report
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkDocument, type DocumentFormat, isMolapError, MolapError, parseJsonText } from '@molap/core';
import type { MolapConfig } from './config.js';
import type { StudyPlan } from './plan.js';
import { PACKAGE_VERSION } from './version.js';

/** Format name in run.json. */
export const RUN_FORMAT = 'molap-run';
/** Version of the run-folder layout this molap writes and reads. */
export const RUN_FORMAT_VERSION = 2;
export const RUN_JSON = 'run.json';
export const RUN_LOCK = 'run.lock';
export const EXAMPLE_TRIALS_JSON = 'example-trials.json';

const RESUME_HINT =
  'pass the folder `molap run` printed when it started, e.g. --resume molap-runs/20251126-142501-quick';

/** The declaration of run.json: only this version is read (a run resumes with the molap that started it). */
const RUN_DOCUMENT: DocumentFormat = {
  format: RUN_FORMAT,
  versions: [RUN_FORMAT_VERSION],
  what: 'a run record (run.json)',
  hint: RESUME_HINT,
  package: '@molap/study',
};

/** The document in run.json. */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly formatVersion: number;
  /** Version of molap (@molap/study; the molap packages version together) that started the run. */
  readonly molapVersion: string;
  /** ISO time the run started. */
  readonly createdAt: string;
  readonly preset: string;
  readonly seeds: readonly number[];
  /** The config the run started with (file < preset < flags). */
  readonly config: MolapConfig;
  /** What the run does; a resumed run follows it. */
  readonly plan: StudyPlan;
  /** Engine the run started on (`native` or `tfjs`); a resume on another one is refused unless explicit. */
  readonly engine?: string;
}

/** Folders inside a run folder. */
export const runPaths = (dir: string) => ({
  record: join(dir, RUN_JSON),
  lock: join(dir, RUN_LOCK),
  state: join(dir, 'state'),
  exampleTrials: join(dir, EXAMPLE_TRIALS_JSON),
});

const pad = (value: number) => String(value).padStart(2, '0');

/** `20251126-142501` in local time. */
export function timestamp(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(
    date.getMinutes(),
  )}${pad(date.getSeconds())}`;
}

const message = (error: unknown) => (error instanceof Error ? error.message.split('\n', 1)[0] : String(error));
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * Creates a new run folder `<parent>/<timestamp>-<preset>` (`-2`, `-3`, … when it exists) and writes run.json.
 * @throws MolapError 'run-folder' (a failure) when the folder cannot be created or written, with the fix.
 */
export async function createRunFolder(parent: string, record: RunRecord, now: Date): Promise<string> {
  const base = join(resolve(parent), `${timestamp(now)}-${record.preset.replace(/[^\w.-]+/g, '_')}`);
  try {
    await mkdir(parent, { recursive: true });
    let dir = base;
    for (let attempt = 2; ; attempt++) {
      try {
        await mkdir(dir);
        break;
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
        dir = `${base}-${attempt}`;
      }
    }
    const { writeFileAtomic } = await import('@molap/backend');
    await writeFileAtomic(runPaths(dir).record, `${JSON.stringify(record, null, 2)}\n`);
    return dir;
  } catch (error) {
    throw new MolapError('run-folder', `cannot create a run folder in ${parent}: ${message(error)}`, {
      hint: 'choose a folder you can write to with --out <dir> (or run.out in molap.config.json)',
      cause: error,
    });
  }
}

/**
 * Reads and checks run.json of a run folder to resume.
 * @param shown the folder as messages name it (as the user typed it).
 * @throws MolapError 'usage' when `dir` is not a run folder; ModelFileError 'file-format' (a damaged run.json,
 *   another document) or 'file-version' (another format version: the hint names the molap that started
 *   it); 'incompatible' when another molap version started it.
 */
export async function readRunRecord(dir: string, shown = dir): Promise<RunRecord> {
  const paths = runPaths(dir);
  let text: string;
  try {
    text = await readFile(paths.record, 'utf8');
  } catch (error) {
    const missing = codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR';
    throw new MolapError(
      'usage',
      missing
        ? `${shown} is not a run folder (it has no ${RUN_JSON})`
        : `cannot read ${paths.record}: ${message(error)}`,
      { hint: RESUME_HINT },
    );
  }
  const parsed = parseJsonText(text, paths.record, 'the run folder is damaged: start a new run') as Partial<RunRecord>;
  let record: Partial<RunRecord>;
  try {
    record = checkDocument<Partial<RunRecord>>(parsed, RUN_DOCUMENT, paths.record);
  } catch (error) {
    const startedBy = (parsed as { molapVersion?: unknown } | null)?.molapVersion;
    if (!isMolapError(error) || error.code !== 'file-version' || typeof startedBy !== 'string') throw error;
    throw new MolapError('file-version', `${error.message.split('\n')[0]}; molap ${startedBy} started it`, {
      hint: `resume it with molap ${startedBy} (npx @molap/cli@${startedBy} run --resume ${shown}), or start a new run`,
      cause: error,
    });
  }
  if (record.plan === undefined) {
    throw new MolapError('file-format', `${paths.record} holds no plan: it is not a complete run record`, {
      hint: 'the run folder is damaged: start a new run',
    });
  }
  if (record.molapVersion !== PACKAGE_VERSION) {
    throw new MolapError(
      'incompatible',
      `${shown} was started by molap ${record.molapVersion}; this is molap ${PACKAGE_VERSION}, whose results may differ, so it cannot resume it`,
      {
        hint: `resume it with molap ${record.molapVersion} (npx @molap/cli@${record.molapVersion} run --resume ${shown}), or start a new run`,
      },
    );
  }
  return record as RunRecord;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
};

/**
 * Marks the folder as worked in by this process; a lock left by a process that no longer runs (killed,
 * crashed) is taken over. Returns the release function.
 * @throws MolapError 'run-folder' when another running process holds the folder.
 */
export async function lockRunFolder(dir: string): Promise<() => Promise<void>> {
  const { lock } = runPaths(dir);
  const mine = `${process.pid}\n`;
  for (;;) {
    try {
      await writeFile(lock, mine, { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') {
        throw new MolapError('run-folder', `cannot write ${lock}: ${message(error)}`, { cause: error });
      }
    }
    const holder = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
    if (Number.isSafeInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new MolapError('run-folder', `another molap process (pid ${holder}) is working in ${dir}`, {
        hint: `wait for it to finish or stop it; if it is not molap, delete ${lock}`,
      });
    }
    await rm(lock, { force: true });
  }
}
