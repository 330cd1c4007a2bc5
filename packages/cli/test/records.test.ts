import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch, startMolap } from './support.js';
import { tinyConfig } from './tiny-config.js';

/**
 * Honest records: the timings of a resumed run sum every session that worked on it (a job stopped and resumed
 * adds the seconds of both), a resume of a finished run keeps its totals, and results.json refuses claims
 * that cite models it does not hold.
 */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-records-');
  // Pre-training long enough (1500 steps) to stop it in the middle.
  scratch.write(
    'molap.config.json',
    tinyConfig({ bank: { steps: 1500, checkpointEvery: 50 }, run: { models: ['molap'] } }),
  );
});
afterAll(() => scratch.remove());

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const events = (stderr: string) =>
  stderr
    .trimEnd()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string; step?: string; seconds?: number });

describe('timings of a resumed run', () => {
  it('sum the sessions of a job stopped in the middle, and a resume of the finished run keeps them', async () => {
    const { child, output, exited } = startMolap(['run', '--json', '--out', 'runs'], { cwd: scratch.root });
    let bankStart = 0;
    const deadline = Date.now() + 30_000;
    while (!output.stderr.includes('"type":"pretrain"') && child.exitCode === null && Date.now() < deadline) {
      if (bankStart === 0 && output.stderr.includes('"type":"bank-start"')) bankStart = Date.now();
      await new Promise((resume) => setTimeout(resume, 10));
    }
    expect(bankStart, 'the bank job started').toBeGreaterThan(0);
    await new Promise((resume) => setTimeout(resume, 3000));
    const firstSession = (Date.now() - bankStart) / 1000;
    child.kill('SIGTERM');
    const stopped = await exited;
    expect(stopped.code, stopped.stderr).toBe(143);
    const runDir = join(scratch.root, 'runs', readdirSync(join(scratch.root, 'runs'))[0]);

    const resumed = await molap(['run', '--resume', runDir, '--json'], { cwd: scratch.root });
    expect(resumed.code, resumed.stderr).toBe(0);
    const secondSession = events(resumed.stderr)
      .filter((event) => event.type === 'bank-end')
      .reduce((sum, event) => sum + (event.seconds ?? 0), 0);
    const { timings } = readJson(join(runDir, 'results.json'));
    // The first session worked at least `firstSession` seconds in the bank job (less the last record's lag).
    expect(timings.stages.pretrain).toBeGreaterThanOrEqual(secondSession + firstSession - 1);
    expect(timings.total).toBeGreaterThanOrEqual(timings.stages.pretrain);

    const copy = join(scratch.root, 'finished');
    cpSync(runDir, copy, { recursive: true });
    const again = await molap(['run', '--resume', copy, '--json'], { cwd: scratch.root });
    expect(again.code, again.stderr).toBe(0);
    expect(readJson(join(copy, 'results.json')).timings).toEqual(timings);
  }, 180_000);
});

describe('results.json cross-checks its claims', () => {
  it('molap report refuses results whose claims cite a model they do not hold', async () => {
    const run = join(scratch.root, 'finished');
    const results = readJson(join(run, 'results.json'));
    const claims = results.claims.map((claim: { molap: string | null }) => ({ ...claim, molap: 'ghost' }));
    const broken = scratch.write('broken/results.json', { ...results, claims });
    cpSync(join(run, 'example-trials.json'), join(scratch.root, 'broken', 'example-trials.json'));
    writeFileSync(broken, JSON.stringify({ ...results, claims }));
    const result = await molap(['report', join(scratch.root, 'broken')], { cwd: scratch.root });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      "claim 'efficiency' is about model 'ghost', which $.models does not hold (it holds molap)",
    );
  }, 60_000);
});
