/**
 * identity.json of a checkpoint folder read through the one document check, from real folders: a good
 * record reads (same values continue); not JSON, another document → 'file-format'; a newer one → 'file-version'.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCheckpoints, IDENTITY_JSON } from '../src/checkpoint-identity.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-identity-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const identity = { seed: 1, training: { learningRate: 0.01 } };

/** A folder claimed for `identity`, whose identity.json then holds `content`. */
async function claimed(name: string, content?: unknown): Promise<string> {
  const dir = join(root, name);
  await claimCheckpoints(dir, identity);
  if (content !== undefined) {
    await writeFile(join(dir, IDENTITY_JSON), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('claimCheckpoints reads identity.json through the document check', () => {
  it('a folder claimed with the same values is continued; other values are refused', async () => {
    const dir = await claimed('same');
    await expect(claimCheckpoints(dir, identity)).resolves.toBeUndefined();
    await expect(claimCheckpoints(dir, { ...identity, seed: 2 })).rejects.toThrow(/seed 1 → 2/);
  });
  it('not JSON → file-format naming the file', async () => {
    const dir = await claimed('damaged', '{"format": ');
    const error = await claimCheckpoints(dir, identity).catch((e) => e);
    expect({ code: error.code, file: error.file, hint: error.hint }).toEqual({
      code: 'file-format',
      file: join(dir, IDENTITY_JSON),
      hint: 'add --restart to drop the checkpoints and start over',
    });
  });
  it('a bank.json in its place → says it is a module bank', async () => {
    const dir = await claimed('bank', { format: 'molap-module-bank', formatVersion: 3 });
    const error = await claimCheckpoints(dir, identity).catch((e) => e);
    expect(error.problem).toBe(
      'is a module bank (bank.json of @molap/primitives), not the identity of a checkpoint folder (identity.json)',
    );
  });
  it('a newer identity.json → file-version', async () => {
    const dir = await claimed('newer', { format: 'molap-checkpoint-identity', formatVersion: 2, identity });
    const error = await claimCheckpoints(dir, identity).catch((e) => e);
    expect(error.code).toBe('file-version');
  });
});
