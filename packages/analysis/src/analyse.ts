/**
 * `analyseModels`: the analysis stage of `molap run`. For every model and seed: learn the corpus (all tasks
 * minus the held-out ones), then measure robustness, dimensionality and task variance of the trained model,
 * then learn each held-out task from a copy of it (each way the model offers); finally assemble
 * `results.json` with the claims.
 *
 * Pure library: no printing (progress goes to `onProgress`), cancellable (`signal`), and resumable at stage
 * granularity: with `workDir`, every finished stage is stored there (see `stage-store.ts`) and a new call
 * with the same configuration reads it back instead of running it again; learning stages also checkpoint
 * inside, so an interrupted training resumes exactly. Without `workDir` a temporary folder is used and
 * removed at the end. Models and seeds run one after the other in this thread.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  budgetFor,
  type LearningBudget,
  type LearningCurvePoint,
  type MultiTaskModel,
  type TaskLearningRecord,
  validateBudget,
} from '@molap/core';
import type { Task, TaskOptions, TaskRegistry } from '@molap/tasks';
import { analysisBatches, analysisNoiseSeed, type StateDimensionality, stateAnalyses } from './analyse-model.js';
import { assembleModel, type SeedStages, type TrainingStage } from './assemble.js';
import { evaluateClaims } from './claims.js';
import type { ExampleTrial } from './examples.js';
import type { AnalysisModel, GeneralisationVariant } from './models.js';
import { BUILTIN_PERTURBATIONS } from './perturbations.js';
import {
  type PerturbationCurves,
  type PerturbationRun,
  resolvePerturbationRun,
  robustnessCurves,
} from './robustness.js';
import { RESULTS_FORMAT, RESULTS_SCHEMA_VERSION, type Results } from './schema.js';
import { StageStore } from './stage-store.js';
import { type TaskVariance, taskVariance } from './task-variance.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The analyses besides learning, each on by default. */
export type AnalysisName = 'robustness' | 'dimensionality' | 'taskVariance' | 'generalisation';

/** Stages reported in progress events and timings. */
export type AnalysisStage = 'train' | AnalysisName;

/** Options of `analyseModels`. */
export interface AnalyseOptions {
  /** Models to analyse; names must be unique. */
  readonly models: readonly AnalysisModel[];
  /** Where task ids are looked up. */
  readonly registry: Pick<TaskRegistry, 'get'>;
  /** Every task of the run, in report order: the corpus plus the held-out tasks. */
  readonly tasks: readonly string[];
  /** Tasks held out of the corpus and learned afterwards (generalisation). Default none. */
  readonly heldOut?: readonly string[];
  /** Seeds; each model is trained and analysed once per seed. */
  readonly seeds: readonly number[];
  /** Per-task learning budget (interleaved models get steps × tasks for the corpus). */
  readonly budget: LearningBudget;
  /** Name recorded in results.json; default 'custom'. */
  readonly preset?: string;
  /** Perturbation suite; default every built-in perturbation with its default grid and draws. */
  readonly perturbations?: readonly PerturbationRun[];
  /** Trials per task of the analysis evaluations; default `budget.evalTrials`. */
  readonly analysisTrials?: number;
  /** Task options of the analysis trials; use the ones the models were given. */
  readonly taskOptions?: Partial<TaskOptions>;
  /** Analyses to skip (`{ taskVariance: false }`); all run by default. */
  readonly analyses?: Partial<Record<AnalysisName, boolean>>;
  /** Folder of stage files and saved models for resuming (see the module comment). */
  readonly workDir?: string;
}

/** Progress of an analysis. */
export type AnalysisProgress =
  | {
      readonly type: 'stage-start';
      readonly stage: AnalysisStage;
      readonly model: string;
      readonly seed: number;
      readonly detail?: string;
    }
  | {
      readonly type: 'stage-end';
      readonly stage: AnalysisStage;
      readonly model: string;
      readonly seed: number;
      readonly detail?: string;
      readonly seconds: number;
      /** The stage was read back from the work folder. */
      readonly resumed: boolean;
    }
  | {
      readonly type: 'curve';
      readonly stage: 'train' | 'generalisation';
      readonly model: string;
      readonly seed: number;
      readonly taskId: string;
      readonly point: LearningCurvePoint;
    };

