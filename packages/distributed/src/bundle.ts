/**
 * A job's files folder as a bundle: relative path (with `/`) → bytes. Model weights travel as bytes (Redis
 * hash fields hold binary), not base64.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { digestOf, type FileDigests } from './protocol.js';

/** Every file under `dir` (none when it does not exist). */
export async function readBundle(dir: string): Promise<Record<string, Buffer>> {
  const bundle: Record<string, Buffer> = {};
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return bundle;
    throw error;
  }
  for (const path of entries.sort()) bundle[relative(dir, path).split(sep).join('/')] = await readFile(path);
  return bundle;
}

/** Digests of a bundle's files. */
export function bundleDigests(bundle: Readonly<Record<string, Uint8Array>>): FileDigests {
  return Object.fromEntries(Object.entries(bundle).map(([path, bytes]) => [path, digestOf(bytes)]));
}

/**
 * Writes a bundle as the folder `dir`, replacing what was there: first into a sibling folder, then renamed,
 * so `dir` holds either the old files or all the new ones. Paths must be checked relative paths
 * (`payloadSchema`, `resultSchema`).
 */
export async function writeBundle(dir: string, bundle: Readonly<Record<string, Uint8Array>>): Promise<void> {
  const incoming = `${dir}.incoming`;
  await rm(incoming, { recursive: true, force: true });
  await mkdir(incoming, { recursive: true });
  for (const [path, bytes] of Object.entries(bundle)) {
    const target = join(incoming, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  await rm(dir, { recursive: true, force: true });
  await rename(incoming, dir);
}
