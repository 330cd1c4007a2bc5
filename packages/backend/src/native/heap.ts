/**
 * The native engine's memory: one linear heap (a shared `WebAssembly.Memory`, or a plain `ArrayBuffer`
 * for the JS kernels) with a first-fit allocator of 64-byte-aligned blocks (each with 16 bytes of slack). Blocks are reused after
 * `free`, so steady training (same batch shapes) never grows the heap.
 */

import { BackendError } from '../errors.js';
import type { WasmMemory } from './webassembly.js';

const ALIGN = 64;
const PAGE = 65536;
/** Bytes kept free after every block: the SIMD kernels may read (and mask out) up to 12 bytes past a row. */
const SLACK = 16;

/** A growable heap; `buffer()` may return a new object after `allocate` grew it. */
export interface Heap {
  /** The current backing buffer (a `SharedArrayBuffer` for the wasm heap). */
  buffer(): ArrayBuffer;
  /** Allocates `bytes` (rounded up to 64) zero-filled bytes; returns the byte offset. */
  allocate(bytes: number): number;
  /** Returns a block from `allocate` to the free list. */
  free(pointer: number): void;
  /** Bytes currently allocated. */
  allocatedBytes(): number;
  /**
   * Bytes from the first usable byte to the end of the highest block ever handed out: the part of the heap
   * that has been written (zero-filled at least once), so resident in memory; it never decreases.
   */
  highWaterBytes(): number;
}

interface FreeBlock {
  start: number;
  size: number;
}

/**
 * @param start first usable byte (after the wasm module's static data).
 * @param grow makes the buffer at least `bytes` long (may replace it), returns the new length.
 */
function createHeap(start: number, current: () => ArrayBuffer, grow: (bytes: number) => number): Heap {
  const base = Math.ceil(start / ALIGN) * ALIGN;
  const free: FreeBlock[] = [];
  const used = new Map<number, number>();
  let end = base; // first byte never handed out
  let allocated = 0;

  const take = (size: number): number => {
    for (let i = 0; i < free.length; i++) {
      const block = free[i];
      if (block.size < size) continue;
      const pointer = block.start;
      if (block.size === size) free.splice(i, 1);
      else {
        block.start += size;
        block.size -= size;
      }
      return pointer;
    }
    // extend the top: merge a free block touching `end` first
    const last = free[free.length - 1];
    let pointer = end;
    if (last && last.start + last.size === end) {
      pointer = last.start;
      free.pop();
    }
    if (pointer + size > current().byteLength) grow(pointer + size);
    end = pointer + size;
    return pointer;
  };

  return {
    buffer: current,
    allocate(bytes) {
      if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`cannot allocate ${bytes} bytes`);
      const size = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;
      const pointer = take(size);
      new Uint8Array(current(), pointer, size).fill(0);
      used.set(pointer, size);
      allocated += size;
      return pointer;
    },
    free(pointer) {
      const size = used.get(pointer);
      if (size === undefined) throw new Error(`native heap: ${pointer} is not an allocated block`);
      used.delete(pointer);
      allocated -= size;
      // insert sorted, merge neighbours
      let i = 0;
      while (i < free.length && free[i].start < pointer) i++;
      free.splice(i, 0, { start: pointer, size });
      if (i + 1 < free.length && pointer + size === free[i + 1].start) {
        free[i].size += free[i + 1].size;
        free.splice(i + 1, 1);
      }
      if (i > 0 && free[i - 1].start + free[i - 1].size === pointer) {
        free[i - 1].size += free[i].size;
        free.splice(i, 1);
      }
    },
    allocatedBytes: () => allocated,
    highWaterBytes: () => end - base,
  };
}

/** A heap over a shared wasm memory (grows by whole pages, at least doubling the allocated span). */
export function createWasmHeap(memory: WasmMemory, start: number): Heap {
  return createHeap(
    start,
    () => memory.buffer,
    (bytes) => {
      const have = memory.buffer.byteLength;
      const want = Math.max(bytes, Math.min(have * 2, have + 256 * 1024 * 1024));
      const pages = Math.ceil((want - have) / PAGE);
      try {
        memory.grow(pages);
      } catch (error) {
        throw new BackendError(
          'out-of-memory',
          `native engine: cannot grow WebAssembly memory to ${Math.ceil(want / 2 ** 20)} MiB (${String(error)})`,
          { hint: 'use smaller batches, fewer time steps or fewer units', cause: error },
        );
      }
      return memory.buffer.byteLength;
    },
  );
}

/** A heap over plain `ArrayBuffer`s (grows by copying into a larger buffer). */
export function createArrayHeap(initialBytes = PAGE): Heap {
  let buffer = new ArrayBuffer(initialBytes);
  return createHeap(
    ALIGN,
    () => buffer,
    (bytes) => {
      const next = new ArrayBuffer(Math.max(bytes, buffer.byteLength * 2));
      new Uint8Array(next).set(new Uint8Array(buffer));
      buffer = next;
      return buffer.byteLength;
    },
  );
}
