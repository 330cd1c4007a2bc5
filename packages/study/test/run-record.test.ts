/**
 * run.json read through the one document check, from real folders: a good record reads; not JSON, another
 * document → 'file-format'; another format version → 'file-version' naming the molap that started the run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorKind } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_FORMAT, RUN_FORMAT_VERSION, readRunRecord } from '../src/folder.js';
import { PACKAGE_VERSION } from '../src/version.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'molap-run-record-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = { format: RUN_FORMAT, formatVersion: RUN_FORMAT_VERSION, molapVersion: PACKAGE_VERSION, plan: {} };
const write = (value: unknown) =>
  writeFile(join(dir, 'run.json'), typeof value === 'string' ? value : JSON.stringify(value));
const failure = () => readRunRecord(dir, 'my-run').catch((error) => error);

describe('readRunRecord', () => {
  it('reads a record of this format and molap version', async () => {
    await write(record);
    expect(await readRunRecord(dir)).toEqual(record);
  });
  it('not JSON → file-format naming the file', async () => {
    await write('{"format": "molap-run"');
    const error = await failure();
    expect({ code: error.code, kind: errorKind(error) }).toEqual({ code: 'file-format', kind: 'bad-input' });
    expect(error.message).toMatch(/run\.json is not valid JSON at line 1, column 23: unexpected end of the file/);
  });
  it('a bank.json in its place → file-format saying it is a module bank', async () => {
    await write({ format: 'molap-module-bank', formatVersion: 3 });
    const error = await failure();
    expect(error.code).toBe('file-format');
    expect(error.problem).toBe('is a module bank (bank.json of @molap/primitives), not a run record (run.json)');
  });
  it('a newer format version → file-version, naming the molap that started it', async () => {
    await write({ ...record, formatVersion: RUN_FORMAT_VERSION + 1, molapVersion: '9.0.0' });
    const error = await failure();
    expect({ code: error.code, kind: errorKind(error), hint: error.hint }).toEqual({
      code: 'file-version',
      kind: 'bad-input',
      hint: 'resume it with molap 9.0.0 (npx @molap/cli@9.0.0 run --resume my-run), or start a new run',
    });
    expect(error.problem).toMatch(
      /run\.json: has format version 3, newer than the version 2 .*; molap 9\.0\.0 started it$/,
    );
  });
  it('a run of another molap version → incompatible', async () => {
    await write({ ...record, molapVersion: '0.0.1' });
    const error = await failure();
    expect({ code: error.code, kind: errorKind(error) }).toEqual({ code: 'incompatible', kind: 'bad-input' });
  });
});
