import type { Batch } from '@molap/tasks';

/** Readers of a batch's [T, B, C] arrays at (t, b, c). */
export function at(batch: Batch) {
  const { batchSize: B, inputSize, outputSize } = batch;
  return {
    x: (t: number, b: number, c: number) => batch.inputs[(t * B + b) * inputSize + c],
    y: (t: number, b: number, c: number) => batch.targets[(t * B + b) * outputSize + c],
    m: (t: number, b: number, c: number) => batch.mask[(t * B + b) * outputSize + c],
    angle: (t: number, b: number) => batch.targetAngle[t * B + b],
    /** Ring `ring` (1 or 2) of the inputs at (t, b), as an array of ringSize values. */
    ring: (t: number, b: number, ring: 1 | 2) => {
      const size = batch.layout.inputs[ring].size;
      const start = (t * B + b) * inputSize + batch.layout.inputs[ring].start;
      return Array.from(batch.inputs.subarray(start, start + size));
    },
    /** The response ring of the targets at (t, b). */
    responseRing: (t: number, b: number) => {
      const size = batch.layout.outputs[1].size;
      const start = (t * B + b) * outputSize + 1;
      return Array.from(batch.targets.subarray(start, start + size));
    },
  };
}

/** Sample standard deviation. */
export function std(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}
