/**
 * `.npz` files on disk (Node only): `writeNpz` and `readNpz` around the pure `encodeNpz` / `decodeNpz`, apart
 * so that the browser entry of the package (`browser.ts`) carries no file-system code.
 */
import { decodeNpz, encodeNpz, type NpzOptions } from './npz.js';
import type { Batch } from './task.js';

/**
 * Writes a batch to an `.npz` file atomically (a temporary file in the same folder, then a rename).
 * @param path destination, conventionally ending in `.npz`.
 */
export async function writeNpz(batch: Batch, path: string, options: NpzOptions = {}): Promise<void> {
  const bytes = encodeNpz(batch, options);
  const { writeFile, rename, rm } = await import('node:fs/promises');
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Reads an `.npz` file written by `writeNpz` (see `decodeNpz`). */
export async function readNpz(path: string): Promise<Batch> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  return decodeNpz(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
