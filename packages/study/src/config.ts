/**
 * The schema of `molap.config.json`, the input of a study plan (`planStudy`): the one place that says which
 * keys exist, so every command and every program reads the same config. The sections of the libraries' option records
 * (network, MoLaP, pre-training, budget) are the fragments their declarations give (`defineOptions` of
 * @molap/core), so a key, its type and its default are written once; flags override them (`--seeds` →
 * `compare.seeds`).
 *
 * Unknown keys are errors (strict objects). `presets` are named partial configs applied with `--preset`.
 */

import {
  ENGINE_KINDS as BACKEND_ENGINE_KINDS,
  DEFAULT_ENGINE,
  TFJS_BACKEND_ORDER,
  type TfjsBackendName,
} from '@molap/backend';
import { NETWORK_OPTIONS } from '@molap/baselines';
import { MOLAP_OPTIONS } from '@molap/composer';
import { BUDGET_OPTIONS, BUDGET_PRESETS, type BudgetPresetName } from '@molap/core';
import {
  BUILTIN_EXTRACTORS,
  DEFAULT_CORPUS_BATCH_SIZE,
  DEFAULT_CORPUS_TRIALS_PER_TASK,
  DEFAULT_EXTRACTOR,
  MODULE_TRAINING_OPTIONS,
} from '@molap/primitives';
import { type ScalarTaskOption, TASK_OPTION_SPECS, type TaskOptionSpec, type TaskOptions } from '@molap/tasks';
import { z } from 'zod';
import { DEFAULT_RUN_PRESET, DEFAULT_RUNS_FOLDER } from './presets.js';

/** Engine families of `@molap/backend` (its `ENGINE_KINDS`). */
export const ENGINE_KINDS = BACKEND_ENGINE_KINDS;
/** tfjs backends of `@molap/backend`, in the order they are tried (its `TFJS_BACKEND_ORDER`). */
export const TFJS_BACKENDS = TFJS_BACKEND_ORDER as readonly [TfjsBackendName, ...TfjsBackendName[]];

const positiveInteger = z.int().min(1);
const name = z.string().min(1);

/** The config schema of one scalar task option, from its declaration (`TASK_OPTION_SPECS` of @molap/tasks). */
function taskOptionSchema({ rule, description, default: value }: TaskOptionSpec): z.ZodType {
  let schema: z.ZodType;
  if (rule === 'boolean') schema = z.boolean();
  else {
    let number = rule.integer ? z.int() : z.number();
    if (rule.min !== undefined) number = number.min(rule.min);
    if (rule.max !== undefined) number = number.max(rule.max);
    if (rule.above !== undefined) number = number.gt(rule.above);
    schema = number;
  }
  return schema.optional().describe(`${description} (default ${value})`);
}

/**
 * `TaskOptions` of `@molap/tasks` that make sense for every command (not `mode`/`conditions`): the scalar
 * options from their declarations, and the rule list.
 */
export const taskOptionsSchema = z
  .strictObject({
    ...(Object.fromEntries(Object.entries(TASK_OPTION_SPECS).map(([key, spec]) => [key, taskOptionSchema(spec)])) as {
      [K in ScalarTaskOption]: z.ZodOptional<z.ZodType<TaskOptions[K]>>;
    }),
    rules: z
      .array(name)
      .min(1)
      .optional()
      .describe(
        "task ids of the rule one-hot input, in order (default: composed for the run's tasks, composeRules of @molap/tasks: the 20 Yang rules first when any task is a Yang task, then the others)",
      ),
  })
  .describe(
    'Task options of every generated batch (TaskOptions of @molap/tasks; declared by TASK_OPTION_SPECS, validated by resolveTaskOptions). `mode` and `conditions` are set per use, not here.',
  );

export const tasksSchema = z
  .strictObject({
    plugins: z
      .array(name)
      .optional()
      .describe(
        "Task plugin packages to load. Default: discover them among the project's direct dependencies (a molap field in their package.json).",
      ),
    options: taskOptionsSchema.optional(),
  })
  .describe('Where tasks come from and how their batches are built.');

export const backendSchema = z
  .strictObject({
    engine: z
      .enum(ENGINE_KINDS)
      .optional()
      .describe(
        `engine family (default ${DEFAULT_ENGINE}, falling back to ${ENGINE_KINDS.filter((kind) => kind !== DEFAULT_ENGINE).join(', ')})`,
      ),
    tfjsBackend: z.enum(TFJS_BACKENDS).optional().describe('tfjs backend (default: the first that loads)'),
    threads: positiveInteger.optional().describe('threads of the native engine (default: all cores)'),
  })
  .describe('Engine selection (CreateEngineOptions of @molap/backend).');

