/**
 * Checkpoints that know what they continue. A checkpoint folder of `molap pretrain` or `molap learn` records
 * the options, seed and engine it was made with (`identity.json`); a later call into the same folder with
 * other values is refused with the differences listed, instead of continuing the old training under a new
 * label (a bank called seed 5 holding seed-1 training). `restart` drops the old checkpoints instead.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DocumentFormat, MolapError, parseJsonDocument, writeJsonDocument } from '@molap/core';
import type { Json } from './jobs.js';

/** File of a checkpoint folder that records what its checkpoints continue. */
export const IDENTITY_JSON = 'identity.json';

/** Format name of identity.json. */
const IDENTITY_FORMAT = 'molap-checkpoint-identity';

/** The declaration of identity.json. */
const IDENTITY_DOCUMENT: DocumentFormat = {
  format: IDENTITY_FORMAT,
  versions: [1],
  what: 'the identity of a checkpoint folder (identity.json)',
  hint: 'add --restart to drop the checkpoints and start over',
  package: '@molap/study',
};

/** The leaves of a JSON value by path (`bank.training.learningRate`), arrays as whole values. */
function leaves(value: Json | undefined, path: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) leaves(child, path ? `${path}.${key}` : key, into);
  } else if (value !== undefined) into.set(path, JSON.stringify(value));
  return into;
}

/** `path: old → new` for every leaf that differs between two identities (missing leaves as `unset`). */
export function identityDifferences(recorded: Json, current: Json): string[] {
  const before = leaves(recorded, '', new Map());
  const after = leaves(current, '', new Map());
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths
    .filter((path) => before.get(path) !== after.get(path))
    .map((path) => `${path} ${before.get(path) ?? 'unset'} → ${after.get(path) ?? 'unset'}`);
}

/** How `claimCheckpoints` names things. */
export interface ClaimOptions {
  /** Drop the folder's checkpoints and start from step 0. */
  readonly restart?: boolean;
  /** The folder as the user named it, for messages. */
  readonly shown?: string;
}

/**
 * Makes `dir` the checkpoint folder of the work `identity` describes: refuses (exit 2) a folder whose
 * recorded identity differs, listing the differences; with `restart`, removes it first. Records the identity.
 */
export async function claimCheckpoints(dir: string, identity: Json, options: ClaimOptions = {}): Promise<void> {
  const path = join(dir, IDENTITY_JSON);
  if (options.restart) await rm(dir, { recursive: true, force: true });
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new MolapError('file-format', `cannot read ${path}: ${error.message}`, { cause: error });
  });
  if (text !== undefined) {
    const recorded = parseJsonDocument<{ identity?: Json }>(text, IDENTITY_DOCUMENT, path);
    const differences = identityDifferences(recorded.identity ?? null, identity);
    if (differences.length > 0) {
      throw new MolapError(
        'usage',
        `${options.shown ?? dir} holds checkpoints made with other values, which this call would continue: ${differences.join('; ')}`,
        { hint: 'add --restart to drop them and start over, run with the recorded values, or choose another --out' },
      );
    }
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeJsonDocument(path, { format: IDENTITY_FORMAT, formatVersion: 1, identity });
}
