/**
 * The schema of `molap.config.json`: the one place that says which keys exist, so every command (and
 * `molap run` later) reads the same config. Keys mirror the options of the libraries they are passed to
 * and flags override them (`--seeds` → `compare.seeds`). Only shapes and types are checked here; defaults
 * are the libraries' named constants, applied by the commands, and finer checks stay in the libraries.
 *
 * Unknown keys are errors (strict objects). `presets` are named partial configs applied with `--preset`.
 */
import { z } from 'zod';
import { ENGINE_KINDS, TFJS_BACKENDS } from './constants.js';

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

/** The sections a config (and a preset) may hold. */
const sections = {
  tasks: tasksSchema.optional(),
  backend: backendSchema.optional(),
  compare: compareSchema.optional(),
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