/** Seeds of a comparison when neither the config nor `--seeds` name any. */
export const DEFAULT_COMPARE_SEEDS: readonly number[] = Object.freeze([1]);
/** Budget preset of a comparison when neither the config nor `--budget` name one: the reported comparisons' budget. */
export const DEFAULT_BUDGET_PRESET: BudgetPresetName = 'standard';

/** A learning budget (`BUDGET_OPTIONS` of @molap/core); the fields override the named preset. */
export const budgetSchema = BUDGET_OPTIONS.schema
  .extend({
    preset: name
      .optional()
      .describe(
        `budget preset of @molap/core: ${Object.keys(BUDGET_PRESETS).join(' or ')} (default: ${DEFAULT_BUDGET_PRESET} for a comparison, the run preset's for a run)`,
      ),
  })
  .describe('Learning budget per task: a preset name, or an object whose fields override the preset.');

export const strategySpecSchema = z.union([
  name.describe('strategy name'),
  z.strictObject({
    strategy: name.describe('strategy name'),
    options: z.record(z.string(), z.unknown()).optional().describe("options of the strategy's create()"),
    label: name.optional().describe('label in the table (default: the strategy name)'),
  }),
]);

export const compareSchema = z
  .strictObject({
    strategies: z
      .array(strategySpecSchema)
      .min(1)
      .optional()
      .describe('strategies to compare (default: every built-in strategy of @molap/baselines)'),
    tasks: z.array(name).min(1).optional().describe('task ids, learned in this order by sequential strategies'),
    budget: z.union([name, budgetSchema]).optional(),
    seeds: z
      .array(z.int())
      .min(1)
      .optional()
      .describe(`one job per strategy and seed (default [${DEFAULT_COMPARE_SEEDS.join(', ')}])`),
    parallelism: positiveInteger.optional().describe('worker threads (default: one per core)'),
    out: name.optional().describe('where to write the comparison table (JSON), relative to the config file'),
  })
  .describe('molap compare: options of compare() in @molap/baselines.');

/** Names of the built-in presets of `molap run` (`RUN_PRESETS`). */
export const RUN_PRESET_NAMES = ['quick', 'standard', 'paper'] as const;

const number = z.number();
const nonNegative = z.number().min(0);

/** `NETWORK_OPTIONS` of `@molap/baselines`: the network options of every RNN baseline. */
export const networkSchema = NETWORK_OPTIONS.schema.describe(
  'Network options of every RNN baseline (NetworkOptions of @molap/baselines); a model spec overrides them.',
);

/** `MOLAP_OPTIONS` of `@molap/composer`. */
export const molapOptionsSchema = MOLAP_OPTIONS.schema.describe(
  'MoLaP options (MolapOptions of @molap/composer) of the molap and random-modules models.',
);

/** `buildModuleBank` options of `@molap/primitives` besides the corpus, the seed and the engine. */
export const bankSchema = z
  .strictObject({
    preset: name.optional().describe('pre-training preset of @molap/primitives: quick or standard'),
    corpus: z
      .strictObject({
        trialsPerTask: positiveInteger
          .optional()
          .describe(`trials per corpus task of the statistics sample (default ${DEFAULT_CORPUS_TRIALS_PER_TASK})`),
        batchSize: positiveInteger
          .optional()
          .describe(`trials per generated batch of the sample (default ${DEFAULT_CORPUS_BATCH_SIZE})`),
        historyTimeConstants: z
          .array(number.positive())
          .optional()
          .describe('leaky input traces at these time constants (ms) on the X side'),
      })
      .optional()
      .describe('sampleCorpus options'),
    extractor: name
      .optional()
      .describe(
        `latent extractor of @molap/primitives: ${BUILTIN_EXTRACTORS.map((extractor) => extractor.id).join(', ')} or a plugin's (default ${DEFAULT_EXTRACTOR})`,
      ),
    teacher: name
      .optional()
      .describe(
        'for extractors that read a teacher: the model of the run whose trained network teaches the bank (default: the first model whose strategy learns every corpus task together from scratch, multitask in the presets)',
      ),
    latents: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("options of the extractor (k, and its own: cca's regularization, teacher's rotation, …)"),
    ...MODULE_TRAINING_OPTIONS.schema.shape,
    workers: positiveInteger.optional().describe('worker threads of the pre-training (default: one per core)'),
  })
  .describe(
    'The module bank of MoLaP: corpus sample, latents and module pre-training (buildModuleBank of @molap/primitives).',
  );

