/**
 * Module pre-training (MoLaP §3): k modules, module i trained on its own to produce latent v_i(t) of the
 * corpus, then frozen and gathered into a module bank.
 *
 * Modules are independent, so they train in parallel: `workers` worker threads (default: one per core, at
 * most k), each with its own single-thread engine; module i goes to worker i mod workers. A module depends
 * only on its seed and the options, and engines give the same results for any thread count, so the bank is
 * bit-identical whatever the number of workers (tested).
 *
 * Workers import this package's build and look the corpus tasks up by id: the Yang tasks of `@molap/tasks`
 * always, other tasks through a `workerSetup` module (an ES module URL or path exporting
 * `setup(): { tasks: TaskRegistry }`). Without one, or when the package runs from its TypeScript sources (as in
 * tests), modules train in this thread, one after the other, and the `start` progress event says why.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type CreateEngineOptions, createEngine, type Engine } from '@molap/backend';
import { MolapError } from '@molap/core';
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

/** Thrown when a pre-training run is stopped by its signal. */
export class PretrainingAbortedError extends Error {
  constructor(completedModules: number, k: number, checkpointDir: string | undefined) {
    super(
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
    throw new TypeError('primitives must be the LatentPrimitives of the corpus: extractLatents(sampleCorpus(…)).');
  }
  if (isTeacherLatents(primitives)) {
    if (!teacher) {
      throw new RangeError(
        `'${primitives.method}' latents are read from a teacher's states, so pre-training needs that teacher: pass pretrainModules({ …, teacher }) with the teacher of checksum ${primitives.teacher.sha256.slice(0, 12)}…`,
      );
    }
    checkTeacher(
      teacher,
      tasks.map((task) => task.id),
      layout,
    );
    const checksum = teacherChecksum(teacher.parameters);
    if (checksum !== primitives.teacher.sha256) {
      throw new RangeError(
        `the teacher given has checksum ${checksum.slice(0, 12)}… but the latents were read from a teacher of checksum ${primitives.teacher.sha256.slice(0, 12)}…: pass the teacher the latents were extracted with.`,
      );
    }
  }
  if (primitives.yDim !== layout.outputSize) {
    throw new RangeError(
      `the primitives have yDim ${primitives.yDim} but the corpus tasks have ${layout.outputSize} outputs: extract the primitives from this corpus.`,
    );
  }
  const ids = tasks.map((task) => task.id);
  const from = primitives.corpus?.taskIds;
  if (from && (from.length !== ids.length || from.some((id, i) => id !== ids[i]))) {
    throw new RangeError(
      `the primitives were extracted from the corpus [${from.join(', ')}] but pre-training got [${ids.join(', ')}]: pre-train on the corpus of the primitives, in the same order.`,
    );
  }
}

/** The one channel layout of a corpus; throws when its tasks disagree. */
export function corpusLayout(tasks: readonly Task[], taskOptions: CorpusTaskOptions): BankLayout {
  const layout = bankLayout(tasks[0], taskOptions);
  const signature = JSON.stringify(layout);
  for (const task of tasks.slice(1)) {
    if (JSON.stringify(bankLayout(task, taskOptions)) !== signature) {
      throw new RangeError(
        `task '${task.id}' has a different channel layout or dt/τ than '${tasks[0].id}': a corpus needs one layout; give every task the same options.`,
      );
    }
  }
  return layout;
}

/** URL of this module's build, which workers import; undefined when running from TypeScript sources. */
function ownModuleUrl(): string | undefined {
  const url = import.meta.url;
  return typeof url === 'string' && /\.(c|m)?js$/.test(url) ? url : undefined;
}

const isBuiltIn = (task: Task) => (YANG19_TASKS as Readonly<Record<string, Task>>)[task.id] === task;

/**
 * Pre-trains one module per latent of `primitives` on the corpus and returns the frozen bank.
 * @throws RangeError on bad options (with the fix), PretrainingAbortedError when stopped by `signal`.
 */
export async function pretrainModules(options: PretrainModulesOptions): Promise<ModuleBank> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('pretrainModules needs { tasks, primitives, seed, … }');
  }
  for (const key of Object.keys(options)) {
    if (!RUN_KEYS.includes(key) && !(TRAINING_KEYS as readonly string[]).includes(key)) {
      throw new RangeError(
        `unknown pretrainModules option '${key}'; the options are ${[...RUN_KEYS, ...TRAINING_KEYS].join(', ')}`,
      );
    }
  }
  const tasks = resolveCorpusTasks(options.tasks);
  if (!Number.isSafeInteger(options.seed)) {
    throw new RangeError(`seed must be an integer, got ${String(options.seed)}: pass the bank seed (e.g. 1).`);
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
    throw new RangeError(`workers must be an integer >= 1, got ${String(options.workers)}`);
  }
  const workers = Math.min(requested, k);
  const moduleUrl = ownModuleUrl();
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
    trained = await trainInWorkers({
      moduleUrl: moduleUrl!,
      workers,
      input: {
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
      },
      k,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
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
  /** Modules this worker trains, in order. */
  readonly modules?: readonly number[];
}

/** The body of a pre-training worker: resolves the tasks, creates a one-thread engine, trains its modules. @internal */
export async function runPretrainWorker(
  input: PretrainWorkerInput,
  report: (event: PretrainProgress) => void,
  signal: AbortSignal,
): Promise<TrainedModule[]> {
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
    if (typeof module.setup !== 'function')
      throw new Error(`workerSetup module ${input.setup} exports no setup() function`);
    registry = (await module.setup()).tasks;
  }
  const tasks = input.taskIds.map((id) => {
    if (registry) return registry.get(id);
    const task = (YANG19_TASKS as Readonly<Record<string, Task>>)[id];
    if (!task) throw new Error(`corpus task '${id}' is not a Yang task: give pretrainModules a workerSetup module`);
    return task;
  });
  const engine = await createEngine({ ...input.engineOptions, threads: 1 });
  try {
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
    const trained: TrainedModule[] = [];
    for (const index of input.modules ?? []) {
      const module = await trainModule(context, index);
      trained.push(module);
      if (module.aborted) break;
    }
    return trained;
  } finally {
    await engine.dispose();
  }
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

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const controller = new AbortController();
parentPort.on('message', (message) => { if (message && message.kind === 'abort') controller.abort(); });
import(workerData.moduleUrl)
  .then((module) => module.runPretrainWorker(workerData.input, (event) => parentPort.postMessage({ kind: 'progress', event }), controller.signal))
  .then(
    (result) => parentPort.postMessage({ kind: 'result', result }),
    (error) => parentPort.postMessage({
      kind: 'error',
      message: error && error.stack ? error.stack : String(error),
      molap: error && typeof error.code === 'string' && typeof error.problem === 'string'
        ? { code: error.code, problem: error.problem, hint: error.hint, kind: error.kind }
        : undefined,
    }),
  );
`;

/**
 * The parent's Node flags without custom export conditions: workers import the package builds, never the
 * TypeScript sources a test runner's `--conditions` would select.
 */
function workerExecArgv(): string[] {
  const argv: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i];
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=')) argv.push(arg);
  }
  return argv;
}

interface WorkerPoolOptions {
  readonly moduleUrl: string;
  readonly workers: number;
  readonly input: PretrainWorkerInput;
  readonly k: number;
  readonly onProgress?: (event: PretrainProgress) => void;
  readonly signal?: AbortSignal;
}

/** Trains the modules in `workers` threads (module i in worker i mod workers) and gathers them. */
async function trainInWorkers(pool: WorkerPoolOptions): Promise<TrainedModule[]> {
  const threads: Worker[] = [];
  const onAbort = () => {
    for (const worker of threads) worker.postMessage({ kind: 'abort' });
  };
  pool.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const runs = Array.from({ length: pool.workers }, (_, w) => {
      const modules = Array.from({ length: pool.k }, (_, i) => i).filter((i) => i % pool.workers === w);
      return new Promise<TrainedModule[]>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { moduleUrl: pool.moduleUrl, input: { ...pool.input, modules } },
          execArgv: workerExecArgv(),
        });
        threads.push(worker);
        if (pool.signal?.aborted) worker.postMessage({ kind: 'abort' });
        let settled = false;
        const settle = (action: () => void) => {
          if (settled) return;
          settled = true;
          action();
          void worker.terminate();
        };
        worker.on(
          'message',
          (message: {
            kind: string;
            event?: PretrainProgress;
            result?: TrainedModule[];
            message?: string;
            molap?: { code: string; problem: string; hint?: string; kind?: 'bad-input' | 'failure' };
          }) => {
            if (message.kind === 'progress' && message.event) pool.onProgress?.(message.event);
            else if (message.kind === 'result') settle(() => resolve(message.result ?? []));
            else if (message.kind === 'error') {
              const where = `module pre-training failed in worker ${w} (modules ${modules.join(', ')})`;
              const known = message.molap;
              settle(() =>
                reject(
                  known
                    ? new MolapError(known.code, `${where}: ${known.problem}`, {
                        ...(known.hint === undefined ? {} : { hint: known.hint }),
                        ...(known.kind === undefined ? {} : { kind: known.kind }),
                      })
                    : new Error(`${where}: ${message.message}`),
                ),
              );
            }
          },
        );
        worker.on('error', (error) => settle(() => reject(error)));
        worker.on('exit', (code) =>
          settle(() =>
            reject(new Error(`pre-training worker ${w} exited with code ${code} before reporting its modules`)),
          ),
        );
      });
    });
    const results = await Promise.all(runs).catch(async (error) => {
      await Promise.all(threads.map((worker) => worker.terminate()));
      throw error;
    });
    return results.flat();
  } finally {
    pool.signal?.removeEventListener('abort', onAbort);
  }
}