/** Callbacks and controls of `analyseModels`. */
export interface AnalyseControls {
  readonly onProgress?: (event: AnalysisProgress) => void | Promise<void>;
  /** Stops at the next step or evaluation; the work folder keeps what finished. */
  readonly signal?: AbortSignal;
}

/** What `analyseModels` returns. */
export interface AnalysisOutput {
  /** The results.json document (validated by `writeResults`). */
  readonly results: Results;
  /** One example trial per model and task (first seed), for `renderReport`. */
  readonly exampleTrials: ExampleTrial[];
}

/** The variant name of a model's own mechanism of learning new tasks in stage data. */
const OWN = '';
/** Its name in stage file names and progress details. */
const OWN_LABEL = 'own';

function checkOptions(options: AnalyseOptions): { corpus: string[]; heldOut: string[] } {
  if (!Array.isArray(options.models) || options.models.length === 0) {
    throw new RangeError('analyseModels needs at least one model in models');
  }
  const names = new Set<string>();
  for (const model of options.models) {
    if (typeof model?.name !== 'string' || model.name === '')
      throw new RangeError('every model needs a non-empty name');
    if (names.has(model.name)) {
      throw new RangeError(`two models are named '${model.name}': give each model a unique name`);
    }
    names.add(model.name);
    const variants = new Set<string>();
    for (const variant of model.generalisationVariants ?? []) {
      if (!variant.name || variant.name === OWN_LABEL || variants.has(variant.name)) {
        throw new RangeError(
          `model '${model.name}': generalisation variant names must be unique, non-empty and not '${OWN_LABEL}' (the model's own mechanism)`,
        );
      }
      variants.add(variant.name);
    }
  }
  if (!Array.isArray(options.tasks) || options.tasks.length === 0) {
    throw new RangeError('analyseModels needs the task ids of the run in tasks, e.g. ["fdgo", "dm1"]');
  }
  if (new Set(options.tasks).size !== options.tasks.length) throw new RangeError('tasks lists a task twice');
  const heldOut = [...(options.heldOut ?? [])];
  for (const id of heldOut) {
    if (!options.tasks.includes(id)) {
      throw new RangeError(`held-out task '${id}' is not one of the run's tasks (${options.tasks.join(', ')})`);
    }
  }
  const corpus = options.tasks.filter((id) => !heldOut.includes(id));
  if (corpus.length === 0) throw new RangeError('every task is held out: keep at least one task in the corpus');
  if (!Array.isArray(options.seeds) || options.seeds.length === 0) {
    throw new RangeError('analyseModels needs at least one seed, e.g. seeds: [1]');
  }
  for (const seed of options.seeds) {
    if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new RangeError(`seeds must be integers >= 0, got ${seed}`);
  }
  if (new Set(options.seeds).size !== options.seeds.length) throw new RangeError('seeds lists a seed twice');
  validateBudget(options.budget);
  const trials = options.analysisTrials ?? options.budget.evalTrials;
  if (!(Number.isSafeInteger(trials) && trials >= 1)) {
    throw new RangeError(`analysisTrials must be an integer >= 1, got ${String(trials)}`);
  }
  return { corpus, heldOut };
}

