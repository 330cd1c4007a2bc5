/**
 * The schema of `molap.config.json`, the input of a study plan (`planStudy`): the one place that says which
 * keys exist, so every command and every program reads the same config. Keys mirror the options of the libraries they are passed to
 * and flags override them (`--seeds` → `compare.seeds`). Only shapes and types are checked here; defaults
 * are the libraries' named constants, applied by the commands, and finer checks stay in the libraries.
 *
 * Unknown keys are errors (strict objects). `presets` are named partial configs applied with `--preset`.
 */
import { z } from 'zod';

/** Engine families of `@molap/backend` (`EngineKind`). */
export const ENGINE_KINDS = ['native', 'tfjs'] as const;
/** tfjs backends of `@molap/backend` (`TFJS_BACKEND_ORDER`); a test keeps the list in step. */
export const TFJS_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;

const positiveInteger = z.int().min(1);
const name = z.string().min(1);

/** `TaskOptions` of `@molap/tasks` that make sense for every command (not `mode`/`conditions`). */
export const taskOptionsSchema = z
  .strictObject({
    dt: z.number().positive().optional().describe('time step in ms (default 20)'),
    ringSize: z.int().min(2).optional().describe('units per stimulus ring and in the output ring (default 32)'),
    batchSize: positiveInteger.optional().describe('trials per random-mode batch (default 64)'),
    noise: z.boolean().optional().describe('input noise on or off (default true)'),
    inputNoiseSigma: z.number().min(0).optional().describe('σ_x of the input noise (default 0.01)'),
    tau: z
      .number()
      .positive()
      .optional()
      .describe('membrane time constant in ms, scales the input noise (default 100)'),
    rules: z
      .array(name)
      .min(1)
      .optional()
      .describe('task ids of the rule one-hot input, in order (default the 20 Yang rules)'),
  })
  .describe('Task options of every generated batch (TaskOptions of @molap/tasks).');

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
    engine: z.enum(ENGINE_KINDS).optional().describe('engine family (default native, falling back to tfjs)'),
    tfjsBackend: z.enum(TFJS_BACKENDS).optional().describe('tfjs backend (default: the first that loads)'),
    threads: positiveInteger.optional().describe('threads of the native engine (default: all cores)'),
  })
  .describe('Engine selection (CreateEngineOptions of @molap/backend).');

/** A learning budget (`LearningBudget` of @molap/composer); the fields override the named preset. */
export const budgetSchema = z
  .strictObject({
    preset: name.optional().describe('budget preset of @molap/baselines: quick or standard (default standard)'),
    steps: z.int().min(0).optional().describe('optimiser steps per task'),
    batchSize: positiveInteger.optional().describe('trials per optimiser step'),
    evalEvery: z.int().min(0).optional().describe('evaluate every this many steps (0: only at the end)'),
    evalTrials: positiveInteger.optional().describe('trials per task in each evaluation'),
    criterion: z.number().gt(0).max(1).optional().describe('performance that counts as learned (default 0.9)'),
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
    seeds: z.array(z.int()).min(1).optional().describe('one job per strategy and seed (default [1])'),
    parallelism: positiveInteger.optional().describe('worker threads (default: one per core)'),
    out: name.optional().describe('where to write the comparison table (JSON), relative to the config file'),
  })
  .describe('molap compare: options of compare() in @molap/baselines.');

/** Names of the built-in presets of `molap run` (`RUN_PRESETS`). */
export const RUN_PRESET_NAMES = ['quick', 'standard', 'paper'] as const;

const number = z.number();
const nonNegative = z.number().min(0);

/** `NetworkOptions` of `@molap/baselines` (a test keeps the keys in step with `NETWORK_DEFAULTS`). */
export const networkSchema = z
  .strictObject({
    hiddenSize: positiveInteger.optional().describe('hidden units N (default 256)'),
    activation: name.optional().describe('φ: softplus (default), relu or tanh'),
    recurrentInit: name.optional().describe('W_rec initialisation: diag (default) or randortho'),
    recurrentScale: nonNegative.optional().describe('scale of the W_rec initialisation (default 0.5)'),
    recurrentNoise: nonNegative.optional().describe('σ_rec (default 0.05)'),
    learningRate: number.positive().optional().describe('Adam learning rate (default 1e-3)'),
    clipValue: nonNegative.optional().describe('element-wise gradient clipping, 0: none (default 1)'),
  })
  .describe('Network options of every RNN baseline (NetworkOptions of @molap/baselines); a model spec overrides them.');

