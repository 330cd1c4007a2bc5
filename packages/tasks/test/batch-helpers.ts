import type { Batch } from '../src/index.js';

/** Input value (t, b, c). */
export const input = (batch: Batch, t: number, b: number, c: number) =>
  batch.inputs[(t * batch.batchSize + b) * batch.inputSize + c];
/** Target value (t, b, c). */
export const target = (batch: Batch, t: number, b: number, c: number) =>
  batch.targets[(t * batch.batchSize + b) * batch.outputSize + c];
/** Mask value (t, b, c). */
export const maskAt = (batch: Batch, t: number, b: number, c: number) =>
  batch.mask[(t * batch.batchSize + b) * batch.outputSize + c];
/** Target angle (t, b). */
export const angleAt = (batch: Batch, t: number, b: number) => batch.targetAngle[t * batch.batchSize + b];

/** Sum of channels [start, start + size) of the input row (t, b). */
export function inputSum(batch: Batch, t: number, b: number, start: number, size: number): number {
  let sum = 0;
  for (let c = start; c < start + size; c++) sum += input(batch, t, b, c);
  return sum;
}

/** Copy of the input channels [start, start + size) at (t, b). */
export function inputRow(batch: Batch, t: number, b: number, start: number, size: number): Float64Array {
  const row = new Float64Array(size);
  for (let i = 0; i < size; i++) row[i] = input(batch, t, b, start + i);
  return row;
}

/** Sum of the ring target (outputs 1..n) at (t, b). */
export function targetRingSum(batch: Batch, t: number, b: number): number {
  let sum = 0;
  for (let c = 1; c < batch.outputSize; c++) sum += target(batch, t, b, c);
  return sum;
}

/** Bitwise equality of two typed arrays (fast; vitest's deep equality is slow on big arrays). */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
