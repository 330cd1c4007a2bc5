/** The finished-task checkpoint every task-by-task strategy writes: on the real file system. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskLearningRecord } from '../src/model.js';
import { finishedTaskFolder, readFinishedTask, writeFinishedTask } from '../src/task-checkpoint.js';

const RECORD: TaskLearningRecord = {
  taskId: 'fdgo',
  steps: 10,
  trials: 640,
  trainableParameters: 100,
  parameterUpdates: 1000,
  curve: [{ step: 10, trials: 640, performance: 0.5, loss: 0.1 }],
  trialsToCriterion: null,
  performance: 0.5,
  loss: 0.1,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'molap-task-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a finished task', () => {
  it('is unfinished until its record is written after the saved state, then reads back', async () => {
    expect(await readFinishedTask(dir)).toBeUndefined();
    await writeFinishedTask(dir, RECORD, async (folder) => {
      expect(folder).toBe(finishedTaskFolder(dir));
      expect(await readFinishedTask(dir)).toBeUndefined();
      await writeFile(join(folder, 'state.txt'), 'saved');
    });
    expect(await readFinishedTask(dir)).toEqual(RECORD);
    expect(await readFile(join(finishedTaskFolder(dir), 'state.txt'), 'utf8')).toBe('saved');
  });

  it('with a damaged record is a file-format error that says how to learn the task again', async () => {
    await writeFinishedTask(dir, RECORD, async () => {});
    const path = join(finishedTaskFolder(dir), 'record.json');
    await writeFile(path, '{"taskId": "fdgo", "steps": ');
    await expect(readFinishedTask(dir)).rejects.toMatchObject({
      code: 'file-format',
      hint: `delete ${dir} to learn the task again`,
    });
    await writeFile(path, '{"taskId": 3}');
    await expect(readFinishedTask(dir)).rejects.toMatchObject({
      code: 'file-format',
      problem: expect.stringContaining("not a task's learning record"),
    });
  });
});
