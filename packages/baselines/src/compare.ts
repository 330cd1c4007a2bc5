/**
 * `compare`: every strategy learns the same tasks with the same budget for every seed, and is evaluated on
 * the same fixed evaluation trials; the result is a plain `ComparisonTable` (JSON, schema-checked).
 *
 * Determinism: a job (strategy, seed) depends only on its inputs: seeded initialisation, batches, noise and
 * evaluation trials, and engines whose results do not depend on their thread count. The same seeds give the
 * same table, whether jobs run in this thread or in parallel worker threads.
 *
 * Parallelism: jobs run in `parallelism` worker threads (default: one per core, at most one per job), each
 * with its own engine on one thread. Workers import this package's build and resolve strategies by name in
 * `createBaselineRegistry()` and tasks in the Yang corpus; custom strategies or tasks reach them through a
 * `workerSetup` module. Without one (or when the package runs from TypeScript sources, as in tests), custom
 * strategies, custom task registries and everything else run in this thread, one job after the other, with
 * one shared engine.
 */

import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CreateEngineOptions, createEngine, type Engine, writeFileAtomic } from '@molap/backend';
import {
  type AnyStrategy,
  type BudgetPresetName,
  budgetFor,
  builtModuleUrl,
  evaluationBatch,
  evaluationNoiseSeed,
  InvalidValueError,
  type LearningBudget,
  type LearningCurvePoint,
  type LearningSchedule,
  MolapError,
  registerDiscoveredPlugins,
  resolveBudget,
  runJobsInWorkers,
  type StrategyRegistry,
  taskScores,
  validateBudget,
} from '@molap/core';
import {
  corpusTaskOptions,
  createTaskRegistry,
  loadPluginSources,
  type PluginSource,
  registerDiscovered,
  type TaskOptions,
  type TaskRegistry,
  yang19,
} from '@molap/tasks';
import { BASELINE_STRATEGIES, createBaselineRegistry } from './builtins.js';
import {
  COMPARISON_FORMAT,
  COMPARISON_FORMAT_VERSION,
  type ComparedStrategy,
  type ComparisonRow,
  type ComparisonRun,
  type ComparisonTable,
} from './table.js';

/** A strategy to compare, with options and a label. */
export interface StrategySpec {
  /** A name in the registry, or a strategy value. */
  readonly strategy: string | AnyStrategy;
  /** Options passed to `create` (JSON-serialisable when jobs run in workers). */
  readonly options?: { readonly [key: string]: unknown };
  /** Label in the table; default the strategy name. Labels must be unique. */
  readonly label?: string;
}

/** Where the compared strategies run. */
export interface ComparisonContext {
  /** Engine selection (`createEngine`); in workers the engine always gets one thread. */
  readonly engine?: CreateEngineOptions;
  /** Task registry; default the 20 Yang et al. 2019 tasks. */
  readonly tasks?: TaskRegistry;
  /** Task options of all batches (besides mode and batch size). */
  readonly taskOptions?: Partial<TaskOptions>;
}

/** Progress of a comparison. */
export type CompareProgress =
  | {
      readonly type: 'start';
      readonly jobs: number;
      readonly mode: 'workers' | 'in-thread';
      readonly workers: number;
      /** Why jobs run in this thread, when they do. */
      readonly reason?: string;
    }
  | { readonly type: 'job-start'; readonly strategy: string; readonly seed: number }
  | {
      readonly type: 'curve';
      readonly strategy: string;
      readonly seed: number;
      readonly taskId: string;
      readonly point: LearningCurvePoint;
    }
  | { readonly type: 'job-end'; readonly strategy: string; readonly seed: number };

/** Options of `compare`. */
export interface CompareOptions {
  /** Strategies by name, as values, or with options and labels. */
  readonly strategies: readonly (string | AnyStrategy | StrategySpec)[];
  /** Task ids, learned in this order by sequential strategies. */
  readonly tasks: readonly string[];
  /** A per-task budget or a preset name; interleaved strategies get steps × tasks (`budgetFor`). */
  readonly budget: LearningBudget | BudgetPresetName;
  /** One job per strategy and seed. */
  readonly seeds: readonly number[];
  readonly context?: ComparisonContext;
  /** Where strategy names are looked up; default `createBaselineRegistry()`. */
  readonly registry?: StrategyRegistry;
  /** Worker threads; default min(cores, jobs). 1 runs every job in this thread. */
  readonly parallelism?: number;
  /**
   * URL or absolute path of an ES module run in each worker that exports
   * `setup(): { strategies?: Strategy[]; tasks?: TaskRegistry }` (or a promise of it): the custom strategies
   * and tasks the workers need.
   */
  readonly workerSetup?: string;
  /**
   * Plugin packages whose tasks and strategies the comparison uses (`pluginSources(discovery)` of
   * @molap/tasks): worker threads load the same plugins, so comparisons of plugin tasks and plugin strategies
   * run in parallel without a workerSetup module.
   */
  readonly plugins?: readonly PluginSource[];
  readonly onProgress?: (event: CompareProgress) => void;
  /**
   * Folder of the comparison's checkpoints: each job learns with its own checkpoint folder
   * (`<label>-seed-<seed>/`) and stores its result there when done. Running the same comparison again with
   * the same folder skips finished jobs and resumes unfinished ones exactly, so the table is the same.
   */
  readonly checkpointDir?: string;
  /** Stops the comparison: running jobs stop at their next step (keeping their checkpoints) and `compare` rejects with an `AbortError` (a MolapError 'aborted'). */
  readonly signal?: AbortSignal;
}

