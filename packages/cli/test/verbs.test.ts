import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch } from './support.js';

/** The tiny study of run.test.ts: pretrain → learn → perturb, and report on a finished run. */
let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-verbs-');
  scratch.write('molap.config.json', {
    backend: { engine: 'native', threads: 1 },
    run: {
      tasks: ['fdgo', 'dm1', 'reactgo'],
      heldOut: ['reactgo'],
      models: ['molap', 'random-modules', { strategy: 'multitask', label: 'mt16' }],
      budget: { preset: 'quick', steps: 6, batchSize: 8, evalEvery: 3, evalTrials: 16 },
      network: { hiddenSize: 16 },
      bank: {
        moduleSize: 4,
        latents: { k: 4 },
        steps: 6,
        batchSize: 8,
        evaluationTrials: 8,
        corpus: { trialsPerTask: 32 },
      },
      analysisTrials: 16,
      perturbations: [{ id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 }, 'module-lesion'],
    },
  });
});
afterAll(() => scratch.remove());

const run = (...args: string[]) => molap(args, { cwd: scratch.root });

describe('molap pretrain, learn and perturb', () => {
  it('pre-train a bank, learn the tasks on it, and perturb the saved model', async () => {
    const pretrain = await run('pretrain', '--out', 'banks/tiny');
    expect(pretrain.code, pretrain.stderr).toBe(0);
    expect(pretrain.stdout).toMatch(
      /^module bank: 4 modules × 4 units, pre-trained on CCA latents of 2 tasks \(fdgo, dm1\), seed 1\n/,
    );
    expect(pretrain.stderr).toContain('✔ pretrain: 4 modules of 4 units');
    expect(pretrain.stderr).toContain('✔ saved the bank in banks/tiny');
    expect(readdirSync(join(scratch.root, 'banks/tiny')).sort()).toEqual(['bank.json', 'modules']);
    const again = await run('pretrain', '--out', 'banks/tiny');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('molap: banks/tiny already holds a module bank');

    const learn = await run('learn', '--bank', 'banks/tiny', '--out', 'models/molap', '--json', '--quiet');
    expect(learn.code, learn.stderr).toBe(0);
    const learned = JSON.parse(learn.stdout);
    expect(learned.strategy).toBe('molap');
    expect(learned.records.map((record: { taskId: string }) => record.taskId)).toEqual(['fdgo', 'dm1', 'reactgo']);
    expect(learned.records[0].steps).toBe(6);
    expect(existsSync(join(scratch.root, 'models/molap/strategy.json'))).toBe(true);
    expect(existsSync(join(scratch.root, 'models/molap/learning-checkpoints'))).toBe(false);

    const perturb = await run('perturb', 'models/molap', '--quiet');
    expect(perturb.code, perturb.stderr).toBe(0);
    expect(perturb.stdout).toMatch(/^mean performance over 3 tasks \(16 trials each\) at each magnitude\n/);
    expect(perturb.stdout).toMatch(/\nunit-silencing\s+[\d.]+\s+0: [\d.]+ {2}0\.5: [\d.]+\n/);
    expect(perturb.stdout).toMatch(/\nmodule-lesion\s+[\d.]+\s+0: [\d.]+ {2}0\.125: /);
  }, 60_000);

  it('learn a baseline of run.models by its label, and perturb it (module lesions are skipped)', async () => {
    const learn = await run('learn', '--model', 'mt16', '--tasks', 'fdgo,dm1', '--out', 'models/mt16');
    expect(learn.code, learn.stderr).toBe(0);
    expect(learn.stdout).toMatch(
      /^task\s+performance\s+trials to criterion\s+trainable\s+updates\s+score\nfdgo\s+[\d.]+\s+\S+\s+2193\s+\d+\s+Yang's last-step criterion ≥ 0\.9\n/,
    );
    const perturb = await run('perturb', 'models/mt16', '--json', '--out', 'curves/mt16.json', '--quiet');
    expect(perturb.code, perturb.stderr).toBe(0);
    const curves = JSON.parse(perturb.stdout);
    expect(curves.strategy).toBe('multitask');
    expect(curves.curves.map((curve: { id: string }) => curve.id)).toEqual(['unit-silencing', 'module-lesion']);
    expect(curves.curves[1].skipped).toMatch(/no separate modules/);
    expect(JSON.parse(readFileSync(join(scratch.root, 'curves/mt16.json'), 'utf8'))).toEqual(curves);
  }, 60_000);

  it.each([
    [
      ['learn', '--out', 'models/x'],
      'molap: molap learn --model molap needs the module bank to learn on: --bank <dir>',
    ],
    [['learn', '--model', 'mt61', '--out', 'models/x'], 'molap: unknown model "mt61". Did you mean "mt16"?'],
    [
      ['learn', '--model', 'mt16', '--seed', '1,2', '--out', 'models/x'],
      'molap: molap learn works with one seed, got 1, 2',
    ],
    [['pretrain'], '`molap pretrain` needs --out <dir>'],
    [['pretrain', '--tasks', 'fdgo,dm9', '--out', 'banks/x'], "molap: unknown task 'dm9'"],
    [['perturb', 'nowhere'], 'molap: cannot load a model from nowhere:'],
  ])('exit 2 on bad input: %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(message);
    expect(existsSync(join(scratch.root, 'models/x'))).toBe(false);
  });
});

