import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateComparisonTable } from '@molap/baselines';
import { readNpz } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScratch,
  examplePlugin,
  installPackedPackages,
  linkExamplePackage,
  linkExamplePlugin,
  molap,
  packageRoot,
  repoRoot,
  type Scratch,
  TINY_COMPARE_BUDGET,
} from './support.js';

const NEUROGYM_IDS = [
  'neurogym/perceptual-decision-making',
  'neurogym/go-no-go',
  'neurogym/ready-set-go',
  'neurogym/delay-comparison',
];
const EXAMPLE_SOURCE = 'molap-task-neurogym-classics@0.1.0';

/**
 * A project depending on the repository's example plugin (linked into node_modules, as npm links a local
 * package), a broken plugin (its tasks file is missing), a plain package and a dependency that is not installed.
 */
let project: Scratch;
/** The same project with only the example plugin. */
let clean: Scratch;

beforeAll(() => {
  project = createScratch('molap-cli-project-');
  project.write('package.json', {
    name: 'lab',
    private: true,
    dependencies: { 'molap-task-neurogym-classics': '^0.1.0', 'molap-task-broken': '1.0.0', 'left-pad': '1.3.0' },
    devDependencies: { 'not-installed': '1.0.0' },
  });
  linkExamplePlugin(project);
  project.write('node_modules/molap-task-broken/package.json', {
    name: 'molap-task-broken',
    version: '1.0.0',
    molap: { apiVersion: 1, tasks: './dist/tasks.js' },
  });
  project.write('node_modules/left-pad/package.json', { name: 'left-pad', version: '1.3.0' });
  project.write('src/analysis/.keep', '');
  clean = createScratch('molap-cli-clean-');
  clean.write('package.json', {
    name: 'lab',
    private: true,
    dependencies: { 'molap-task-neurogym-classics': '^0.1.0' },
  });
  linkExamplePlugin(clean);
});
afterAll(() => {
  project.remove();
  clean.remove();
});