/** What a worker or the main thread needs to run one job (JSON-serialisable). */
export interface ComparisonJob {
  readonly label: string;
  readonly name: string;
  readonly options: { readonly [key: string]: unknown };
  readonly schedule: LearningSchedule;
  readonly seed: number;
  readonly tasks: readonly string[];
  readonly budget: LearningBudget;
  readonly taskOptions?: Partial<TaskOptions>;
  /** The job's checkpoint folder, when the comparison keeps checkpoints. */
  readonly checkpointDir?: string;
}

/** Result of one job. */
export interface ComparisonJobResult {
  readonly rows: ComparisonRow[];
  readonly run: ComparisonRun;
}

/** The 20 Yang et al. 2019 tasks in a new registry (the default task registry of comparisons). */
export function createYang19Registry(): TaskRegistry {
  return createTaskRegistry({ tasks: yang19, source: '@molap/tasks' });
}

/**
 * Runs one job: creates the model, learns the tasks, evaluates every task at the end on the fixed
 * evaluation trials of the seed, and returns its rows.
 */
export async function runComparisonJob(
  job: ComparisonJob,
  environment: { readonly strategy: AnyStrategy; readonly engine: Engine; readonly tasks: TaskRegistry },
  onCurve?: (taskId: string, point: LearningCurvePoint) => void,
  signal?: AbortSignal,
): Promise<ComparisonJobResult> {
  const resultFile = job.checkpointDir ? join(job.checkpointDir, JOB_RESULT_JSON) : undefined;
  if (resultFile) {
    const saved = await readJobResult(resultFile);
    if (saved) return saved;
  }
  const context = {
    engine: environment.engine,
    tasks: environment.tasks,
    ...(job.taskOptions ? { taskOptions: job.taskOptions } : {}),
  };
  const model = await environment.strategy.create(context, job.options);
  try {
    const records = await model.learn(job.tasks, job.budget, {
      seed: job.seed,
      ...(onCurve ? { onProgress: (taskId, point) => onCurve(taskId, point) } : {}),
      ...(signal ? { signal } : {}),
      ...(job.checkpointDir ? { checkpointDir: join(job.checkpointDir, 'learning') } : {}),
    });
    if (signal?.aborted) throw abortError();
    const count = model.parameterCount();
    const rows: ComparisonRow[] = [];
    for (const taskId of job.tasks) {
      const record = records.find((r) => r.taskId === taskId);
      if (!record) {
        throw new MolapError(
          'invalid-plugin',
          `strategy '${job.name}' returned no learning record for task '${taskId}'`,
          { hint: `the strategy '${job.name}' breaks the strategy contract: update or fix its plugin` },
        );
      }
      const batch = evaluationBatch(environment.tasks.get(taskId), {
        trials: job.budget.evalTrials,
        seed: job.seed,
        ...(job.taskOptions ? { taskOptions: job.taskOptions } : {}),
      });
      const final = await model.evaluate(taskId, batch, { noiseSeed: evaluationNoiseSeed(job.seed, taskId) });
      rows.push({
        strategy: job.label,
        seed: job.seed,
        taskId,
        performance: final.performance,
        loss: final.loss,
        performanceAfterLearning: record.performance,
        forgetting: job.schedule === 'sequential' ? record.performance - final.performance : null,
        trialsToCriterion: record.trialsToCriterion,
        steps: record.steps,
        trials: record.trials,
        trainableParameters: count.trainablePerTask[taskId] ?? record.trainableParameters,
        parameterUpdates: record.parameterUpdates,
        curve: record.curve.map((point) => ({ ...point })),
      });
    }
    const result: ComparisonJobResult = {
      rows,
      run: {
        strategy: job.label,
        seed: job.seed,
        totalParameters: count.total,
        frozenSharedParameters: count.frozenShared,
        bytes: count.bytes,
      },
    };
    if (resultFile) await writeFileAtomic(resultFile, `${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await model.dispose();
  }
}

/** File of a finished job's result inside its checkpoint folder. */
const JOB_RESULT_JSON = 'job-result.json';

async function readJobResult(file: string): Promise<ComparisonJobResult | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ComparisonJobResult;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MolapError(
      error instanceof SyntaxError ? 'file-format' : 'file-read',
      `${file} cannot be read (${(error as Error).message})`,
      { hint: 'delete it to run the job again', kind: 'bad-input', cause: error },
    );
  }
}

function abortError(): Error {
  const error = new MolapError('aborted', 'the comparison was aborted', {
    hint: 'run it again with the same checkpointDir to resume where it stopped',
    kind: 'failure',
  });
  error.name = 'AbortError';
  return error;
}

/** A folder name for a job: its label (slashes replaced) and seed. */
function jobFolder(label: string, seed: number): string {
  return `${label.replace(/[^A-Za-z0-9._-]/g, '_')}-seed-${seed}`;
}

function normaliseSpec(entry: string | AnyStrategy | StrategySpec): StrategySpec {
  if (typeof entry === 'string') return { strategy: entry };
  if (entry !== null && typeof entry === 'object' && 'strategy' in entry) return entry as StrategySpec;
  return { strategy: entry as AnyStrategy };
}

/** Data a comparison worker receives. @internal */
export interface WorkerInput {
  readonly setup?: string;
  /** Plugin packages to load in the worker (tasks and strategies), as discovered by the main thread. */
  readonly plugins?: readonly PluginSource[];
  readonly job: ComparisonJob;
  readonly engine?: CreateEngineOptions;
}

/** The body of a comparison worker: resolves the strategy and tasks, runs the job. @internal */
export async function runComparisonWorker(
  input: WorkerInput,
  report: (event: CompareProgress) => void,
  signal: AbortSignal,
): Promise<ComparisonJobResult> {
  const registry = createBaselineRegistry();
  let tasks = createYang19Registry();
  if (input.plugins && input.plugins.length > 0) {
    const discovery = await loadPluginSources(input.plugins);
    registerDiscovered(tasks, discovery);
    registerDiscoveredPlugins(discovery, { strategies: registry });
  }
  if (input.setup) {
    const module = (await import(input.setup)) as {
      setup?: () =>
        | { strategies?: AnyStrategy[]; tasks?: TaskRegistry }
        | Promise<{ strategies?: AnyStrategy[]; tasks?: TaskRegistry }>;
    };
    if (typeof module.setup !== 'function') {
      throw new InvalidValueError(`workerSetup module ${input.setup} exports no setup() function`, {
        hint: 'export a function setup() that returns { strategies, tasks }',
      });
    }
    const extra = await module.setup();
    for (const strategy of extra.strategies ?? []) if (!registry.has(strategy.id)) registry.register(strategy);
    if (extra.tasks) tasks = extra.tasks;
  }
  const engine = await createEngine({ ...input.engine, threads: 1 });
  const { job } = input;
  report({ type: 'job-start', strategy: job.label, seed: job.seed });
  try {
    return await runComparisonJob(
      job,
      { strategy: registry.get(job.name), engine, tasks },
      (taskId, point) => report({ type: 'curve', strategy: job.label, seed: job.seed, taskId, point }),
      signal,
    );
  } finally {
    await engine.dispose();
    report({ type: 'job-end', strategy: job.label, seed: job.seed });
  }
}

/** A module URL for `import()`: absolute paths become file URLs. */
function moduleSpecifier(pathOrUrl: string): string {
  return isAbsolute(pathOrUrl) ? pathToFileURL(pathOrUrl).href : pathOrUrl;
}

/** Compares strategies on tasks over seeds; see the module comment. */
export async function compare(options: CompareOptions): Promise<ComparisonTable> {
  const budget = resolveBudget(options.budget);
  validateBudget(budget);
  if (!Array.isArray(options.tasks) || options.tasks.length === 0)
    throw new InvalidValueError('compare needs a non-empty list of task ids');
  if (!Array.isArray(options.seeds) || options.seeds.length === 0 || !options.seeds.every(Number.isSafeInteger)) {
    throw new InvalidValueError('compare needs a non-empty list of integer seeds, e.g. seeds: [1, 2]');
  }
  if (new Set(options.seeds).size !== options.seeds.length) throw new InvalidValueError('seeds must be distinct');
  const registry = options.registry ?? createBaselineRegistry();
  const context = options.context ?? {};
  const tasks = context.tasks ?? createYang19Registry();
  // One rule block for every task of the comparison, composed from them unless the caller gave one.
  const corpus = options.tasks.map((id) => tasks.get(id));
  const taskOptions = corpusTaskOptions(corpus, context.taskOptions);
  const shareOptions = context.taskOptions !== undefined || taskOptions.rules !== undefined;

  const compared: (ComparedStrategy & { readonly strategy: AnyStrategy })[] = [];
  for (const entry of options.strategies) {
    const spec = normaliseSpec(entry);
    const strategy = typeof spec.strategy === 'string' ? registry.get(spec.strategy) : spec.strategy;
    const label = spec.label ?? strategy.id;
    if (compared.some((c) => c.label === label)) {
      throw new MolapError('duplicate-id', `strategy label '${label}' is used twice`, {
        hint: 'give each compared strategy its own label',
      });
    }
    compared.push({
      label,
      name: strategy.id,
      displayName: strategy.meta.displayName,
      schedule: strategy.meta.schedule,
      options: { ...(spec.options ?? {}) },
      budget: budgetFor(budget, strategy.meta.schedule, options.tasks.length),
      strategy,
    });
  }
  if (compared.length === 0) throw new InvalidValueError('compare needs at least one strategy');

  const jobs: ComparisonJob[] = [];
  for (const c of compared) {
    for (const seed of options.seeds) {
      jobs.push({
        label: c.label,
        name: c.name,
        options: c.options,
        schedule: c.schedule,
        seed,
        tasks: [...options.tasks],
        budget: c.budget,
        ...(shareOptions ? { taskOptions } : {}),
        ...(options.checkpointDir ? { checkpointDir: join(options.checkpointDir, jobFolder(c.label, seed)) } : {}),
      });
    }
  }

  const requested = options.parallelism ?? availableParallelism();
  if (!(Number.isInteger(requested) && requested >= 1)) {
    throw new InvalidValueError(`parallelism must be an integer >= 1, got ${String(options.parallelism)}`);
  }
  const workers = Math.min(requested, jobs.length);
  const moduleUrl = builtModuleUrl(import.meta.url);
  const builtIn = (strategy: AnyStrategy) => BASELINE_STRATEGIES.includes(strategy);
  // Workers load the plugins again from where the main thread found them (`options.plugins`).
  const plugins = options.plugins ?? [];
  const pluginStrategies = new Set(plugins.flatMap((plugin) => plugin.strategyIds));
  const workerTasks = new Set([...yang19.map((task) => task.id), ...plugins.flatMap((plugin) => plugin.taskIds)]);
  let reason: string | undefined;
  if (workers <= 1) reason = jobs.length <= 1 ? 'one job' : 'parallelism 1';
  else if (!moduleUrl) reason = 'the package runs from its TypeScript sources (workers need the build)';
  else if (!options.workerSetup && !compared.every((c) => builtIn(c.strategy) || pluginStrategies.has(c.name))) {
    reason = 'custom strategies without a workerSetup module';
  } else if (!options.workerSetup && context.tasks && !options.tasks.every((id) => workerTasks.has(id))) {
    reason = 'a custom task registry without a workerSetup module';
  }
  const report = options.onProgress;
  report?.({
    type: 'start',
    jobs: jobs.length,
    mode: reason ? 'in-thread' : 'workers',
    workers: reason ? 1 : workers,
    ...(reason ? { reason } : {}),
  });

  let results: ComparisonJobResult[];
  if (reason === undefined) {
    results = await runJobsInWorkers<WorkerInput, ComparisonJobResult, CompareProgress>({
      moduleUrl: moduleUrl!,
      run: 'runComparisonWorker',
      jobs: jobs.map((job) => ({
        job,
        ...(plugins.length > 0 ? { plugins } : {}),
        ...(options.workerSetup ? { setup: moduleSpecifier(options.workerSetup) } : {}),
        ...(context.engine ? { engine: context.engine } : {}),
      })),
      parallelism: workers,
      label: 'comparison job',
      ...(report ? { onProgress: (event: CompareProgress) => report(event) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      throw options.signal?.aborted ? abortError() : error;
    });
  } else {
    const engine = await createEngine(context.engine);
    try {
      results = [];
      for (const job of jobs) {
        if (options.signal?.aborted) throw abortError();
        report?.({ type: 'job-start', strategy: job.label, seed: job.seed });
        const strategy = compared.find((c) => c.label === job.label)!.strategy;
        results.push(
          await runComparisonJob(
            job,
            { strategy, engine, tasks },
            (taskId, point) => report?.({ type: 'curve', strategy: job.label, seed: job.seed, taskId, point }),
            options.signal,
          ),
        );
        report?.({ type: 'job-end', strategy: job.label, seed: job.seed });
      }
    } finally {
      await engine.dispose();
    }
  }

  return {
    format: COMPARISON_FORMAT,
    formatVersion: COMPARISON_FORMAT_VERSION,
    tasks: [...options.tasks],
    seeds: [...options.seeds],
    budget: { ...budget },
    // Which score judged each task, and the criterion its trials to criterion count against.
    scores: taskScores(corpus, budget.criterion),
    strategies: compared.map(({ strategy: _strategy, ...rest }) => rest),
    rows: results.flatMap((result) => result.rows),
    runs: results.map((result) => result.run),
  };
}