/** A perturbation of the suite: an id of the registry, or an id with its grid. */
export const perturbationRunSchema = z.union([
  name.describe('perturbation id, with its default grid and draws'),
  z.strictObject({
    id: name.describe('perturbation id'),
    magnitudes: z.array(nonNegative).min(2).optional().describe('grid of magnitudes (default: its own)'),
    draws: positiveInteger.optional().describe('random draws per magnitude (default: its own)'),
  }),
]);

export const runSchema = z
  .strictObject({
    preset: z
      .enum(RUN_PRESET_NAMES)
      .optional()
      .describe(`built-in preset the values start from (default ${DEFAULT_RUN_PRESET})`),
    tasks: z
      .array(name)
      .min(1)
      .optional()
      .describe('every task of the run, in report order: the corpus and the held-out tasks'),
    heldOut: z
      .array(name)
      .optional()
      .describe('tasks held out of pre-training and learned afterwards (generalisation)'),
    seeds: z
      .union([
        z.int().min(1).describe('a count N: seeds 1..N'),
        z.array(z.int().min(0)).min(1).describe('the seeds themselves'),
      ])
      .optional()
      .describe('each model is trained and analysed once per seed: a count N (seeds 1..N) or a list of seeds'),
    budget: z.union([name, budgetSchema]).optional().describe('per-task learning budget of every model'),
    models: z
      .array(strategySpecSchema)
      .min(1)
      .optional()
      .describe(
        'models: molap, random-modules and strategies of @molap/baselines (names or { strategy, options, label })',
      ),
    network: networkSchema.optional(),
    molap: molapOptionsSchema.optional(),
    strategyOptions: z
      .record(name, z.record(z.string(), z.unknown()))
      .optional()
      .describe(
        "options by strategy id, for every model of that strategy: over run.network or run.molap, under a model spec's own options (the standard preset's tuned learning rates live here)",
      ),
    bank: bankSchema.optional(),
    perturbations: z
      .array(perturbationRunSchema)
      .optional()
      .describe('the perturbation suite (default: every built-in perturbation)'),
    analysisTrials: positiveInteger
      .optional()
      .describe('trials per task of the analysis evaluations (default budget.evalTrials)'),
    analyses: z
      .strictObject({
        robustness: z.boolean().optional(),
        dimensionality: z.boolean().optional(),
        taskVariance: z.boolean().optional(),
        generalisation: z.boolean().optional(),
      })
      .optional()
      .describe('analyses to run (all by default)'),
    stages: z
      .array(name)
      .optional()
      .describe(
        "a user's analysis stages to run after the built-in ones, by id (plugins of the stage registry; default none)",
      ),
    out: name
      .optional()
      .describe(`folder of the run folders (default ${DEFAULT_RUNS_FOLDER}), relative to the config file`),
  })
  .describe('molap run (and pretrain, learn, perturb): the whole study, over a built-in preset.');

/** The sections a config (and a preset) may hold. */
const sections = {
  tasks: tasksSchema.optional(),
  backend: backendSchema.optional(),
  compare: compareSchema.optional(),
  run: runSchema.optional(),
};

/** A preset: any part of the config, applied over the file's values with `--preset <name>`. */
export const presetSchema = z.strictObject(sections);

/** `molap.config.json`. */
export const molapConfigSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema of this file, for editors (`molap config schema`)'),
  ...sections,
  presets: z
    .record(name, presetSchema)
    .optional()
    .describe('Named partial configs, applied over the values above with --preset <name>.'),
});

/** A validated config file. */
export type MolapConfigFile = z.infer<typeof molapConfigSchema>;
/** The config a command runs with: the file, a preset and the flags merged (no presets left). */
export type MolapConfig = z.infer<typeof presetSchema>;
export type BudgetConfig = z.infer<typeof budgetSchema>;
export type StrategySpecConfig = z.infer<typeof strategySpecSchema>;
export type RunConfig = z.infer<typeof runSchema>;
export type RunPresetName = (typeof RUN_PRESET_NAMES)[number];

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Config layers: objects merge key by key (recursively); anything else in `over` replaces `base`. */
export function mergeLayers(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = mergeLayers(base[key], value);
  return merged;
}