describe('molap report', () => {
  it('re-renders the report of a finished run, and refuses a folder without results', async () => {
    const finished = await run('run', '--quiet', '--models', 'molap,multitask', '--out', 'runs');
    expect(finished.code, finished.stderr).toBe(0);
    const runDir = join(scratch.root, 'runs', readdirSync(join(scratch.root, 'runs'))[0]);
    const before = readFileSync(join(runDir, 'report.html'), 'utf8');
    const rendered = await run('report', runDir, '--out', 'slides/report.html', '--title', 'Lab meeting');
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toBe('report: slides/report.html\n');
    const html = readFileSync(join(scratch.root, 'slides/report.html'), 'utf8');
    expect(html).toContain('<title>Lab meeting</title>');
    expect(html.replace(/Lab meeting/g, 'molap run report')).toBe(before);
    const mtime = statSync(join(runDir, 'report.html')).mtimeMs;
    const inPlace = await run('report', runDir);
    expect(inPlace.code).toBe(0);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toBe(before);
    expect(statSync(join(runDir, 'report.html')).mtimeMs).toBeGreaterThanOrEqual(mtime);

    scratch.write('empty/.keep', '');
    const empty = await run('report', 'empty');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^molap: .*results\.json cannot be read/);
    expect(empty.stderr).toContain('hint: pass a run folder of molap run that finished');

    // --partial: a run folder where multitask has a job left (its training) gives MoLaP's results and report alone
    const unfinished = join(scratch.root, 'unfinished');
    cpSync(runDir, unfinished, { recursive: true });
    rmSync(join(unfinished, 'state', 'jobs', 'train', 'multitask'), { recursive: true });
    rmSync(join(unfinished, 'results.json'));
    const partial = await run('report', 'unfinished', '--partial');
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stdout).toMatch(/^\d+ of \d+ jobs done; finished models: molap\n/);
    expect(partial.stdout).toContain('not finished, left out: multitask\n');
    expect(partial.stdout).toContain('results: unfinished/partial-results.json\n');
    const full = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    const some = JSON.parse(readFileSync(join(unfinished, 'partial-results.json'), 'utf8'));
    expect(Object.keys(some.models)).toEqual(['molap']);
    expect(some.models.molap).toEqual(full.models.molap);
    expect(readFileSync(join(unfinished, 'partial-report.html'), 'utf8')).toContain(
      '<title>molap run report (partial: 1 of 2 models)</title>',
    );
    expect(existsSync(join(unfinished, 'results.json'))).toBe(false);
    rmSync(join(unfinished, 'state', 'jobs', 'train', 'molap'), { recursive: true });
    const none = await run('report', 'unfinished', '--partial');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no model of the run in \S+ has finished all its jobs yet \(\d+ of \d+ jobs done\)/);
  }, 60_000);
});