/** `MolapOptions` of `@molap/composer` (a test keeps the keys in step with `DEFAULT_MOLAP_OPTIONS`). */
export const molapOptionsSchema = z
  .strictObject({
    trainable: name
      .optional()
      .describe('per-task weights that learn: input+readout (default), context+readout, readout'),
    readoutSolver: name.optional().describe("gradient (default) or ridge (with trainable 'readout')"),
    readoutInit: name.optional().describe('initial readout: glorot (default) or ridge'),
    learningRate: number.positive().optional().describe('Adam learning rate (default 1e-3)'),
    clipValue: nonNegative.optional().describe('element-wise gradient clipping, 0: none (default 1)'),
    newTaskContext: name.optional().describe('context of tasks outside the corpus: mean-rule (default) or none'),
    ridgeLambda: nonNegative.optional().describe('relative ridge of closed-form readouts (default 1e-3)'),
    ridgeTrials: positiveInteger.optional().describe('trials of a closed-form readout (default 512)'),
    logitClip: number.positive().optional().describe('target clipping before the logit (default 1e-3)'),
    recurrentNoise: nonNegative.nullable().optional().describe("σ_rec of the task networks; null keeps the bank's"),
  })
  .describe('MoLaP options (MolapOptions of @molap/composer) of the molap and random-modules models.');

/** `buildModuleBank` options of `@molap/primitives` besides the corpus, the seed and the engine. */
export const bankSchema = z
  .strictObject({
    preset: name.optional().describe('pre-training preset of @molap/primitives: quick or standard'),
    corpus: z
      .strictObject({
        trialsPerTask: positiveInteger
          .optional()
          .describe('trials per corpus task of the statistics sample (default 128)'),
        batchSize: positiveInteger.optional().describe('trials per generated batch of the sample (default 16)'),
        historyTimeConstants: z
          .array(number.positive())
          .optional()
          .describe('leaky input traces at these time constants (ms) on the X side'),
      })
      .optional()
      .describe('sampleCorpus options'),
    latents: z
      .strictObject({
        method: name.optional().describe('cca (default) or pca'),
        k: positiveInteger.optional().describe('number of latents = modules (default 8)'),
        regularization: nonNegative.optional().describe('CCA ridge, relative (default 1e-3)'),
        rankTolerance: number.positive().optional().describe('numerical rank tolerance (default 1e-5)'),
      })
      .optional()
      .describe('extractLatents options'),
    moduleSize: positiveInteger.optional().describe('units per module (default 32)'),
    steps: z.int().min(0).optional().describe('optimiser steps per module'),
    batchSize: positiveInteger.optional().describe('trials per pre-training step'),
    learningRate: number.positive().optional().describe('Adam learning rate'),
    clipValue: nonNegative.optional().describe('element-wise gradient clipping, 0: none'),
    activation: name.optional().describe('φ of the modules: softplus (default), relu or tanh'),
    recurrentNoise: nonNegative.optional().describe('σ_rec of the modules (default 0.05)'),
    recurrentInit: name.optional().describe('diag (default) or randortho'),
    recurrentScale: nonNegative.optional().describe('scale of the W_rec initialisation (default 0.5)'),
    maskWeighting: name.optional().describe('time (default) or cost'),
    evaluationTrials: positiveInteger.optional().describe('held-out trials per corpus task for the fit R²'),
    logEvery: positiveInteger.optional().describe('steps per point of the logged loss curve'),
    checkpointEvery: positiveInteger.optional().describe('steps between pre-training checkpoints'),
    poolBatchesPerTask: positiveInteger
      .optional()
      .describe('teacher latents: batches per corpus task in the latent pool (default 16)'),
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
    preset: z.enum(RUN_PRESET_NAMES).optional().describe('built-in preset the values start from (default quick)'),
    tasks: z
      .array(name)
      .min(1)
      .optional()
      .describe('every task of the run, in report order: the corpus and the held-out tasks'),
    heldOut: z
      .array(name)
      .optional()
      .describe('tasks held out of pre-training and learned afterwards (generalisation)'),
    seeds: z.array(z.int().min(0)).min(1).optional().describe('each model is trained and analysed once per seed'),
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
    out: name.optional().describe('folder of the run folders (default molap-runs), relative to the config file'),
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
