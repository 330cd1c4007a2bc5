/**
 * Concatenating batches along the trial axis. Yang et al.'s tasks draw their timing once per batch, so an
 * evaluation set that covers the timing distribution is made of many small batches (Yang: 16 × 32 trials);
 * concatenated, they run as one padded batch.
 */
import type { Batch } from '@molap/tasks';

/**
 * One batch holding the trials of `batches` in order: T = the longest T, B = ΣB. Shorter trials are padded
 * with zeros (inputs, targets), mask 0 and target angle −1; `trialSteps`, `goCue` and the epochs are
 * concatenated (an epoch missing from a batch is −1 for its trials). All batches must share `inputSize`,
 * `outputSize`, `dt` and the task; the layout and task id are the first batch's.
 */
export function concatenateBatches(batches: readonly Batch[]): Batch {
  if (batches.length === 0) throw new RangeError('concatenateBatches needs at least one batch');
  const [first] = batches;
  if (batches.length === 1) return first;
  for (const batch of batches) {
    if (
      batch.inputSize !== first.inputSize ||
      batch.outputSize !== first.outputSize ||
      batch.dt !== first.dt ||
      batch.taskId !== first.taskId
    ) {
      throw new RangeError('concatenateBatches needs batches of one task with the same inputSize, outputSize and dt');
    }
  }
  const steps = Math.max(...batches.map((batch) => batch.steps));
  const batchSize = batches.reduce((sum, batch) => sum + batch.batchSize, 0);
  const { inputSize, outputSize } = first;
  const inputs = new Float32Array(steps * batchSize * inputSize);
  const targets = new Float32Array(steps * batchSize * outputSize);
  const mask = new Float32Array(steps * batchSize * outputSize);
  const targetAngle = new Float32Array(steps * batchSize).fill(-1);
  const trialSteps = new Int32Array(batchSize);
  const goCue = new Int32Array(batchSize);
  const epochNames = [...new Set(batches.flatMap((batch) => Object.keys(batch.epochs)))];
  const epochs: Record<string, { start: Int32Array; end: Int32Array }> = {};
  for (const name of epochNames) {
    epochs[name] = { start: new Int32Array(batchSize).fill(-1), end: new Int32Array(batchSize).fill(-1) };
  }
  let offset = 0;
  for (const batch of batches) {
    const b0 = batch.batchSize;
    for (let t = 0; t < batch.steps; t++) {
      const from = t * b0;
      const to = t * batchSize + offset;
      inputs.set(batch.inputs.subarray(from * inputSize, (from + b0) * inputSize), to * inputSize);
      targets.set(batch.targets.subarray(from * outputSize, (from + b0) * outputSize), to * outputSize);
      mask.set(batch.mask.subarray(from * outputSize, (from + b0) * outputSize), to * outputSize);
      targetAngle.set(batch.targetAngle.subarray(from, from + b0), to);
    }
    trialSteps.set(batch.trialSteps, offset);
    goCue.set(batch.goCue, offset);
    for (const [name, epoch] of Object.entries(batch.epochs)) {
      epochs[name].start.set(epoch.start, offset);
      epochs[name].end.set(epoch.end, offset);
    }
    offset += b0;
  }
  return {
    ...first,
    steps,
    batchSize,
    inputs,
    targets,
    mask,
    targetAngle,
    trialSteps,
    goCue,
    epochs,
  };
}
