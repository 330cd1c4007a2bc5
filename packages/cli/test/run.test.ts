import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_SECTIONS, validateResults } from '@molap/analysis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, packageRoot, type Result, repoRoot, type Scratch, startMolap } from './support.js';

/**
 * A tiny study: two corpus tasks and a held-out one, three models (MoLaP, random modules, multitask),
 * 4 modules of 4 units, 16-unit networks, a few steps, two perturbations. Seconds, not science.
 */
const TINY_CONFIG = {
  backend: { engine: 'native', threads: 1 },
  run: {
    tasks: ['fdgo', 'dm1', 'reactgo'],
    heldOut: ['reactgo'],
    models: ['molap', 'random-modules', 'multitask'],
    budget: { preset: 'quick', steps: 8, batchSize: 8, evalEvery: 4, evalTrials: 16 },
    network: { hiddenSize: 16 },
    bank: {
      moduleSize: 4,
      latents: { k: 4 },
      steps: 8,
      batchSize: 8,
      evaluationTrials: 8,
      checkpointEvery: 2,
      corpus: { trialsPerTask: 32 },
      workers: 2,
    },
    analysisTrials: 16,
    perturbations: [{ id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 }, 'module-lesion'],
  },
};

let scratch: Scratch;
/** The uninterrupted tiny run (JSON mode): every interrupted run must end with its results. */
let reference: { result: Result; runDir: string; events: { type: string }[] };
beforeAll(async () => {
  scratch = createScratch('molap-cli-run-');
  scratch.write('molap.config.json', TINY_CONFIG);
  const result = await molap(['run', '--json', '--out', 'reference'], { cwd: scratch.root });
  expect(result.code, result.stderr).toBe(0);
  reference = {
    result,
    runDir: JSON.parse(result.stdout).runDir,
    events: result.stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line)),
  };
}, 60_000);
afterAll(() => scratch.remove());

const run = (args: readonly string[], env?: Record<string, string>) =>
  molap(['run', ...args], { cwd: scratch.root, env });
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** results.json without wall-clock times. */
const timeless = (dir: string) => ({ ...readJson(join(dir, 'results.json')), timings: null });
const onlyFolder = (parent: string) => {
  const entries = readdirSync(join(scratch.root, parent));
  expect(entries).toHaveLength(1);
  return join(scratch.root, parent, entries[0]);
};

