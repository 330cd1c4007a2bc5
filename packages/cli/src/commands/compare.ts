/**
 * `molap compare`: `compare()` of @molap/baselines with its options from molap.config.json (`compare`,
 * `backend`, `tasks`) and flags. Progress on stderr, the table on stdout (or as JSON), and the whole
 * `ComparisonTable` in `--out`.
 */
import { BASELINE_STRATEGIES, compare } from '@molap/baselines';
import { ENGINE_KINDS, TFJS_BACKENDS } from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { DEFAULT_BUDGET_PRESET, DEFAULT_COMPARE_SEEDS, prepareComparison } from '../compare/prepare.js';
import { budgetFlags, runOptions } from '../flags.js';
import { flag } from '../options.js';
import { json, writeTextFile } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { compareReporter, formatComparison, formatDuration } from '../text/compare.js';

export const compareCommand = defineCommand({
  words: ['compare'],
  summary: 'compare multi-task strategies on the same tasks, budget, seeds and evaluation trials',
  details: [
    'Each strategy learns the tasks once per seed (one job each; jobs run in worker threads) and is evaluated',
    'on the same fixed trials. Strategy options go in molap.config.json: "compare": { "strategies": [',
    '"multitask", { "strategy": "ewc", "options": { "lambda": 0 }, "label": "ewc-0" } ] }.',
    'An interrupted comparison (Ctrl-C, exit 130) starts over when run again: compare() keeps no checkpoints yet.',
  ],
  args: [],
  options: {
    tasks: flag.list('task ids, learned in this order by sequential strategies', {
      value: 'id,…',
      config: ['compare', 'tasks'],
    }),
    strategies: flag.list('strategy names', {
      value: 'name,…',
      defaultText: BASELINE_STRATEGIES.map((strategy) => strategy.id).join(','),
      config: ['compare', 'strategies'],
    }),
    seeds: flag.integers('one job per strategy and seed', {
      value: 's,…',
      defaultText: DEFAULT_COMPARE_SEEDS.join(','),
      config: ['compare', 'seeds'],
    }),
    budget: flag.string('budget preset: quick (seconds, nothing learned well) or standard', {
      value: 'preset',
      defaultText: DEFAULT_BUDGET_PRESET,
      config: ['compare', 'budget', 'preset'],
    }),
    ...budgetFlags('compare'),
    parallelism: flag.integer('worker threads', {
      value: 'n',
      min: 1,
      defaultText: 'one per core',
      config: ['compare', 'parallelism'],
    }),
    engine: flag.choice(ENGINE_KINDS, 'engine family', { config: ['backend', 'engine'] }),
    tfjsBackend: flag.choice(TFJS_BACKENDS, 'tfjs backend', { config: ['backend', 'tfjsBackend'] }),
    threads: flag.integer('threads of the native engine in this thread', {
      value: 'n',
      min: 1,
      config: ['backend', 'threads'],
    }),
    out: flag.string('write the comparison table (JSON, schema COMPARISON_TABLE_SCHEMA) to this file', {
      value: 'file',
      config: ['compare', 'out'],
    }),
    ...outputOptions,
    ...projectOptions,
    plugins: runOptions.plugins,
    strict: runOptions.strict,
    ...commonOptions,
  },
  examples: [
    'molap compare --tasks fdgo,reactgo,dm1 --budget quick',
    'molap compare --tasks fdgo,fdanti --strategies ewc,sequential --seeds 1,2,3 --out runs/ewc.json',
    'molap compare --preset paper --json > table.json',
  ],
  async run(input) {
    const { options, io } = input;
    const prepared = await prepareComparison(input);
    const progress = await createProgress(progressMode(options), io);
    const started = Date.now();
    const table = await compare({ ...prepared.options, onProgress: compareReporter(progress) }).catch(
      (error: unknown) => {
        progress.end('failed');
        throw error;
      },
    );
    progress.end('done', `compare: ${table.runs.length} jobs in ${formatDuration(Date.now() - started)}`);
    if (prepared.out !== undefined) {
      await writeTextFile(prepared.out, json(table));
      if (!options.quiet) io.stderr(`wrote ${prepared.shownOut}\n`);
    }
    io.stdout(options.json ? json(table) : formatComparison(table));
  },
});