/** Trains and analyses every model for every seed and returns results.json (see the module comment). */
export async function analyseModels(options: AnalyseOptions, controls: AnalyseControls = {}): Promise<AnalysisOutput> {
  const { corpus, heldOut } = checkOptions(options);
  const { signal, onProgress } = controls;
  const started = performance.now();
  const tasks = new Map<string, Task>(options.tasks.map((id) => [id, options.registry.get(id)]));
  const corpusTasks = corpus.map((id) => tasks.get(id)!);
  const runs = (options.perturbations ?? BUILTIN_PERTURBATIONS.map((spec) => ({ spec }))).map((run) => ({
    run,
    ...resolvePerturbationRun(run),
  }));
  const enabled = (name: AnalysisName) => options.analyses?.[name] ?? true;
  const trials = options.analysisTrials ?? options.budget.evalTrials;
  const timings: Record<AnalysisStage, number> = {
    train: 0,
    robustness: 0,
    dimensionality: 0,
    taskVariance: 0,
    generalisation: 0,
  };

  const temporary = options.workDir === undefined ? await mkdtemp(join(tmpdir(), 'molap-analysis-')) : undefined;
  const store = new StageStore(options.workDir ?? temporary!);
  try {
    await store.claim({
      format: 'molap-analysis-run',
      formatVersion: 1,
      models: options.models.map((model) => ({
        name: model.name,
        strategy: model.strategy,
        variants: (model.generalisationVariants ?? []).map((variant) => variant.name),
      })),
      tasks: options.tasks,
      heldOut,
      seeds: options.seeds,
      budget: options.budget,
      analysisTrials: trials,
      perturbations: runs.map(({ run, magnitudes, draws }) => ({
        id: run.spec.id,
        version: run.spec.version,
        magnitudes,
        draws,
      })),
      taskOptions: options.taskOptions ?? {},
      analyses: {
        robustness: enabled('robustness'),
        dimensionality: enabled('dimensionality'),
        taskVariance: enabled('taskVariance'),
        generalisation: enabled('generalisation'),
      },
    });

    const models: Results['models'] = {};
    const exampleTrials: ExampleTrial[] = [];
    for (const spec of options.models) {
      const seedStages: SeedStages[] = [];
      for (const seed of options.seeds) {
        const stages = await analyseSeed(spec, seed);
        seedStages.push(stages.data);
        if (seed === options.seeds[0]) exampleTrials.push(...stages.examples);
      }
      models[spec.name] = assembleModel(seedStages, {
        displayName: spec.displayName,
        corpus,
        heldOut: enabled('generalisation') ? heldOut : [],
        batchSize: options.budget.batchSize,
        variants: (spec.generalisationVariants ?? []).map(({ name, description }) => ({ name, description })),
      });
    }

    const results: Results = {
      format: RESULTS_FORMAT,
      schemaVersion: RESULTS_SCHEMA_VERSION,
      createdBy: { package: PACKAGE_NAME, version: PACKAGE_VERSION },
      preset: options.preset ?? 'custom',
      seed: options.seeds[0],
      seeds: [...options.seeds],
      corpus,
      heldOut,
      budget: { ...options.budget },
      analysisTrials: trials,
      perturbations: enabled('robustness')
        ? runs.map(({ run, magnitudes, draws }) => ({
            id: run.spec.id,
            version: run.spec.version,
            displayName: run.spec.meta.displayName,
            description: run.spec.meta.description,
            magnitude: run.spec.meta.magnitude,
            magnitudes,
            draws,
          }))
        : [],
      models,
      claims: [],
      timings: { total: (performance.now() - started) / 1000, stages: { ...timings } },
    };
    return { results: { ...results, claims: evaluateClaims(results) }, exampleTrials };
  } finally {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  }

  /** Every stage of one model and seed. */
  async function analyseSeed(
    spec: AnalysisModel,
    seed: number,
  ): Promise<{ data: SeedStages; examples: ExampleTrial[] }> {
    let trained: MultiTaskModel | undefined;
    const modelDir = store.modelDir(spec.name, seed);
    const trainedModel = async () => {
      trained ??= await spec.load(modelDir);
      return trained;
    };

    /** Runs a stage or reads it back, with progress events and timings. */
    const stage = async <T>(name: AnalysisStage, file: string, run: () => Promise<T>, detail?: string): Promise<T> => {
      signal?.throwIfAborted();
      const base = { stage: name, model: spec.name, seed, ...(detail ? { detail } : {}) };
      const stored = await store.read<T>(spec.name, seed, file);
      if (stored) {
        timings[name] += stored.seconds;
        await onProgress?.({ type: 'stage-end', ...base, seconds: stored.seconds, resumed: true });
        return stored.value;
      }
      await onProgress?.({ type: 'stage-start', ...base });
      const start = performance.now();
      const value = await run();
      signal?.throwIfAborted();
      const seconds = (performance.now() - start) / 1000;
      await store.write(spec.name, seed, file, value, seconds);
      timings[name] += seconds;
      await onProgress?.({ type: 'stage-end', ...base, seconds, resumed: false });
      return value;
    };

    const curve = (stageName: 'train' | 'generalisation') => (taskId: string, point: LearningCurvePoint) =>
      onProgress?.({ type: 'curve', stage: stageName, model: spec.name, seed, taskId, point });

    try {
      const training = await stage<TrainingStage>('train', 'train', async () => {
        const model = await spec.create({ seed, corpus, ...(signal ? { signal } : {}) });
        trained = model;
        const records = await model.learn(corpus, budgetFor(options.budget, spec.schedule, corpus.length), {
          seed,
          onProgress: curve('train'),
          checkpointDir: store.checkpointDir(spec.name, seed, 'train'),
          ...(signal ? { signal } : {}),
        });
        signal?.throwIfAborted();
        await model.save(modelDir);
        return {
          strategy: model.strategy,
          hiddenSize: model.hiddenSize,
          modules: model.modules ? [...model.modules] : null,
          records,
          parameters: model.parameterCount(),
        };
      });

      const batches = () =>
        analysisBatches(corpusTasks, {
          trials,
          seed,
          ...(options.taskOptions ? { taskOptions: options.taskOptions } : {}),
        });

      const robustness = enabled('robustness')
        ? await stage<PerturbationCurves[]>('robustness', 'robustness', async () =>
            robustnessCurves(await trainedModel(), {
              perturbations: runs.map(({ run, magnitudes, draws }) => ({ spec: run.spec, magnitudes, draws })),
              batches: batches(),
              noiseSeed: (taskId) => analysisNoiseSeed(seed, taskId),
              seed,
              ...(signal ? { signal } : {}),
            }),
          )
        : undefined;

      const states = enabled('dimensionality')
        ? await stage<{ dimensionality: StateDimensionality; examples: ExampleTrial[] }>(
            'dimensionality',
            'states',
            async () =>
              stateAnalyses(await trainedModel(), {
                batches: batches(),
                seed,
                modelName: spec.name,
                ...(signal ? { signal } : {}),
              }),
          )
        : undefined;

      const variance = enabled('taskVariance')
        ? await stage<TaskVariance>('taskVariance', 'task-variance', async () =>
            taskVariance(await trainedModel(), {
              tasks: corpusTasks,
              ...(options.taskOptions ? { taskOptions: options.taskOptions } : {}),
              ...(signal ? { signal } : {}),
            }),
          )
        : undefined;

      await trained?.dispose();
      trained = undefined;

      const generalisation: Record<string, Record<string, TaskLearningRecord>> = {};
      if (enabled('generalisation')) {
        const ways: { key: string; label: string; load: GeneralisationVariant['load'] }[] = [
          { key: OWN, label: OWN_LABEL, load: (dir) => spec.load(dir) },
          ...(spec.generalisationVariants ?? []).map((variant) => ({
            key: variant.name,
            label: variant.name,
            load: (dir: string) => variant.load(dir),
          })),
        ];
        for (const way of ways) {
          generalisation[way.key] = {};
          for (const taskId of heldOut) {
            const file = `generalisation-${way.label}-${taskId}`;
            generalisation[way.key][taskId] = await stage<TaskLearningRecord>(
              'generalisation',
              file,
              async () => {
                const model = await way.load(modelDir);
                try {
                  const [record] = await model.learn([taskId], options.budget, {
                    seed,
                    onProgress: curve('generalisation'),
                    checkpointDir: store.checkpointDir(spec.name, seed, file),
                    ...(signal ? { signal } : {}),
                  });
                  signal?.throwIfAborted();
                  if (!record)
                    throw new Error(`${spec.name} returned no learning record for held-out task '${taskId}'`);
                  return record;
                } finally {
                  await model.dispose();
                }
              },
              `${taskId} (${way.label})`,
            );
          }
        }
      }

      return {
        data: {
          seed,
          training,
          ...(robustness ? { robustness } : {}),
          ...(states ? { states: { dimensionality: states.dimensionality } } : {}),
          ...(variance ? { taskVariance: variance } : {}),
          generalisation,
        },
        examples: states?.examples ?? [],
      };
    } finally {
      await trained?.dispose();
    }
  }
}