describe.concurrent('task plugins of the project', () => {
  it('lists the plugin tasks with their source package', async () => {
    const result = await molap(['tasks', 'list', '--json'], { cwd: clean.root });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const rows: { id: string; source: string }[] = JSON.parse(result.stdout);
    expect(rows).toHaveLength(24);
    expect(rows.slice(20).map((row) => [row.id, row.source])).toEqual(NEUROGYM_IDS.map((id) => [id, EXAMPLE_SOURCE]));
  });

  it('finds the project from a subfolder, and with --project', async () => {
    const below = await molap(['tasks', 'list', '--tag', 'neurogym'], { cwd: join(project.root, 'src/analysis') });
    expect(below.code).toBe(0);
    expect(below.stdout).toContain(`neurogym/go-no-go`);
    expect(below.stdout).toContain(EXAMPLE_SOURCE);
    const elsewhere = await molap(['tasks', 'list', '--tag', 'neurogym', '--project', clean.root]);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout.trimEnd().split('\n')).toHaveLength(1 + NEUROGYM_IDS.length);
  });

  it('warns about a broken plugin with its source and hint, and still lists the others', async () => {
    const result = await molap(['tasks', 'list', '--tag', 'neurogym'], { cwd: project.root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('neurogym/ready-set-go');
    expect(result.stderr).toContain('molap: warning: cannot find ./dist/tasks.js');
    expect(result.stderr).toContain('  source: molap-task-broken@1.0.0');
    expect(result.stderr).toContain('  hint: is the package built and is the file listed in "files"?');
  });

  it('fails with --strict when a plugin is broken', async () => {
    const result = await molap(['tasks', 'list', '--strict'], { cwd: project.root });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('molap: 1 plugin problem (--strict)');
  });

  it('explains discovery: loaded, skipped with reasons, problems', async () => {
    const result = await molap(['tasks', 'doctor'], { cwd: project.root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`✔ ${EXAMPLE_SOURCE}: 4 tasks (${NEUROGYM_IDS.join(', ')})`);
    expect(result.stdout).toContain('- left-pad: has no "molap" field in its package.json (not a task plugin)');
    expect(result.stdout).toMatch(
      /- not-installed: is not installed \(no node_modules\/not-installed from .* upwards\)/,
    );
    expect(result.stdout).toContain('problems (1)\n  ✖ cannot find ./dist/tasks.js');
    expect(result.stdout).toContain('      source: molap-task-broken@1.0.0');
    const strict = await molap(['tasks', 'doctor', '--strict'], { cwd: project.root });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe(result.stdout);
  });

  it('reports discovery as JSON', async () => {
    const result = await molap(['tasks', 'doctor', '--json'], { cwd: project.root });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.loaded).toEqual([
      expect.objectContaining({ package: 'molap-task-neurogym-classics', version: '0.1.0', tasks: NEUROGYM_IDS }),
    ]);
    expect(report.skipped.map((skip: { package: string }) => skip.package)).toEqual(['left-pad', 'not-installed']);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'missing-file', source: 'molap-task-broken@1.0.0' }),
    ]);
  });

  it('loads exactly the plugins named with --plugins', async () => {
    const result = await molap(['tasks', 'doctor', '--plugins', 'molap-task-neurogym-classics'], { cwd: project.root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('listed in the config: molap-task-neurogym-classics');
    expect(result.stdout).toContain('problems (0)');
    const missing = await molap(['tasks', 'doctor', '--json', '--plugins', 'left-pad'], { cwd: project.root });
    expect(JSON.parse(missing.stdout).problems).toEqual([expect.objectContaining({ code: 'not-found' })]);
  });

  it('says why no plugins are loaded outside a project', async () => {
    const empty = createScratch();
    try {
      const result = await molap(['tasks', 'doctor'], { cwd: empty.root });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('no package.json');
      expect(result.stdout).toContain('only the built-in tasks are available');
    } finally {
      empty.remove();
    }
  });

  it('shows, plots and exports a plugin task', async () => {
    const shown = await molap(['tasks', 'show', 'neurogym/go-no-go', '--json', '--trials', '20'], { cwd: clean.root });
    expect(shown.code).toBe(0);
    // the plugin's tasks give no version of their own: they carry the package's
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: 'neurogym/go-no-go',
      source: EXAMPLE_SOURCE,
      version: EXAMPLE_SOURCE.split('@')[1],
    });
    const text = await molap(['tasks', 'show', 'neurogym/go-no-go', '--trials', '5'], { cwd: clean.root });
    expect(text.stdout).toContain(`\nversion   ${EXAMPLE_SOURCE.split('@')[1]}\n`);
    expect((await molap(['tasks', 'show', 'fdgo', '--trials', '5'], { cwd: clean.root })).stdout).not.toContain(
      '\nversion ',
    );
    const timing = await molap(['tasks', 'show', 'neurogym/ready-set-go', '--json', '--trials', '5'], {
      cwd: clean.root,
    });
    expect(JSON.parse(timing.stdout)).toMatchObject({
      rule: 'neurogym/ready-set-go',
      score: { id: 'response-timing' },
    });
    const closest = await molap(['tasks', 'show', 'go-no-go'], { cwd: clean.root });
    expect(closest.code).toBe(2);
    expect(closest.stderr).toContain("Did you mean 'neurogym/go-no-go'?");
    const plotted = await molap(['tasks', 'plot', 'neurogym/ready-set-go', '--out', 'rsg.svg'], { cwd: clean.root });
    expect(plotted.code).toBe(0);
    const exported = await molap(['tasks', 'export', 'neurogym/go-no-go', '--mode', 'test', '--out', 'gng.npz'], {
      cwd: clean.root,
    });
    expect(exported.code).toBe(0);
    const batch = await readNpz(join(clean.root, 'gng.npz'));
    expect(batch.taskId).toBe('neurogym/go-no-go');
    expect(batch.inputSize).toBe(66); // alone, a plugin task's rule block is its own rule
  });
});

