/**
 * The comparison table read from real files (`readComparisonTable`): a table `compare` made reads back; not
 * JSON, another molap document → 'file-format'; a newer table → 'file-version'; a table off its schema →
 * 'file-format' listing the problems.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorKind } from '@molap/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../src/compare.js';
import { type ComparisonTable, readComparisonTable } from '../src/table.js';
import { TINY_BUDGET, withTemporaryDir } from './helpers.js';

let table: ComparisonTable;
beforeAll(async () => {
  table = await compare({
    strategies: [{ strategy: 'multitask', options: { hiddenSize: 8 } }],
    tasks: ['fdgo'],
    budget: { ...TINY_BUDGET, steps: 2, evalEvery: 2 },
    seeds: [1],
    context: { engine: { engine: 'native', threads: 1 } },
    parallelism: 1,
  });
});

/** The error reading `content` as a table file throws. */
async function readError(content: unknown) {
  return withTemporaryDir(async (dir) => {
    const path = join(dir, 'table.json');
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    const error = await readComparisonTable(path).catch((e) => e);
    expect(errorKind(error)).toBe('bad-input');
    return { error, path };
  });
}

describe('readComparisonTable', () => {
  it('reads a table compare wrote', async () => {
    await withTemporaryDir(async (dir) => {
      const path = join(dir, 'table.json');
      await writeFile(path, JSON.stringify(table, null, 2));
      expect(await readComparisonTable(path)).toEqual(JSON.parse(JSON.stringify(table)));
    });
  });
  it('not JSON → file-format naming the file', async () => {
    const { error, path } = await readError('{"format": "molap-comparison" "rows": []}');
    expect({ code: error.code, file: error.file }).toEqual({ code: 'file-format', file: path });
    expect(error.problem).toMatch(/^is not valid JSON at line 1, column 31: unexpected '"'/);
  });
  it('a bank.json in its place → says it is a module bank', async () => {
    const { error } = await readError({ format: 'molap-module-bank', formatVersion: 3 });
    expect({ code: error.code, problem: error.problem }).toEqual({
      code: 'file-format',
      problem: 'is a module bank (bank.json of @molap/primitives), not a comparison table',
    });
  });
  it('a newer table → file-version: upgrade @molap/baselines', async () => {
    const { error } = await readError({ ...table, formatVersion: 2 });
    expect({ code: error.code, hint: error.hint }).toEqual({
      code: 'file-version',
      hint: 'upgrade @molap/baselines (or the @molap/cli that uses it) to read it',
    });
  });
  it('a table off its schema → file-format listing the problems', async () => {
    const { error, path } = await readError({ ...table, seeds: 'one' });
    expect(error.code).toBe('file-format');
    expect(error.problem).toBe(
      `${path} does not match the comparison table schema: $.seeds: must be of type array, got string`,
    );
  });
});
