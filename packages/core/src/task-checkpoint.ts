/**
 * The checkpoint of a finished task, written the same way by every strategy that learns tasks one by one:
 * `<checkpoint>/done/` holds the state after the task (the strategy saves it) and `record.json` its
 * learning record, written last and atomically, so a task counts as finished only once both are complete.
 * A resumed run reads the record back and skips the task.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonText, writeFileAtomic } from '@molap/backend';
import { MolapError } from './errors.js';
import type { TaskLearningRecord } from './model.js';

const DONE_FOLDER = 'done';
const RECORD_JSON = 'record.json';

/** The folder of a task checkpoint that holds the state saved after the task. */
export function finishedTaskFolder(checkpoint: string): string {
  return join(checkpoint, DONE_FOLDER);
}

/**
 * The learning record of a task that a checkpoint says is finished, or undefined when it is not (no
 * `done/record.json`).
 * @throws MolapError 'file-format' when the record is not a learning record (a damaged checkpoint).
 */
export async function readFinishedTask(checkpoint: string): Promise<TaskLearningRecord | undefined> {
  const path = join(finishedTaskFolder(checkpoint), RECORD_JSON);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const hint = `delete ${checkpoint} to learn the task again`;
  const record = parseJsonText(text, path, hint) as Partial<TaskLearningRecord> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.taskId !== 'string' ||
    !Number.isFinite(record.steps) ||
    !Array.isArray(record.curve)
  ) {
    throw new MolapError('file-format', `${path} is not a task's learning record`, { hint });
  }
  return record as TaskLearningRecord;
}

/**
 * Marks a task finished: `save(folder)` writes (the folder exists) the state after the task into `finishedTaskFolder(checkpoint)`,
 * then the record is written (atomically) next to it.
 */
export async function writeFinishedTask(
  checkpoint: string,
  record: TaskLearningRecord,
  save: (folder: string) => Promise<unknown>,
): Promise<void> {
  const folder = finishedTaskFolder(checkpoint);
  await mkdir(folder, { recursive: true });
  await save(folder);
  await writeFileAtomic(join(folder, RECORD_JSON), JSON.stringify(record));
}
