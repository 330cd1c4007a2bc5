/**
 * Module pre-training (MoLaP §3): k modules, module i trained on its own to produce latent v_i(t) of the
 * corpus, then frozen and gathered into a module bank.
 *
 * Modules are independent, so they train in parallel: one job per module in `workers` worker threads of
 * core's pool (`runJobsInWorkers`; default one per core, at most k), each thread with its own single-thread
 * engine, taking the next module when it finishes one. A module depends only on its seed and the options,
 * and engines give the same results for any thread count, so the bank is bit-identical whatever the number of
 * workers and whichever thread trained which module (tested).
 *
 * Workers import this package's build and look the corpus tasks up by id: the Yang tasks of `@molap/tasks`
 * always, other tasks through a `workerSetup` module (an ES module URL or path exporting
 * `setup(): { tasks: TaskRegistry }`). Without one, or when the package runs from its TypeScript sources (as in
 * tests), modules train in this thread, one after the other, and the `start` progress event says why.
 */
import { availableParallelism } from 'node:os';
import { type CreateEngineOptions, createEngine, type Engine } from '@molap/backend';
import { builtModuleUrl, InvalidValueError, MolapError, runJobsInWorkers } from '@molap/core';
import {
  corpusTaskOptions,
  createTaskRegistry,
  loadPluginSources,
  type PluginSource,
  registerDiscovered,
  type Task,
  type TaskRegistry,
  YANG19_TASKS,
  yang19,
} from '@molap/tasks';
import {
  assembleModules,
  type BankLayout,
  bankLayout,
  bankNetworkConfig,
  type ModuleBank,
  type ModuleLog,
  moduleSeed,
} from './bank.js';
import { type CorpusTaskOptions, resolveCorpusTasks, type SampleCorpusOptions } from './corpus.js';
import { type BankLatents, type ExtractorRecord, inferredExtractor } from './extractor.js';
import { buildLatentPool, type LatentPool } from './latent-pool.js';
import {
  heldOutBatches,
  type ModuleTrainingContext,
  type PretrainProgress,
  type TrainedModule,
  trainModule,
} from './module-training.js';
import {
  type ModuleTrainingOptions,
  type PretrainPresetName,
  resolveModuleTraining,
  taskOptionsJson,
} from './pretrain-options.js';
import { checkTeacher, type Teacher, teacherChecksum } from './teacher.js';
import { isTeacherLatents, type TeacherLatents, teacherModel } from './teacher-latents.js';

/** Options of `pretrainModules`: the corpus, its primitives, the seed, training options and how to run. */
export interface PretrainModulesOptions extends Partial<ModuleTrainingOptions> {
  /** The corpus: tasks, or a registry and ids. Must be the corpus the primitives were extracted from. */
  readonly tasks: SampleCorpusOptions['tasks'];
  /**
   * The latents (`extractLatents`, or an extractor's `extract`); module i learns latent i, so k = `primitives.k`.
   * Teacher latents need `teacher` too.
   */
  readonly primitives: BankLatents;
  /** The teacher the latents were read from (teacher latents only; its checksum must match theirs). */
  readonly teacher?: Teacher;
  /** What the bank records of the extractor; default inferred from the latents (method, k, options). */
  readonly extractor?: ExtractorRecord;
  /** Bank seed: module i's seed is `moduleSeed(seed, i)`. */
  readonly seed: number;
  /** Preset the training options start from (given options override it). Default 'standard'. */
  readonly preset?: PretrainPresetName;
  /** Task options of the corpus batches (as given to `sampleCorpus`). */
  readonly taskOptions?: CorpusTaskOptions;
  /** Worker threads; default one per core (`os.availableParallelism()`), at most k. 1 trains in this thread. */
  readonly workers?: number;
  /** Engine for training in this thread; default a new one from `engineOptions` (disposed at the end). */
  readonly engine?: Engine;
  /** Engine selection for the workers (always one thread each) and for a default in-thread engine. */
  readonly engineOptions?: CreateEngineOptions;
  /**
   * Plugin packages whose tasks are in the corpus (`pluginSources(discovery)` of @molap/tasks): the workers
   * load the same plugins, so a corpus with plugin tasks trains on every core.
   */
  readonly plugins?: readonly PluginSource[];
  /** Module (URL or absolute path) whose `setup()` returns `{ tasks }`, so workers can find custom corpus tasks. */
  readonly workerSetup?: string;
  /** Checkpoint folder: one sub-folder per module; an interrupted run given the same folder resumes exactly. */
  readonly checkpointDir?: string;
  readonly onProgress?: (event: PretrainProgress) => void;
  /** Stops training between steps (checkpoints are written first); `pretrainModules` then rejects. */
  readonly signal?: AbortSignal;
}