/**
 * Plugins a user gets wrong: a task whose batch has a wrong-shaped target (built on the example plugin's
 * go/no-go), a manifest with a misspelt key, and a misspelt --plugins name.
 */
describe('conformance and manifest checks at discovery', () => {
  let lab: Scratch;
  beforeAll(() => {
    lab = createScratch('molap-cli-lab-');
    lab.write('package.json', {
      name: 'lab',
      private: true,
      dependencies: {
        'molap-task-neurogym-classics': '^0.1.0',
        'molap-task-bad': '1.0.0',
        'molap-task-typo': '1.0.0',
        'molap-strategy-broken': '1.0.0',
      },
    });
    linkExamplePlugin(lab);
    lab.write('node_modules/molap-task-bad/package.json', {
      name: 'molap-task-bad',
      version: '1.0.0',
      type: 'module',
      molap: { apiVersion: 1, tasks: './tasks.js' },
    });
    lab.write(
      'node_modules/molap-task-bad/tasks.js',
      `import { createGoNoGo } from 'molap-task-neurogym-classics';
const good = createGoNoGo({ id: 'bad/fine' });
const base = createGoNoGo({ id: 'bad/short-targets' });
export const tasks = [good, { ...base, generate(rng, options) { const batch = base.generate(rng, options); return { ...batch, targets: batch.targets.subarray(1) }; } }];
`,
    );
    // A strategy with an integer version (versions are semver) and no create: its registry refuses it.
    lab.write('node_modules/molap-strategy-broken/package.json', {
      name: 'molap-strategy-broken',
      version: '1.0.0',
      type: 'module',
      molap: { apiVersion: 2, strategies: './strategies.js' },
    });
    lab.write(
      'node_modules/molap-strategy-broken/strategies.js',
      `export const strategies = [{ id: 'lab/broken', version: 1, meta: { displayName: 'Broken', description: 'x', schedule: 'independent' }, defaults: {}, load: async () => undefined }];\n`,
    );
    lab.write('node_modules/molap-task-typo/package.json', {
      name: 'molap-task-typo',
      version: '1.0.0',
      molap: { apiVersion: 1, task: './tasks.js' },
    });
  });
  afterAll(() => lab.remove());

  it('doctor rejects the non-conforming task and the malformed strategy only, flags the misspelt key, and --strict fails on all three', async () => {
    const result = await molap(['tasks', 'doctor'], { cwd: lab.root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✔ molap-task-bad@1.0.0: 1 task (bad/fine)');
    expect(result.stdout).toMatch(
      /✖ task 'bad\/short-targets' fails the conformance check: random mode: targets must be a Float32Array/,
    );
    expect(result.stdout).toContain('      source: molap-task-bad@1.0.0');
    expect(result.stdout).toContain(
      '✖ unknown key "task" in the "molap" field of package.json (did you mean "tasks"?)',
    );
    expect(result.stdout).toContain('✔ molap-strategy-broken@1.0.0: 1 strategy (lab/broken)');
    expect(result.stdout).toContain(
      "✖ invalid strategy 'lab/broken': version must be a semver string 'MAJOR.MINOR.PATCH' (e.g. '1.0.0'), got 1 (from molap-strategy-broken@1.0.0)",
    );
    const strict = await molap(['tasks', 'doctor', '--strict'], { cwd: lab.root });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('3 plugin problems (--strict)');
    const plot = await molap(['tasks', 'plot', 'bad/short-targets', '--out', 'x.svg'], { cwd: lab.root });
    expect(plot.code).toBe(2);
    expect(plot.stderr).toContain("unknown task 'bad/short-targets'");
  });

  it('suggests the installed name for a misspelt --plugins name', async () => {
    const result = await molap(['tasks', 'doctor', '--json', '--plugins', 'molap-task-neurogym-clasics'], {
      cwd: lab.root,
    });
    expect(JSON.parse(result.stdout).problems).toEqual([
      expect.objectContaining({
        code: 'not-found',
        hint: 'did you mean "molap-task-neurogym-classics"? (it is installed); otherwise run npm install molap-task-neurogym-clasics in the project',
      }),
    ]);
  });
});

/** A third-party strategy package (a "molap" field with apiVersion 2), compared next to the baselines. */
describe('plugin strategies', () => {
  let lab: Scratch;
  beforeAll(() => {
    lab = createScratch('molap-cli-strategy-');
    lab.write('package.json', {
      name: 'lab',
      private: true,
      dependencies: { 'molap-task-neurogym-classics': '^0.1.0', 'molap-strategy-l2': '^0.1.0' },
    });
    linkExamplePlugin(lab);
    linkExamplePackage(lab, 'molap-strategy-l2');
  });
  afterAll(() => lab.remove());

  it('compares a discovered strategy with a baseline on Yang and plugin tasks, no rules option set', async () => {
    const args = ['compare', '--tasks', 'fdgo,neurogym/go-no-go', '--strategies', 'multitask,lab/l2'];
    const budget = TINY_COMPARE_BUDGET;
    const result = await molap([...args, ...budget, '--parallelism', '1', '--json', '--quiet'], { cwd: lab.root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const table = JSON.parse(result.stdout);
    expect(table.strategies.map((s: { name: string }) => s.name)).toEqual(['multitask', 'lab/l2']);
    expect(table.rows.map((row: { taskId: string }) => row.taskId)).toEqual([
      'fdgo',
      'neurogym/go-no-go',
      'fdgo',
      'neurogym/go-no-go',
    ]);
  });

  it('runs the comparison in worker threads that load the same plugins', async () => {
    const args = ['compare', '--tasks', 'neurogym/go-no-go', '--strategies', 'lab/l2,multitask'];
    const budget = TINY_COMPARE_BUDGET;
    const result = await molap([...args, ...budget, '--parallelism', '2', '--json'], { cwd: lab.root });
    expect(result.code).toBe(0);
    const events = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ type: 'start', mode: 'workers', workers: 2 });
    expect(JSON.parse(result.stdout).rows).toHaveLength(2);
  });

  it('suggests the discovered strategy for a misspelt name', async () => {
    const result = await molap(['compare', '--tasks', 'fdgo', '--strategies', 'lab/l3'], {
      cwd: lab.root,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Did you mean "lab/l2"?');
  });
});

/** One `molap run` whose corpus holds Yang tasks and the tasks of two plugin packages, with no rules option. */
describe('a run mixing Yang tasks and two plugins', () => {
  let lab: Scratch;
  beforeAll(() => {
    lab = createScratch('molap-cli-mixed-');
    // Installed from packed tarballs, as a lab installs published plugins.
    expect(
      installPackedPackages(lab, [
        examplePlugin,
        join(packageRoot, 'test/fixtures/molap-task-reach'),
        join(repoRoot, 'examples/molap-strategy-l2'),
      ]),
    ).toEqual(['molap-task-neurogym-classics', 'molap-task-reach', 'molap-strategy-l2']);
    lab.write('molap.config.json', {
      backend: { engine: 'native', threads: 1 },
      run: {
        tasks: ['fdgo', 'neurogym/go-no-go', 'neurogym/ready-set-go', 'lab/delayed-reach', 'dm1'],
        heldOut: ['dm1'],
        models: ['molap', 'multitask', 'lab/l2'],
        budget: { preset: 'quick', steps: 4, batchSize: 8, evalEvery: 2, evalTrials: 16 },
        network: { hiddenSize: 16 },
        bank: {
          extractor: 'lab/pca-twin',
          moduleSize: 4,
          latents: { k: 2 },
          steps: 4,
          batchSize: 8,
          evaluationTrials: 8,
          corpus: { trialsPerTask: 16 },
          workers: 2,
        },
        analysisTrials: 16,
        perturbations: [
          { id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 },
          { id: 'lab/double-state-noise', magnitudes: [0, 1], draws: 1 },
        ],
        stages: ['lab/stored-size'],
      },
    });
  });
  afterAll(() => lab.remove());
  let runDir: string;

  it('runs the whole study with a third-party strategy next to MoLaP: one composed rule block, no rules typed', async () => {
    const result = await molap(['run', '--json', '--out', 'mixed'], { cwd: lab.root });
    expect(result.code, result.stderr).toBe(0);
    runDir = JSON.parse(result.stdout).runDir;
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    expect(JSON.stringify(results)).toContain('lab/delayed-reach');
    expect(JSON.stringify(results)).toContain('neurogym/go-no-go');
    expect(JSON.stringify(results)).toContain('lab/l2');
    // which score judged each task: ready-set-go its own (timing), the others Yang's last-step criterion
    expect(results.scores['neurogym/ready-set-go']).toMatchObject({ id: 'response-timing', criterion: 0.9 });
    for (const id of ['fdgo', 'neurogym/go-no-go', 'lab/delayed-reach', 'dm1']) {
      expect(results.scores[id].id, id).toBe('yang19-last-step');
    }
    // which definition of each task was measured: the plugins' tasks carry their package's version
    expect(results.taskVersions).toEqual({
      'neurogym/go-no-go': EXAMPLE_SOURCE.split('@')[1],
      'neurogym/ready-set-go': EXAMPLE_SOURCE.split('@')[1],
      'lab/delayed-reach': '1.0.0',
    });
    const report = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(report).toContain(
      '<dt>scores</dt><dd>Yang&#39;s last-step criterion ≥ 0.9: fdgo, neurogym/go-no-go, lab/delayed-reach, dm1; response-timing ≥ 0.9: neurogym/ready-set-go</dd>',
    );
    // the plugin's perturbation is measured in the suite and its extractor built the bank, each with its version
    expect(results.perturbations.map(({ id, version }: { id: string; version: string }) => [id, version])).toEqual([
      ['unit-silencing', '1.0.0'],
      ['lab/double-state-noise', '1.0.0'],
    ]);
    for (const name of ['molap', 'multitask', 'lab/l2']) {
      expect(Object.keys(results.models[name].robustness), name).toContain('lab/double-state-noise');
      // the plugin's analysis stage ran on every model, with its version
      const stage = results.models[name].stages['lab/stored-size'];
      expect(stage, name).toMatchObject({ version: '0.3.0', displayName: 'Stored size' });
      expect(stage.perSeed, name).toHaveLength(1);
      expect(stage.perSeed[0].total, name).toBe(results.models[name].totalParams);
      expect(Object.keys(stage.perSeed[0].performance), name).toEqual([
        'fdgo',
        'neurogym/go-no-go',
        'neurogym/ready-set-go',
        'lab/delayed-reach',
      ]);
    }
    const bank = JSON.parse(readFileSync(join(runDir, 'state/jobs/bank/seed-1/files/bank/bank.json'), 'utf8'));
    expect(bank.extractor).toMatchObject({ id: 'lab/pca-twin', version: '1.2.0' });
    // the third-party strategy's saved model records its version
    const l2 = JSON.parse(
      readFileSync(join(runDir, 'state/jobs/train/lab_2Fl2/seed-1/files/model/strategy.json'), 'utf8'),
    );
    expect(l2).toMatchObject({ strategy: 'lab/l2', strategyVersion: '1.0.0' });
  }, 120_000);

  it('doctor lists each package with its tasks, strategies, perturbations, extractors and stages', async () => {
    const result = await molap(['tasks', 'doctor'], { cwd: lab.root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '✔ molap-task-reach@1.0.0: 1 task (lab/delayed-reach); 1 perturbation (lab/double-state-noise); 1 extractor (lab/pca-twin); 1 analysis stage (lab/stored-size)',
    );
    expect(result.stdout).toMatch(/✔ molap-strategy-l2@[^:]+: 1 strategy \(lab\/l2\)/);
    expect(result.stdout).toContain('problems (0)');
  });

  it("molap perturb measures the plugin's perturbation on a saved model of the run", async () => {
    const model = join(runDir, 'state/jobs/train/multitask/seed-1/files/model');
    const result = await molap(['perturb', model, '--json', '--quiet'], { cwd: lab.root });
    expect(result.code, result.stderr).toBe(0);
    const { curves } = JSON.parse(result.stdout);
    expect(curves.map((curve: { id: string }) => curve.id)).toEqual(['unit-silencing', 'lab/double-state-noise']);
  }, 60_000);

  it('compares across the two plugins', async () => {
    const args = ['compare', '--tasks', 'neurogym/go-no-go,lab/delayed-reach', '--strategies', 'multitask'];
    const budget = TINY_COMPARE_BUDGET;
    const result = await molap([...args, ...budget, '--json', '--quiet'], { cwd: lab.root });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).rows).toHaveLength(2);
  });
});

/** `molap learn` and `molap compare` say which score judged each task, as the report does. */
describe('the score of each task in learn and compare', () => {
  const tasks = ['--tasks', 'fdgo,neurogym/ready-set-go'];
  const budget = TINY_COMPARE_BUDGET;
  /** The table row of `task` (whitespace collapsed). */
  const row = (stdout: string, task: string) =>
    stdout
      .split('\n')
      .find((line) => line.startsWith(`${task} `))
      ?.replace(/\s+/g, ' ');

  it('molap learn: a score column in the table and the scores in --json', async () => {
    const args = ['learn', ...tasks, ...budget, '--model', 'multitask', '--hidden-size', '16', '--threads', '1'];
    const text = await molap([...args, '--out', 'learned-text', '--quiet'], { cwd: clean.root });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^task\s.*\sscore$/);
    expect(row(text.stdout, 'fdgo')).toMatch(/ Yang's last-step criterion ≥ 0\.9$/);
    expect(row(text.stdout, 'neurogym/ready-set-go')).toMatch(/ response-timing ≥ 0\.9$/);
    const json = await molap([...args, '--out', 'learned-json', '--json', '--quiet'], { cwd: clean.root });
    expect(json.code, json.stderr).toBe(0);
    const { scores } = JSON.parse(json.stdout);
    expect(scores.fdgo).toMatchObject({ id: 'yang19-last-step', criterion: 0.9 });
    expect(scores['neurogym/ready-set-go']).toMatchObject({ id: 'response-timing', criterion: 0.9 });
  }, 120_000);

  it('molap compare: a score column in the table and the scores in the comparison table', async () => {
    const args = ['compare', ...tasks, ...budget, '--strategies', 'multitask', '--parallelism', '1', '--quiet'];
    const text = await molap(args, { cwd: clean.root });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\ntask\s+multitask\s+score\n/);
    expect(row(text.stdout, 'fdgo')).toMatch(/^fdgo \d\.\d{3} Yang's last-step criterion ≥ 0\.9$/);
    expect(row(text.stdout, 'neurogym/ready-set-go')).toMatch(
      /^neurogym\/ready-set-go \d\.\d{3} response-timing ≥ 0\.9$/,
    );
    const json = await molap([...args, '--json'], { cwd: clean.root });
    expect(json.code, json.stderr).toBe(0);
    const table = JSON.parse(json.stdout);
    expect(validateComparisonTable(table)).toEqual([]);
    expect(table.scores.fdgo).toMatchObject({ id: 'yang19-last-step', criterion: 0.9 });
    expect(table.scores['neurogym/ready-set-go']).toMatchObject({ id: 'response-timing', criterion: 0.9 });
  }, 120_000);
});