describe.concurrent('molap run', () => {
  it('runs two jobs at once in worker threads with --jobs 2, to the same results', async () => {
    const result = await run(['--jobs', '2', '--threads', '2', '--json', '--out', 'two-jobs']);
    expect(result.code, result.stderr).toBe(0);
    const start = JSON.parse(result.stderr.split('\n')[0]!);
    expect(start).toMatchObject({ type: 'run-start', jobs: 2 });
    expect(timeless(onlyFolder('two-jobs'))).toEqual(timeless(reference.runDir));
    const capped = await run(['--jobs', '3', '--threads', '2', '--dry-run']);
    expect(capped.stderr).toContain('molap: note: --jobs 3 is capped at the 2 threads of the engine (--threads)');
    const redis = await run(['--jobs', '2', '--executor', 'redis://127.0.0.1:1']);
    expect(redis.code).toBe(2);
    expect(redis.stderr).toContain('--jobs counts the jobs run at once on this machine; with --executor the workers');
    expect(redis.stderr).toContain('--concurrency');
  }, 60_000);

  it('writes a run folder with the config, the results and a report, and prints a JSON summary', () => {
    const { runDir, events } = reference;
    const summary = JSON.parse(reference.result.stdout);
    expect(runDir).toMatch(/reference[/\\]\d{8}-\d{6}-quick$/);
    expect(summary.report).toBe(join(runDir, 'report.html'));
    expect(summary.models.map((model: { name: string }) => model.name)).toEqual([
      'molap',
      'random-modules',
      'multitask',
    ]);
    expect(summary.claims.map((claim: { id: string }) => claim.id)).toEqual([
      'efficiency',
      'robustness',
      'generalisation',
    ]);
    for (const model of summary.models) {
      expect(model.corpus).toBeGreaterThanOrEqual(0);
      expect(model.corpus).toBeLessThanOrEqual(1);
    }
    expect(readdirSync(runDir).sort()).toEqual(
      ['example-trials.json', 'report.html', 'results.json', 'run.json', 'state'].sort(),
    );
    const record = readJson(join(runDir, 'run.json'));
    const manifest = readJson(join(packageRoot, 'package.json'));
    expect(record).toMatchObject({
      format: 'molap-run',
      formatVersion: 2,
      molapVersion: manifest.version,
      preset: 'quick',
      seeds: [1],
      config: { run: { tasks: ['fdgo', 'dm1', 'reactgo'] } },
      plan: { corpus: ['fdgo', 'dm1'], heldOut: ['reactgo'], budget: { steps: 8, batchSize: 8, criterion: 0.9 } },
    });
    const results = readJson(join(runDir, 'results.json'));
    expect(validateResults(results)).toEqual([]);
    expect(results.preset).toBe('quick');
    expect(Object.keys(results.models)).toEqual(['molap', 'random-modules', 'multitask']);
    expect(results.models.molap.modules).toEqual([4, 4, 4, 4]);
    expect(Object.keys(results.models.multitask.generalisationVariants)).toEqual(['rule-inputs']);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    for (const section of REPORT_SECTIONS) expect(html).toContain(`id="${section}"`);
    expect(html).toContain('<svg');
    expect(existsSync(join(runDir, 'state', 'jobs', 'bank', 'seed-1', 'files', 'bank', 'bank.json'))).toBe(true);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);

    const types = events.map((event) => event.type);
    expect(types[0]).toBe('run-start');
    expect(types.at(-1)).toBe('run-end');
    expect(types).toEqual(
      expect.arrayContaining(['bank-start', 'bank-end', 'pretrain', 'stage-start', 'stage-end', 'curve']),
    );
    const progress = events.filter((event) => event.type === 'run-progress') as unknown as {
      fraction: number;
      etaSeconds: number | null;
    }[];
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.map((event) => event.fraction)).toEqual([...progress.map((event) => event.fraction)].sort());
  });

  it('prints stage lines, the summary table and the report path (human mode)', async () => {
    const result = await run(['--out', 'human', '--models', 'molap,multitask', '--perturbations', 'readout-noise']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^✔ run folder human[/\\]\d{8}-\d{6}-quick: preset quick, 2 models × 1 seed, 2 corpus \+ 1 held-out tasks/,
    );
    expect(result.stderr).toContain('✔ molap: extract latent primitives: 4 cca latents');
    expect(result.stderr).toContain('✔ molap: pre-train modules: 4 modules of 4 units');
    expect(result.stderr).toContain('✔ multitask: learn held-out task reactgo (rule-inputs) in');
    expect(result.stderr).toMatch(/✔ molap run: done in \d/);
    expect(result.stdout).toMatch(
      /^mean final performance \(2 corpus tasks, 1 held out; seed 1\)\nmodel\s+corpus\s+held-out\s+all\s+trainable\/task\s+robustness AUC\nmolap\s+[\d.]+/,
    );
    expect(result.stdout).toMatch(/\nefficiency\s+(supported|mixed|not-supported)\s+multitask [✔✘]\n/);
    expect(result.stdout).toMatch(/\nreport: human[/\\]\d{8}-\d{6}-quick[/\\]report\.html\n$/);
  }, 60_000);

  it('is silent on stderr with --quiet', async () => {
    const result = await run(['--out', 'quiet', '--quiet', '--models', 'multitask', '--perturbations', 'input-noise']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('report: quiet');
  }, 60_000);

  it.each([
    ['SIGINT', 'SIGINT'],
    ['SIGKILL', 'SIGKILL'],
  ] as const)(
    'ends with the same results after %s at a random moment and --resume',
    async (_name, signal) => {
      // A random moment: after a random number of the progress lines an uninterrupted run prints.
      const lines = 1 + Math.floor(Math.random() * (reference.events.length - 2));
      const out = `interrupted-${signal}`;
      const { child, output, exited } = startMolap(['run', '--json', '--out', out], { cwd: scratch.root });
      while (output.stderr.split('\n').length <= lines && child.exitCode === null) {
        await new Promise((resume) => setTimeout(resume, 5));
      }
      child.kill(signal);
      const stopped = await exited;
      const runDir = onlyFolder(out);
      if (signal === 'SIGINT' && stopped.code !== 0) {
        expect(stopped.code, `stopped after ${lines} lines`).toBe(130);
        expect(stopped.stderr).toContain('molap: stopping at the next checkpoint (Ctrl-C again to stop at once)');
        expect(stopped.stderr).toMatch(
          /molap: interrupted; the run folder keeps every checkpoint\. Continue with:\n {2}molap run --resume interrupted-SIGINT[/\\]\d{8}-\d{6}-quick\n$/,
        );
        expect(existsSync(join(runDir, 'run.lock')), 'lock released').toBe(false);
      }
      const resumed = await run(['--resume', runDir, '--json']);
      expect(resumed.code, `${resumed.stderr} (stopped after ${lines} lines)`).toBe(0);
      expect(resumed.stderr.split('\n')[0]).toContain('"resumed":true');
      expect(timeless(runDir), `stopped after ${lines} lines`).toEqual(timeless(reference.runDir));
    },
    60_000,
  );

  it('resumes a finished run to the same results, reading every stage back', async () => {
    const copy = join(scratch.root, 'finished');
    cpSync(reference.runDir, copy, { recursive: true });
    const result = await run(['--resume', 'finished']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('✔ resuming finished: preset quick');
    expect(result.stderr).toContain('✔ molap: learn the corpus (done in an earlier session)');
    expect(result.stderr).not.toContain('pre-train modules');
    expect(timeless(copy)).toEqual(timeless(reference.runDir));
  }, 60_000);
});