const TRAINING_KEYS: readonly (keyof ModuleTrainingOptions)[] = [
  'moduleSize',
  'steps',
  'batchSize',
  'learningRate',
  'clipValue',
  'activation',
  'recurrentNoise',
  'recurrentInit',
  'recurrentScale',
  'maskWeighting',
  'evaluationTrials',
  'logEvery',
  'checkpointEvery',
  'poolBatchesPerTask',
];

const RUN_KEYS = [
  'tasks',
  'primitives',
  'teacher',
  'extractor',
  'seed',
  'preset',
  'taskOptions',
  'workers',
  'engine',
  'engineOptions',
  'workerSetup',
  'plugins',
  'checkpointDir',
  'onProgress',
  'signal',
];

/** Thrown when a pre-training run is stopped by its signal: MolapError 'aborted' (kind 'failure'). */
export class PretrainingAbortedError extends MolapError {
  constructor(completedModules: number, k: number, checkpointDir: string | undefined) {
    super(
      'aborted',
      `module pre-training was stopped after ${completedModules} of ${k} modules` +
        (checkpointDir
          ? `; run pretrainModules again with checkpointDir '${checkpointDir}' to resume`
          : '; give a checkpointDir to be able to resume'),
    );
    this.name = 'PretrainingAbortedError';
  }
}

function checkPrimitives(
  primitives: BankLatents,
  tasks: readonly Task[],
  layout: BankLayout,
  teacher: Teacher | undefined,
): void {
  if (primitives === null || typeof primitives !== 'object' || !Number.isInteger(primitives.k)) {
    throw new InvalidValueError('primitives must be the LatentPrimitives of the corpus', {
      hint: 'extract them with extractLatents(sampleCorpus(…))',
    });
  }
  if (isTeacherLatents(primitives)) {
    if (!teacher) {
      throw new InvalidValueError(
        `'${primitives.method}' latents are read from a teacher's states, so pre-training needs that teacher`,
        {
          hint: `pass pretrainModules({ …, teacher }) with the teacher of checksum ${primitives.teacher.sha256.slice(0, 12)}…`,
        },
      );
    }
    checkTeacher(
      teacher,
      tasks.map((task) => task.id),
      layout,
    );
    const checksum = teacherChecksum(teacher.parameters);
    if (checksum !== primitives.teacher.sha256) {
      throw new MolapError(
        'incompatible',
        `the teacher given has checksum ${checksum.slice(0, 12)}… but the latents were read from a teacher of checksum ${primitives.teacher.sha256.slice(0, 12)}…`,
        { hint: 'pass the teacher the latents were extracted with' },
      );
    }
  }
  if (primitives.yDim !== layout.outputSize) {
    throw new MolapError(
      'incompatible',
      `the primitives have yDim ${primitives.yDim} but the corpus tasks have ${layout.outputSize} outputs`,
      { hint: 'extract the primitives from this corpus' },
    );
  }
  const ids = tasks.map((task) => task.id);
  const from = primitives.corpus?.taskIds;
  if (from && (from.length !== ids.length || from.some((id, i) => id !== ids[i]))) {
    throw new MolapError(
      'incompatible',
      `the primitives were extracted from the corpus [${from.join(', ')}] but pre-training got [${ids.join(', ')}]`,
      { hint: 'pre-train on the corpus of the primitives, in the same order' },
    );
  }
}

