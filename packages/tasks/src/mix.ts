/**
 * Trial-aligned mixed batches: trials of several batches (possibly of different tasks and lengths) side by
 * side in one batch. Every trial starts at step 0; shorter trials are padded with zeros, mask 0 and target
 * angle −1, and keep their own `trialSteps`.
 */
import { InvalidOptionError } from './errors.js';
import type { Batch } from './task.js';

/** Copies rows of `width` values of a [T, B, width] array into a [T', B', width] array at trial `offset`. */
function copyTrials(
  source: Float32Array,
  sourceTrials: number,
  steps: number,
  width: number,
  target: Float32Array,
  targetTrials: number,
  offset: number,
): void {
  const block = sourceTrials * width;
  for (let t = 0; t < steps; t++) {
    const from = t * block;
    const to = (t * targetTrials + offset) * width;
    for (let i = 0; i < block; i++) target[to + i] = source[from + i];
  }
}

/**
 * Concatenates batches along the trial axis. All batches must share `dt`, `inputSize` and `outputSize` (the
 * same channel layout). The result's `taskId` joins the distinct task ids with '+', and `trialTasks` gives
 * the task of each trial; epochs are the union of the period names (−1 where a trial lacks one).
 * @param batches at least one batch.
 */
export function mixBatches(batches: readonly Batch[]): Batch {
  if (!Array.isArray(batches) || batches.length === 0) {
    throw new InvalidOptionError('batches', batches, 'Pass a non-empty array of batches.');
  }
  const first = batches[0];
  batches.forEach((batch, index) => {
    for (const key of ['dt', 'inputSize', 'outputSize'] as const) {
      if (batch[key] !== first[key]) {
        throw new InvalidOptionError(
          `batches[${index}].${key}`,
          batch[key],
          `Every batch must have ${key} ${first[key]} like batches[0] (same options and channel layout).`,
        );
      }
    }
  });
  const steps = Math.max(...batches.map((batch) => batch.steps));
  const batchSize = batches.reduce((sum, batch) => sum + batch.batchSize, 0);
  const { inputSize, outputSize } = first;
  const inputs = new Float32Array(steps * batchSize * inputSize);
  const targets = new Float32Array(steps * batchSize * outputSize);
  const mask = new Float32Array(steps * batchSize * outputSize);
  const targetAngle = new Float32Array(steps * batchSize).fill(-1);
  const trialSteps = new Int32Array(batchSize);
  const goCue = new Int32Array(batchSize);
  const trialTasks: string[] = [];
  const periods = [...new Set(batches.flatMap((batch) => Object.keys(batch.epochs)))];
  const epochs: Record<string, { start: Int32Array; end: Int32Array }> = {};
  for (const period of periods) {
    epochs[period] = { start: new Int32Array(batchSize).fill(-1), end: new Int32Array(batchSize).fill(-1) };
  }
  let offset = 0;
  for (const batch of batches) {
    const b = batch.batchSize;
    copyTrials(batch.inputs, b, batch.steps, inputSize, inputs, batchSize, offset);
    copyTrials(batch.targets, b, batch.steps, outputSize, targets, batchSize, offset);
    copyTrials(batch.mask, b, batch.steps, outputSize, mask, batchSize, offset);
    copyTrials(batch.targetAngle, b, batch.steps, 1, targetAngle, batchSize, offset);
    trialSteps.set(batch.trialSteps, offset);
    goCue.set(batch.goCue, offset);
    for (const period of Object.keys(batch.epochs)) {
      const epoch = batch.epochs[period];
      epochs[period].start.set(epoch.start, offset);
      epochs[period].end.set(epoch.end, offset);
    }
    for (let i = 0; i < b; i++) trialTasks.push(batch.trialTasks?.[i] ?? batch.taskId);
    offset += b;
  }
  return {
    taskId: [...new Set(trialTasks)].join('+'),
    steps,
    batchSize,
    inputSize,
    outputSize,
    dt: first.dt,
    inputs,
    targets,
    mask,
    targetAngle,
    trialSteps,
    goCue,
    epochs,
    layout: first.layout,
    trialTasks,
    // One score judges a mixed batch only when every part has the same one.
    ...(first.score !== undefined && batches.every((batch) => batch.score === first.score)
      ? { score: first.score }
      : {}),
  };
}
