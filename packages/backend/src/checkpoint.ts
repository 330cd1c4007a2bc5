/**
 * Training checkpoints: a checkpoint folder holds one model folder per saved step (`step-00000100/`, the
 * format of `model-file.ts`, with optimiser state and training step) and `latest.json`, which names the
 * newest complete one.
 *
 * A checkpoint is written into a temporary folder, renamed to its step folder once complete, and only then
 * does `latest.json` (itself replaced atomically) point to it. A write interrupted at any point leaves
 * `latest.json` on the previous good checkpoint; leftovers of interrupted writes are removed by the next
 * write. Older step folders beyond `keep` are deleted after the pointer moves.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DocumentFormat, ModelFileError, parseJsonDocument } from './document.js';
import { invalidOption } from './errors.js';
import type { LoadedModel, ModelSnapshot } from './model-document.js';
import { loadModel, type SaveHooks, saveModel, writeFileAtomic } from './model-file.js';

/** Format name of `latest.json`. */
export const CHECKPOINT_FORMAT = 'molap-checkpoints';
/** Version of the `latest.json` format. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** Name of the pointer file. */
export const LATEST_JSON = 'latest.json';

/** The declaration of `latest.json`: only this version is read (an older molap's checkpoints are not continued). */
const CHECKPOINT_DOCUMENT: DocumentFormat = {
  format: CHECKPOINT_FORMAT,
  versions: [CHECKPOINT_FORMAT_VERSION],
  what: 'a checkpoint index (latest.json)',
  hint: 'delete the checkpoint folder to start over',
  package: '@molap/backend',
};
/** Step folders kept by default (the newest and the one before it). */
export const DEFAULT_CHECKPOINTS_KEPT = 2;

const TEMPORARY_PREFIX = '.incomplete-';

/** Name of the folder of a step: `step-` and the step on at least 8 digits. */
export function checkpointFolderName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/** Options of `writeCheckpoint`. */
export interface WriteCheckpointOptions {
  /** Step folders to keep (the newest ones); default 2. */
  readonly keep?: number;
  /** Fault injection for tests: called after each file is in place. @internal */
  readonly hooks?: SaveHooks & { readonly beforePointer?: () => void | Promise<void> };
}

/**
 * Writes a checkpoint of `snapshot` (which must carry `trainingStep` and usually `optimizerState`).
 * @returns the path of the new step folder.
 */
export async function writeCheckpoint(
  dir: string,
  snapshot: ModelSnapshot & { readonly trainingStep: number },
  options: WriteCheckpointOptions = {},
): Promise<string> {
  const keep = options.keep ?? DEFAULT_CHECKPOINTS_KEPT;
  if (!(Number.isInteger(keep) && keep >= 1)) throw invalidOption(`keep must be an integer >= 1, got ${String(keep)}`);
  await mkdir(dir, { recursive: true });
  const name = checkpointFolderName(snapshot.trainingStep);
  const temporary = join(dir, `${TEMPORARY_PREFIX}${name}-${randomBytes(4).toString('hex')}`);
  await saveModel(temporary, snapshot, options.hooks);
  const folder = join(dir, name);
  // A folder of the same step can only be left from an earlier run that was resumed from before it.
  await rm(folder, { recursive: true, force: true });
  await rename(temporary, folder);
  await options.hooks?.beforePointer?.();
  const pointer = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    step: snapshot.trainingStep,
    folder: name,
  };
  await writeFileAtomic(join(dir, LATEST_JSON), `${JSON.stringify(pointer, null, 2)}\n`);
  await prune(dir, name, keep);
  return folder;
}

/**
 * Removes leftovers of interrupted writes (temporary folders, and step folders after the latest one, which
 * no pointer ever named) and all but the newest `keep` step folders.
 */
async function prune(dir: string, latest: string, keep: number): Promise<void> {
  const entries = await readdir(dir);
  const stepOf = (entry: string) => Number(entry.slice('step-'.length));
  const latestStep = stepOf(latest);
  const steps = entries.filter((entry) => /^step-\d{8,}$/.test(entry)).sort((a, b) => stepOf(a) - stepOf(b));
  const kept = steps.filter((entry) => stepOf(entry) <= latestStep).slice(-keep);
  const stale = [
    ...entries.filter((entry) => entry.startsWith(TEMPORARY_PREFIX)),
    ...steps.filter((entry) => !kept.includes(entry)),
  ];
  await Promise.all(stale.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}

/**
 * Loads the checkpoint `latest.json` points to, or returns `undefined` when the folder holds no checkpoint
 * yet. When that checkpoint is missing or damaged, the newest older step folder that loads is used, with a
 * process warning (`MolapCheckpointWarning`); when none loads it is an error (never a silent restart).
 */
export async function readLatestCheckpoint(
  dir: string,
): Promise<(LoadedModel & { readonly path: string }) | undefined> {
  const pointerPath = join(dir, LATEST_JSON);
  let text: string;
  try {
    text = await readFile(pointerPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelFileError(pointerPath, `cannot be read (${(error as Error).message})`);
  }
  // Other versions are refused both ways: an older molap's checkpoints are not continued as if they were ours.
  const pointer = parseJsonDocument<{ step?: unknown; folder?: unknown }>(text, CHECKPOINT_DOCUMENT, pointerPath);
  if (typeof pointer.folder !== 'string' || !/^step-\d{8,}$/.test(pointer.folder)) {
    throw new ModelFileError(pointerPath, `names an invalid checkpoint folder ${JSON.stringify(pointer.folder)}`);
  }
  const path = join(dir, pointer.folder);
  try {
    const loaded = await loadStep(path, pointer.step as number);
    return { ...loaded, path };
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    // The newest checkpoint is damaged (a disk error, a truncated copy): fall back to the newest older one
    // that loads, with a warning; only when none does is it an error (never a silent restart from scratch).
    const older = (await readdir(dir))
      .filter((entry) => /^step-\d{8,}$/.test(entry) && entry !== pointer.folder)
      .map((entry) => ({ entry, step: Number(entry.slice('step-'.length)) }))
      .filter(({ step }) => step < (pointer.step as number))
      .sort((a, b) => b.step - a.step);
    for (const { entry, step } of older) {
      try {
        const loaded = await loadStep(join(dir, entry), step);
        process.emitWarning(
          `the newest checkpoint ${path} is damaged (${error.message}); resuming from the previous good one, step ${step}`,
          { type: 'MolapCheckpointWarning', code: 'MOLAP_CHECKPOINT_FALLBACK' },
        );
        return { ...loaded, path: join(dir, entry) };
      } catch (olderError) {
        if (!(olderError instanceof ModelFileError)) throw olderError;
      }
    }
    throw error;
  }
}

/** Loads the step folder `path` and checks it holds `step`. */
async function loadStep(path: string, step: number): Promise<LoadedModel> {
  const loaded = await loadModel(path);
  if (loaded.trainingStep !== step) {
    throw new ModelFileError(
      join(path, 'model.json'),
      `holds training step ${String(loaded.trainingStep)} but ${LATEST_JSON} says ${String(step)}`,
    );
  }
  return loaded;
}