describe.concurrent('molap run --dry-run: presets, config file and flags', () => {
  const plan = async (args: readonly string[], cwd: string) => {
    const result = await molap(['run', '--dry-run', ...args], { cwd });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('starts from the quick preset, or the built-in preset --preset names', async () => {
    const empty = createScratch();
    try {
      const quick = await plan([], empty.root);
      expect(quick).toMatchObject({
        preset: 'quick',
        basePreset: 'quick',
        corpus: ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'],
        heldOut: ['delayanti', 'dmcgo'],
        seeds: [1],
      });
      expect(quick.models.map((model: { name: string }) => model.name)).toEqual([
        'molap',
        'random-modules',
        'multitask',
        'independent',
        'psp',
        'ewc',
        'sequential',
      ]);
      const standard = await plan(['--preset', 'standard'], empty.root);
      const { BUDGET_PRESETS } = await import('@molap/core');
      expect(standard.budget).toEqual({ ...BUDGET_PRESETS.standard, steps: 500 });
      expect(standard.analysisTrials).toBe(128);
      expect(standard.bank.preset).toBe('standard');
      const paper = await plan(['--preset', 'paper'], empty.root);
      expect(paper.tasks).toHaveLength(20);
      expect(paper.seeds).toEqual([1, 2, 3]);
      expect(existsSync(join(empty.root, 'molap-runs'))).toBe(false);
    } finally {
      empty.remove();
    }
  });

  it('lets the config file, its presets and the flags override every value', async () => {
    const project = createScratch();
    try {
      project.write('molap.config.json', {
        run: { budget: { steps: 50 }, network: { hiddenSize: 32 }, bank: { latents: { k: 6 } } },
        presets: { long: { run: { preset: 'standard', budget: { steps: 2000 } } } },
      });
      const file = await plan(['--steps', '7', '--modules', '5', '--models', 'molap,ewc'], project.root);
      expect(file.budget).toMatchObject({ steps: 7, batchSize: 32 });
      expect(file.bank.latents).toEqual({ k: 5 });
      expect(file.models).toEqual([
        { name: 'molap', strategy: 'molap', options: {} },
        { name: 'ewc', strategy: 'ewc', options: { hiddenSize: 32 } },
      ]);
      const long = await plan(['--preset', 'long'], project.root);
      expect(long).toMatchObject({ preset: 'long', basePreset: 'standard', budget: { steps: 2000, batchSize: 64 } });
    } finally {
      project.remove();
    }
  });

  it('takes --seeds and run.seeds as a count N (seeds 1..N), a list or a range', async () => {
    const project = createScratch();
    try {
      expect((await plan(['--seeds', '3'], project.root)).seeds).toEqual([1, 2, 3]);
      expect((await plan(['--seeds', '4..6'], project.root)).seeds).toEqual([4, 5, 6]);
      project.write('molap.config.json', { run: { seeds: 2 } });
      expect((await plan([], project.root)).seeds).toEqual([1, 2]);
      expect((await plan(['--seeds', '2,5'], project.root)).seeds).toEqual([2, 5]);
    } finally {
      project.remove();
    }
  }, 90_000);
});

describe.concurrent('molap run: bad input', () => {
  it.each([
    [
      ['--preset', 'quik'],
      2,
      'molap: unknown preset "quik". Did you mean "quick"?',
      'the built-in presets are quick, standard, paper',
    ],
    [['--tasks', 'fdgo,dm7'], 2, "molap: unknown task 'dm7'. Did you mean 'dm1'?", 'molap tasks list'],
    [
      ['--held-out', 'dm2'],
      2,
      'molap: held-out task "dm2" is not one of the run\'s tasks (fdgo, dm1, reactgo)',
      '--tasks',
    ],
    [['--held-out', 'fdgo,dm1,reactgo'], 2, 'molap: every task of the run is held out', 'run.tasks'],
    [['--models', 'molap,multitsk'], 2, 'molap: unknown model "multitsk". Did you mean "multitask"?', 'random-modules'],
    [['--budget', 'quik'], 2, 'molap: unknown budget preset "quik". Did you mean "quick"?', 'quick, standard'],
    [
      ['--perturbations', 'unit-silence'],
      2,
      'molap: unknown perturbation "unit-silence". Did you mean "unit-silencing"?',
      'readout-noise',
    ],
    [['--seeds', '1,1'], 2, 'molap: run.seeds lists 1 twice', undefined],
    [['--seeds', '0'], 2, 'molap: --seeds must be a count N (seeds 1..N), a list s,t,… or a range a..b', '--seeds 3'],
    [['--seeds', '3..1'], 2, 'molap: --seeds must be a count N (seeds 1..N), a list s,t,… or a range a..b', undefined],
    [['--seeds', '1,x'], 2, 'molap: --seeds must be a count N (seeds 1..N), a list s,t,… or a range a..b', undefined],
    [['--hidden-size', '0'], 2, 'molap: --hidden-size must be an integer >= 1, got "0"', undefined],
    [['--resume', 'nowhere'], 2, 'molap: nowhere is not a run folder (it has no run.json)', 'pass the folder'],
  ])('%j exits %i', async (flags, code, message, hint) => {
    const result = await run(flags);
    expect(result.code).toBe(code);
    expect(result.stderr.split('\n')[0]).toContain(message);
    if (hint) expect(result.stderr).toContain(hint);
    expect(existsSync(join(scratch.root, 'molap-runs'))).toBe(false);
  });

  it('rejects option values the libraries reject, before any work (exit 2)', async () => {
    const bad = createScratch();
    try {
      bad.write('molap.config.json', { run: { ...TINY_CONFIG.run, network: { activation: 'sigmoid' } } });
      const network = await molap(['run'], { cwd: bad.root });
      expect(network.code).toBe(2);
      expect(network.stderr).toMatch(
        /^molap: molap.config.json: run.network.activation must be one of softplus, relu, tanh, got "sigmoid"/,
      );
      bad.write('molap.config.json', { run: { ...TINY_CONFIG.run, molap: { trainable: 'everything' } } });
      const molapOptions = await molap(['run'], { cwd: bad.root });
      expect(molapOptions.code).toBe(2);
      expect(molapOptions.stderr).toMatch(/^molap: molap.config.json: run.molap.trainable must be one of /);
      bad.write('molap.config.json', {
        run: { ...TINY_CONFIG.run, models: [{ strategy: 'multitask', options: { activation: 'sigmoid' } }] },
      });
      const spec = await molap(['run'], { cwd: bad.root });
      expect(spec.code).toBe(2);
      expect(spec.stderr).toMatch(
        /^molap: model "multitask": multitask option activation must be one of 'softplus', 'relu', 'tanh', got "sigmoid"/,
      );
      expect(existsSync(join(bad.root, 'molap-runs'))).toBe(false);
    } finally {
      bad.remove();
    }
  });

  it('rejects a malformed config file, with the key and a "did you mean" (exit 2)', async () => {
    const bad = createScratch();
    try {
      bad.write('molap.config.json', '{ "run": { "steps": 3, } }');
      const syntax = await molap(['run'], { cwd: bad.root });
      expect(syntax.code).toBe(2);
      expect(syntax.stderr).toContain('molap: molap.config.json is not valid JSON');
      bad.write('molap.config.json', { run: { sedds: [1] } });
      const unknown = await molap(['run'], { cwd: bad.root });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr.split('\n')[0]).toBe(
        'molap: molap.config.json: unknown key "run.sedds". Did you mean "seeds"?',
      );
      bad.write('molap.config.json', { run: { bank: { latents: { k: 'eight' } } } });
      const type = await molap(['run'], { cwd: bad.root });
      expect(type.code).toBe(2);
      // run.bank.latents holds the options of the chosen extractor, which checks them (before any folder).
      expect(type.stderr.split('\n')[0]).toBe(
        `molap: run.bank.latents: 'cca' extractor option k must be a positive integer, got "eight"`,
      );
    } finally {
      bad.remove();
    }
  });

  it('fails when the run folder cannot be created (exit 1)', async () => {
    scratch.write('a-file', 'not a folder');
    const result = await run(['--out', 'a-file/runs']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^molap: cannot create a run folder in .*a-file[/\\]runs: (ENOTDIR|EEXIST)/);
    expect(result.stderr).toContain('hint: choose a folder you can write to with --out <dir>');
  });

  it('refuses to resume a run folder of another molap version or a newer format (exit 2), or to change its config', async () => {
    const record = readJson(join(reference.runDir, 'run.json'));
    const old = join(scratch.root, 'old-version');
    mkdirSync(old);
    writeFileSync(join(old, 'run.json'), JSON.stringify({ ...record, molapVersion: '0.0.1' }));
    const version = await run(['--resume', 'old-version']);
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(
      /^molap: old-version was started by molap 0\.0\.1; this is molap \d+\.\d+\.\d+, whose results may differ, so it cannot resume it\n {2}hint: resume it with molap 0\.0\.1/,
    );
    const future = join(scratch.root, 'future-format');
    mkdirSync(future);
    writeFileSync(join(future, 'run.json'), JSON.stringify({ ...record, formatVersion: 99 }));
    const format = await run(['--resume', 'future-format']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(
      /run\.json: has format version 99, newer than the version 2 .*; molap \S+ started it\n {2}hint: resume it with molap /,
    );
    const past = join(scratch.root, 'past-format');
    mkdirSync(past);
    writeFileSync(join(past, 'run.json'), JSON.stringify({ ...record, formatVersion: 1 }));
    const older = await run(['--resume', 'past-format']);
    expect(older.code).toBe(2);
    expect(older.stderr).toMatch(
      /run\.json: has format version 1, older than the version 2 .*; molap \S+ started it\n {2}hint: resume it with molap /,
    );
    const changed = await run(['--resume', reference.runDir, '--steps', '100']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(
      'molap: --resume continues a run with the config it started with: --steps cannot change it',
    );
  });

  it('refuses a run folder another live molap process works in (exit 1)', async () => {
    const copy = join(scratch.root, 'locked');
    cpSync(reference.runDir, copy, { recursive: true });
    writeFileSync(join(copy, 'run.lock'), `${process.pid}\n`);
    const result = await run(['--resume', 'locked']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`molap: another molap process (pid ${process.pid}) is working in`);
  });

  it('reports a full disk while writing, keeps the folder resumable, and resumes to the same results', async () => {
    const diskFull = join(packageRoot, 'test', 'fixtures', 'disk-full.mjs');
    const full = await run(['--out', 'disk-full'], {
      NODE_OPTIONS: `--import ${diskFull}`,
      MOLAP_TEST_DISK_FULL: 'results\\.json',
    });
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(
      /molap: the disk is full while writing the run \(ENOSPC: no space left on device, write\)\n {2}hint: free some space or fix the folder, then continue with `molap run --resume disk-full[/\\]\d{8}-\d{6}-quick`/,
    );
    const runDir = onlyFolder('disk-full');
    expect(readdirSync(runDir).filter((name) => name.startsWith('results.json'))).toEqual([]);
    const resumed = await run(['--resume', runDir, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(timeless(runDir)).toEqual(timeless(reference.runDir));
  }, 60_000);

  it('names the task and the plugin when a plugin throws while generating trials (exit 1)', async () => {
    const project = createScratch('molap-cli-flaky-');
    try {
      project.write('package.json', { name: 'lab', private: true, dependencies: { 'molap-task-flaky': '1.0.0' } });
      mkdirSync(join(project.root, 'node_modules', '@molap'), { recursive: true });
      symlinkSync(join(repoRoot, 'packages', 'tasks'), join(project.root, 'node_modules', '@molap', 'tasks'), 'dir');
      project.write('node_modules/molap-task-flaky/package.json', {
        name: 'molap-task-flaky',
        version: '1.0.0',
        type: 'module',
        molap: { apiVersion: 1, tasks: './tasks.js' },
      });
      project.write(
        'node_modules/molap-task-flaky/tasks.js',
        [
          "import { YANG19_TASKS } from '@molap/tasks';",
          'const base = YANG19_TASKS.fdgo;',
          // Passes the conformance check at discovery (small batches), fails on the run's larger ones.
          'export const tasks = [{ ...base, id: "lab/flaky", rule: "fdgo", generate(rng, options) {',
          '  if (options.batchSize > 4) throw new Error("the stimulus table is missing");',
          '  return { ...base.generate(rng, options), taskId: "lab/flaky" };',
          '} }];',
        ].join('\n'),
      );
      project.write('molap.config.json', {
        ...TINY_CONFIG,
        run: { ...TINY_CONFIG.run, tasks: ['fdgo', 'lab/flaky', 'reactgo'] },
      });
      const result = await molap(['run', '--quiet'], { cwd: project.root });
      expect(result.code).toBe(1);
      // The plugin passes discovery's conformance check and the resource plan's probe (small batches) and fails
      // on the run's batches: the error names the task, the plugin and the fix, then how to continue.
      // Every job that does not need the task ran; each model's training failed on it.
      expect(result.stderr).toMatch(
        /^molap: task 'lab\/flaky' failed while generating trials: the stimulus table is missing \(molap-task-flaky@1\.0\.0\); 2 other jobs failed too \(random-modules: learning the corpus \(seed 1\); multitask: learning the corpus \(seed 1\)\); \d+ jobs waited on a failed one and did not run\n {2}hint: this is a bug in the plugin: update or fix molap-task-flaky@1\.0\.0.*continue with `molap run --resume /,
      );
    } finally {
      project.remove();
    }
  }, 60_000);
});
