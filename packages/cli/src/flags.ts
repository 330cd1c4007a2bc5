/**
 * Flag sets shared by several commands: the run options (`molap run` and the verbs that work on one piece of
 * a run: pretrain, learn, perturb), the seed of those verbs, and where tasks come from.
 */
import { NETWORK_OPTIONS } from '@molap/baselines';
import { BUDGET_OPTIONS } from '@molap/core';
import { MODULE_TRAINING_OPTIONS } from '@molap/primitives';
import { DEFAULT_RUN_PRESET, ENGINE_KINDS, RUN_PRESETS, TFJS_BACKENDS } from '@molap/study';
import { projectOptions } from './command.js';
import { UsageError } from './errors.js';
import { flag } from './options.js';

/**
 * The flags of the learning budget's fields (`BUDGET_OPTIONS` of @molap/core: their descriptions), stored in
 * `<section>.budget` of the config, over its preset.
 */
export function budgetFlags(section: 'run' | 'compare') {
  const field = (key: 'steps' | 'batchSize' | 'evalEvery' | 'evalTrials', min: number) =>
    flag.integer(`${BUDGET_OPTIONS.specs[key].description} (overrides the budget preset)`, {
      value: 'n',
      min,
      config: [section, 'budget', key],
    });
  return {
    steps: field('steps', 0),
    batchSize: field('batchSize', 1),
    evalEvery: field('evalEvery', 0),
    evalTrials: field('evalTrials', 1),
    criterion: flag.number(BUDGET_OPTIONS.specs.criterion.description, {
      value: 'p',
      config: [section, 'budget', 'criterion'],
    }),
  };
}

/** Flags of the run options (shared by `molap run` and the thin verbs). */
export const runOptions = {
  tasks: flag.list('every task of the run: the corpus and the held-out tasks', {
    value: 'id,…',
    config: ['run', 'tasks'],
  }),
  heldOut: flag.list('tasks held out of pre-training, learned afterwards (generalisation)', {
    value: 'id,…',
    config: ['run', 'heldOut'],
  }),
  seeds: flag.seeds('each model is trained and analysed once per seed: N (seeds 1..N), s,t,… or a..b', {
    value: 'N|s,…',
    min: 0,
    config: ['run', 'seeds'],
  }),
  models: flag.list('models: molap, random-modules and strategies of @molap/baselines', {
    value: 'name,…',
    config: ['run', 'models'],
  }),
  budget: flag.string('budget preset of @molap/baselines (quick, standard)', {
    value: 'preset',
    config: ['run', 'budget', 'preset'],
  }),
  ...budgetFlags('run'),
  hiddenSize: flag.integer(`${NETWORK_OPTIONS.specs.hiddenSize.description} of the RNN baselines`, {
    value: 'n',
    min: 1,
    config: ['run', 'network', 'hiddenSize'],
  }),
  modules: flag.integer('latents = modules of MoLaP (k)', {
    value: 'k',
    min: 1,
    config: ['run', 'bank', 'latents', 'k'],
  }),
  moduleSize: flag.integer(MODULE_TRAINING_OPTIONS.specs.moduleSize.description, {
    value: 'n',
    min: 1,
    config: ['run', 'bank', 'moduleSize'],
  }),
  pretrainSteps: flag.integer(MODULE_TRAINING_OPTIONS.specs.steps.description, {
    value: 'n',
    min: 0,
    config: ['run', 'bank', 'steps'],
  }),
  workers: flag.integer('worker threads of the module pre-training', {
    value: 'n',
    min: 1,
    defaultText: 'one per core',
    config: ['run', 'bank', 'workers'],
  }),
  perturbations: flag.list('perturbation ids of the suite, each with its default grid', {
    value: 'id,…',
    config: ['run', 'perturbations'],
  }),
  analysisTrials: flag.integer('trials per task of the analysis evaluations', {
    value: 'n',
    min: 1,
    config: ['run', 'analysisTrials'],
  }),
  engine: flag.choice(ENGINE_KINDS, 'engine family', { config: ['backend', 'engine'] }),
  tfjsBackend: flag.choice(TFJS_BACKENDS, 'tfjs backend', { config: ['backend', 'tfjsBackend'] }),
  threads: flag.integer('threads of the native engine', { value: 'n', min: 1, config: ['backend', 'threads'] }),
  plugins: flag.list('load exactly these task plugin packages instead of discovering them', {
    value: 'pkg,…',
    config: ['tasks', 'plugins'],
  }),
  strict: flag.boolean('fail (exit 1) when a task plugin is broken, instead of warning'),
  maxMemory: flag.string(
    "refuse, before any work, a run whose estimated memory exceeds this size (512M, 4G; default and upper bound: the machine's memory)",
    { value: 'size' },
  ),
};

/** The single seed a verb works with. */
export function singleSeed(seeds: readonly number[], verb: string): number {
  if (seeds.length !== 1) {
    throw new UsageError(`molap ${verb} works with one seed, got ${seeds.join(', ')}`, { hint: 'pass --seed <s>' });
  }
  return seeds[0];
}

/** The seed flag of the verbs: one seed, stored as run.seeds. */
export const seedOption = {
  seed: flag.integers('seed (run.seeds of the config, which must then name one seed)', {
    value: 's',
    min: 0,
    defaultText: RUN_PRESETS[DEFAULT_RUN_PRESET].seeds.join(','),
    config: ['run', 'seeds'],
  }),
};

/** Flags of the commands that read the task registry (built-in tasks and plugins). */
export const taskSourceOptions = {
  ...projectOptions,
  plugins: flag.list('load exactly these plugin packages instead of discovering them', {
    value: 'pkg,…',
    config: ['tasks', 'plugins'],
  }),
  strict: flag.boolean('fail (exit 1) when a task plugin is broken, instead of warning'),
};

/** Seed of generated batches (`molap tasks show`, `plot`, `export`) when `--seed` is not given. */
export const DEFAULT_SEED = 0;
/** Trials sampled for the random-mode trial-length statistics of `tasks show`. */
export const DEFAULT_STAT_TRIALS = 1000;

/** Flags of the batch `molap tasks plot` and `export` draw. */
export const batchOptions = {
  seed: flag.integer('seed of the batch', { value: 'seed', defaultText: String(DEFAULT_SEED) }),
  batchSize: flag.integer('trials per random-mode batch (test mode uses the task grid)', {
    value: 'n',
    min: 1,
    config: ['tasks', 'options', 'batchSize'],
  }),
  noise: flag.boolean('input noise (--no-noise for a noise-free batch)', {
    negatable: true,
    config: ['tasks', 'options', 'noise'],
  }),
};

/** What the hint of a diverged training of `molap pretrain` and `molap learn` says to do after the fix. */
export const RESTART_HINT = 'then run the command again with --restart';