/** The one channel layout of a corpus; throws when its tasks disagree. */
export function corpusLayout(tasks: readonly Task[], taskOptions: CorpusTaskOptions): BankLayout {
  const layout = bankLayout(tasks[0], taskOptions);
  const signature = JSON.stringify(layout);
  for (const task of tasks.slice(1)) {
    if (JSON.stringify(bankLayout(task, taskOptions)) !== signature) {
      throw new MolapError(
        'incompatible',
        `task '${task.id}' has a different channel layout or dt/τ than '${tasks[0].id}': a corpus needs one layout`,
        { hint: 'give every task the same options' },
      );
    }
  }
  return layout;
}

const isBuiltIn = (task: Task) => (YANG19_TASKS as Readonly<Record<string, Task>>)[task.id] === task;

/**
 * Pre-trains one module per latent of `primitives` on the corpus and returns the frozen bank.
 * @throws MolapError on bad options ('invalid-option', 'incompatible', … with the fix), PretrainingAbortedError
 *   when stopped by `signal`.
 */
export async function pretrainModules(options: PretrainModulesOptions): Promise<ModuleBank> {
  if (options === null || typeof options !== 'object') {
    throw new InvalidValueError('pretrainModules needs { tasks, primitives, seed, … }');
  }
  for (const key of Object.keys(options)) {
    if (!RUN_KEYS.includes(key) && !(TRAINING_KEYS as readonly string[]).includes(key)) {
      throw new InvalidValueError(`unknown pretrainModules option '${key}'`, {
        hint: `the options are ${[...RUN_KEYS, ...TRAINING_KEYS].join(', ')}`,
      });
    }
  }
  const tasks = resolveCorpusTasks(options.tasks);
  if (!Number.isSafeInteger(options.seed)) {
    throw new InvalidValueError(`seed must be an integer, got ${String(options.seed)}`, {
      hint: 'pass the bank seed (e.g. 1)',
    });
  }
  const given: Partial<ModuleTrainingOptions> = {};
  for (const key of TRAINING_KEYS) {
    if (options[key] !== undefined) (given as Record<string, unknown>)[key] = options[key];
  }
  const training = resolveModuleTraining(given, options.preset ?? 'standard');
  const taskOptions = corpusTaskOptions(tasks, options.taskOptions ?? {}) as CorpusTaskOptions;
  const layout = corpusLayout(tasks, taskOptions);
  checkPrimitives(options.primitives, tasks, layout, options.teacher);
  const { primitives, seed } = options;
  const k = primitives.k;
  const extractor = options.extractor ?? inferredExtractor(primitives);
  const requested = options.workers ?? availableParallelism();
  if (!(Number.isSafeInteger(requested) && requested >= 1)) {
    throw new InvalidValueError(`workers must be an integer >= 1, got ${String(options.workers)}`);
  }
  const workers = Math.min(requested, k);
  const moduleUrl = builtModuleUrl(import.meta.url);
  const plugins = options.plugins ?? [];
  const pluginTaskIds = new Set(plugins.flatMap((plugin) => plugin.taskIds));
  let reason: string | undefined;
  if (workers <= 1) reason = k <= 1 ? 'one module' : 'workers: 1';
  else if (options.engine) reason = 'an engine was given (it runs in this thread)';
  else if (!moduleUrl) reason = 'the package runs from its TypeScript sources (workers need the build)';
  else if (!options.workerSetup && !tasks.every((task) => isBuiltIn(task) || pluginTaskIds.has(task.id))) {
    reason = 'custom corpus tasks without a workerSetup module or plugins';
  }
  options.onProgress?.({
    type: 'start',
    modules: k,
    mode: reason ? 'in-thread' : 'workers',
    workers: reason ? 1 : workers,
    ...(reason ? { reason } : {}),
  });

  const pool = isTeacherLatents(primitives)
    ? await teacherPool(options, tasks, taskOptions, training, primitives)
    : undefined;
  let trained: TrainedModule[];
  if (reason === undefined) {
    const input: PretrainWorkerInput = {
      taskIds: tasks.map((task) => task.id),
      taskOptions: taskOptionsJson(taskOptions),
      primitives,
      layout,
      options: training,
      bankSeed: seed,
      ...(options.workerSetup ? { setup: options.workerSetup } : {}),
      ...(plugins.length > 0 ? { plugins } : {}),
      ...(pool ? { pool } : {}),
      ...(options.engineOptions ? { engineOptions: options.engineOptions } : {}),
      ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
    };
    let completed = 0;
    trained = await runJobsInWorkers<PretrainWorkerInput, TrainedModule, PretrainProgress>({
      moduleUrl: moduleUrl!,
      run: 'runPretrainWorker',
      jobs: Array.from({ length: k }, (_, module) => ({ ...input, module })),
      parallelism: workers,
      label: 'pre-training of module',
      onProgress: (event) => {
        if (event.type === 'module-end') completed++;
        options.onProgress?.(event);
      },
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      throw options.signal?.aborted ? new PretrainingAbortedError(completed, k, options.checkpointDir) : error;
    });
  } else {
    const engine = options.engine ?? (await createEngine(options.engineOptions));
    try {
      const context: ModuleTrainingContext = {
        engine,
        tasks,
        primitives,
        layout,
        options: training,
        taskOptions,
        bankSeed: seed,
        ...(pool ? { pool } : {}),
        ...(options.checkpointDir ? { checkpointDir: options.checkpointDir } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      };
      trained = [];
      for (let i = 0; i < k; i++) {
        const module = await trainModule(context, i);
        trained.push(module);
        if (module.aborted) break;
      }
    } finally {
      if (!options.engine) await engine.dispose();
    }
  }
  const completed = trained.filter((module) => !module.aborted).length;
  if (completed < k) throw new PretrainingAbortedError(completed, k, options.checkpointDir);
  trained.sort((a, b) => a.index - b.index);

  const config = bankNetworkConfig(layout, k, training.moduleSize, training);
  return {
    kind: 'pretrained',
    k,
    moduleSize: training.moduleSize,
    layout,
    network: {
      config,
      parameters: assembleModules(
        trained.map((module) => module.parameters),
        config,
      ),
    },
    primitives,
    extractor,
    corpus: { taskIds: tasks.map((task) => task.id), taskOptions: taskOptionsJson(taskOptions) },
    seed,
    moduleSeeds: Array.from({ length: k }, (_, i) => moduleSeed(seed, i)),
    options: { preset: options.preset ?? 'standard', ...training },
    log: trained.map((module): ModuleLog => module.log),
  };
}

/** Data a pre-training worker receives (structured-cloneable). @internal */
export interface PretrainWorkerInput {
  readonly taskIds: readonly string[];
  readonly taskOptions: CorpusTaskOptions;
  readonly primitives: BankLatents;
  readonly layout: BankLayout;
  readonly options: ModuleTrainingOptions;
  readonly bankSeed: number;
  readonly setup?: string;
  /** Plugin packages to load (their tasks join the Yang tasks). */
  readonly plugins?: readonly PluginSource[];
  readonly engineOptions?: CreateEngineOptions;
  readonly checkpointDir?: string;
  /** The latent pool (SharedArrayBuffers: shared, not copied). */
  readonly pool?: LatentPool;
  /** The module this job trains. */
  readonly module?: number;
}

/** The corpus tasks and the one-thread engine of a worker thread, made for its first job and kept for the next. */
let workerState: { readonly key: string; readonly ready: Promise<{ tasks: Task[]; engine: Engine }> } | undefined;

/** The corpus tasks of a job: the Yang tasks, plugin tasks and those of a `workerSetup` module. */
async function workerTasks(input: PretrainWorkerInput): Promise<Task[]> {
  let registry: Pick<TaskRegistry, 'get'> | undefined;
  if (input.plugins && input.plugins.length > 0) {
    const withPlugins = createTaskRegistry({ tasks: yang19, source: '@molap/tasks' });
    registerDiscovered(withPlugins, await loadPluginSources(input.plugins));
    registry = withPlugins;
  }
  if (input.setup) {
    const module = (await import(input.setup)) as {
      setup?: () => { tasks?: TaskRegistry } | Promise<{ tasks?: TaskRegistry }>;
    };
    if (typeof module.setup !== 'function') {
      throw new InvalidValueError(`workerSetup module ${input.setup} exports no setup() function`, {
        hint: 'export a function setup() that returns { tasks } (a task registry)',
      });
    }
    registry = (await module.setup()).tasks;
  }
  return input.taskIds.map((id) => {
    if (registry) return registry.get(id);
    const task = (YANG19_TASKS as Readonly<Record<string, Task>>)[id];
    if (!task) {
      throw new MolapError('unknown-id', `corpus task '${id}' is not a Yang task`, {
        hint: 'give pretrainModules a workerSetup module whose setup() returns { tasks } holding it',
      });
    }
    return task;
  });
}

/**
 * One job of the pre-training pool (`runJobsInWorkers` of @molap/core), run in a worker thread: trains module
 * `input.module` with the thread's tasks and one-thread engine (made for the thread's first job). @internal
 */
export async function runPretrainWorker(
  input: PretrainWorkerInput,
  report: (event: PretrainProgress) => void,
  signal: AbortSignal,
): Promise<TrainedModule> {
  const key = JSON.stringify([input.taskIds, input.plugins ?? null, input.setup ?? null, input.engineOptions ?? null]);
  if (workerState?.key !== key) {
    const previous = workerState;
    workerState = {
      key,
      ready: (async () => {
        if (previous) await (await previous.ready.catch(() => undefined))?.engine.dispose();
        const tasks = await workerTasks(input);
        return { tasks, engine: await createEngine({ ...input.engineOptions, threads: 1 }) };
      })(),
    };
  }
  const { tasks, engine } = await workerState.ready;
  const context: ModuleTrainingContext = {
    engine,
    tasks,
    primitives: input.primitives,
    layout: input.layout,
    options: input.options,
    taskOptions: input.taskOptions,
    bankSeed: input.bankSeed,
    ...(input.pool ? { pool: input.pool } : {}),
    ...(input.checkpointDir ? { checkpointDir: input.checkpointDir } : {}),
    signal,
    onProgress: report,
  };
  return trainModule(context, input.module ?? 0);
}

/** The latent pool of teacher latents, built in this thread with the given engine or a new one. */
async function teacherPool(
  options: PretrainModulesOptions,
  tasks: readonly Task[],
  taskOptions: CorpusTaskOptions,
  training: ModuleTrainingOptions,
  latents: TeacherLatents,
): Promise<LatentPool> {
  const engine = options.engine ?? (await createEngine(options.engineOptions));
  const model = teacherModel(engine, options.teacher!);
  try {
    return await buildLatentPool({
      tasks,
      taskOptions,
      bankSeed: options.seed,
      latents,
      teacher: model,
      batchesPerTask: training.poolBatchesPerTask,
      batchSize: training.batchSize,
      heldOut: heldOutBatches(tasks, taskOptions, options.seed, training.evaluationTrials),
      weighting: training.maskWeighting,
    });
  } finally {
    model.dispose();
    if (!options.engine) await engine.dispose();
  }
}
