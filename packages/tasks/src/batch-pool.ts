/**
 * Reuse of batch memory. A batch of 64 trials holds a few megabytes of float32 arrays, and a training loop
 * makes one per step. Where allocating a fresh ArrayBuffer is costly, notably in browsers, whose ArrayBuffer
 * allocator hands out fresh pages (a 3 MB array allocated and filled: 10.6 ms in Chromium 156 against 0.04 ms
 * to fill one already allocated; 2.7 ms in Node), a loop that is done with a batch gives its memory back
 * with `recycleBatch`, and the next batches of the Yang tasks are written into it. Opt-in: nothing is reused
 * until a caller recycles a batch, so batches are never shared by accident. The values are the same either
 * way (a reused array is zeroed first).
 */
import type { Batch } from './task.js';

/** Buffers kept for reuse at most (the smallest is dropped beyond it). */
const MAX_POOLED_BUFFERS = 8;
const pooled: ArrayBuffer[] = [];

/**
 * A zeroed Float32Array of `length` elements: a view at the start of the smallest recycled buffer that is
 * big enough, else a new array.
 */
export function zeroedFloat32(length: number): Float32Array {
  let best = -1;
  for (let i = 0; i < pooled.length; i++) {
    const bytes = pooled[i]!.byteLength;
    if (bytes >= length * 4 && (best < 0 || bytes < pooled[best]!.byteLength)) best = i;
  }
  if (best < 0) return new Float32Array(length);
  const [buffer] = pooled.splice(best, 1);
  return new Float32Array(buffer!, 0, length).fill(0);
}

/**
 * Gives the memory of `batch`'s inputs, targets, mask and target angles back for the batches generated
 * next (those of the Yang tasks write into it). Call it only once nothing reads the batch any more, e.g.
 * after the training step that used it: its arrays are overwritten by later batches. Arrays that are views
 * into a larger buffer they do not start, or over shared memory, are left alone.
 */
export function recycleBatch(batch: Batch): void {
  for (const array of [batch.inputs, batch.targets, batch.mask, batch.targetAngle]) {
    const buffer = array.buffer;
    if (!(buffer instanceof ArrayBuffer) || array.byteOffset !== 0 || buffer.byteLength === 0) continue;
    if (pooled.includes(buffer)) continue;
    pooled.push(buffer);
  }
  while (pooled.length > MAX_POOLED_BUFFERS) {
    let smallest = 0;
    for (let i = 1; i < pooled.length; i++) if (pooled[i]!.byteLength < pooled[smallest]!.byteLength) smallest = i;
    pooled.splice(smallest, 1);
  }
}
