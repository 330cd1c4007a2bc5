import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch } from './support.js';
import { tinyConfig } from './tiny-config.js';

/**
 * Errors that name their cause and place: a config syntax error gives the file, line, column and the
 * character (invisible ones by code point); a byte-order mark is accepted; every file a command cannot read
 * is named.
 */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-errors-');
  scratch.write('trailing.json', '{\n  "run": {\n    "tasks": ["fdgo",]\n  }\n}\n');
  scratch.write('nbsp.json', '{"run": {"seeds": [2]}}\u00A0');
  scratch.write('truncated.json', '{"run": {"seeds": [2');
  writeFileSync(
    join(scratch.root, 'bom.json'),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"run": {"seeds": [7]}}')]),
  );
  scratch.write('bad-results/results.json', '{"format": "molap-results",\n "x": }');
  scratch.write('bad-run/run.json', '{"format": "molap-run"');
  scratch.write('bad-bank/bank.json', '{"format": ');
  mkdirSync(join(scratch.root, 'a-folder'));
});
afterAll(() => scratch.remove());

const run = (...args: string[]) => molap(args, { cwd: scratch.root });
const firstLine = (text: string) => text.split('\n', 1)[0];

describe.concurrent('errors name the file, the line and the column', () => {
  it.each([
    ['trailing.json', "molap: trailing.json is not valid JSON at line 3, column 22: unexpected ']'"],
    ['nbsp.json', 'molap: nbsp.json is not valid JSON at line 1, column 24: unexpected U+00A0 (no-break space)'],
    [
      'truncated.json',
      'molap: truncated.json is not valid JSON at line 1, column 21: unexpected end of the file (is it truncated?)',
    ],
  ])('config %s', async (file, message) => {
    const result = await run('run', '--dry-run', '--config', file);
    expect(result.code).toBe(2);
    expect(firstLine(result.stderr)).toBe(message);
    expect(result.stderr).toContain('hint: fix the JSON syntax');
  });

  it('accepts a config file that starts with a byte-order mark', async () => {
    const result = await run('run', '--dry-run', '--config', 'bom.json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).seeds).toEqual([7]);
  });

  it.each([
    [['run', '--dry-run', '--config', 'missing.json'], /^molap: cannot read the config file missing\.json: ENOENT/],
    [['run', '--dry-run', '--config', 'a-folder'], /^molap: cannot read the config file a-folder: EISDIR/],
    [
      ['report', 'bad-results'],
      /^molap: \S*bad-results[/\\]results\.json: is not valid JSON at line 2, column 7: unexpected '}'; the file is corrupt or truncated$/,
    ],
    [['report', 'nowhere'], /^molap: \S*nowhere[/\\]results\.json cannot be read/],
    [
      ['run', '--resume', 'bad-run'],
      /^molap: \S*bad-run[/\\]run\.json is not valid JSON at line 1, column 23: unexpected end of the file/,
    ],
    [['run', '--resume', 'nowhere'], /^molap: nowhere is not a run folder \(it has no run\.json\)$/],
    [
      ['learn', '--bank', 'bad-bank', '--out', 'm'],
      /^molap: \S*bad-bank[/\\]bank\.json: is not valid JSON at line 1, column 12: unexpected end of the file/,
    ],
    [['learn', '--bank', 'nowhere', '--out', 'm'], /^molap: \S*nowhere[/\\]bank\.json: cannot be read \(ENOENT\)/],
  ])('%j names the file', async (args, message) => {
    const result = await run(...args);
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result.stderr)).toMatch(message);
  });
});

describe('bad input found deep in a library', () => {
  it('exits 2 with a hint: k above what the corpus supports (was exit 1)', async () => {
    scratch.write('k-too-large/molap.config.json', {
      backend: { engine: 'native', threads: 1 },
      run: {
        tasks: ['fdgo', 'dm1'],
        heldOut: [],
        bank: { moduleSize: 4, latents: { k: 40 }, steps: 6, batchSize: 8, corpus: { trialsPerTask: 32 } },
      },
    });
    const result = await molap(['pretrain', '--out', 'banks/x', '--quiet'], { cwd: join(scratch.root, 'k-too-large') });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      'molap: k = 40 exceeds min(xDim, yDim) = 33: CCA has at most that many canonical pairs\n  hint: lower k to at most 33',
    );
  });

  it('exits 2 when `molap run` finds it inside the study (the bank job), not 1', async () => {
    scratch.write(
      'k-too-large-run/molap.config.json',
      tinyConfig({ run: { tasks: ['fdgo', 'dm1'], heldOut: [], models: ['molap'] }, bank: { latents: { k: 40 } } }),
    );
    const result = await molap(['run', '--quiet', '--seeds', '1'], { cwd: join(scratch.root, 'k-too-large-run') });
    expect(result.code, result.stderr).toBe(2);
    expect(firstLine(result.stderr)).toMatch(/^molap: k = 40 exceeds min\(xDim, yDim\) = 33: CCA has at most /);
    expect(result.stderr).toMatch(
      /\n {2}hint: lower k to at most 33; the run folder keeps the config it started with, so `molap run --resume .*` would meet this again: fix the value in molap.config.json or the flags and start a new run/,
    );
  }, 60_000);
});
