/**
 * Runs one job of a study in this process: what each kind of job does, from the plan, the job's inputs (the
 * outputs and files of the jobs it reads) and an engine. Everything a job needs is data, so the same function
 * runs a job in a worker process given the same plan and inputs.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndOfCorpusEvaluation, TrainingStage } from '@molap/analysis';
import { type Engine, writeFileAtomic } from '@molap/backend';
import {
  type AnyStrategy,
  type LearningCurvePoint,
  type ModelCreation,
  MolapError,
  type MultiTaskModel,
  phaseSeconds,
  type StrategyRegistry,
  WORK_PHASES,
  type WorkPhase,
} from '@molap/core';
import type { TaskRegistry } from '@molap/tasks';
import { buildPretrainedBank, randomModuleBank } from './banks.js';
import type { StudyEvent } from './events.js';
import { jobFailure } from './failures.js';
import type { JobOutput } from './job-store.js';
import { type Json, OWN_WAY, type StudyJob } from './jobs.js';
import type { StudyPlan } from './plan.js';
import type { StageRegistry } from './stages/stage.js';
import { planStrategyContext } from './strategies.js';
import { firstPretrainedModel, STUDY_INPUTS, traitsById } from './traits.js';

/** Folder of the module bank inside a bank job's files, and of the saved model inside a train job's. */
export const BANK_FOLDER = 'bank';
export const MODEL_FOLDER = 'model';

/** Where a job reads its inputs and writes its outputs. */
export interface JobFolders {
  /** Files folder of each input job, by job id. */
  readonly inputFiles: (jobId: string) => string;
  /** Folder this job writes its files into. */
  readonly files: string;
  /** Folder of this job's checkpoints (a resumed job continues from them). */
  readonly checkpoints: string;
}

/** What running a job needs besides the job. */
export interface JobRunContext {
  readonly plan: StudyPlan;
  readonly engine: Engine;
  readonly registry: TaskRegistry;
  /** Where the plan's strategies, perturbations, extractor and stages are looked up (`resolveStudyRegistries`). */
  readonly strategies: StrategyRegistry;
  readonly perturbations: import('@molap/analysis').PerturbationRegistry;
  readonly extractors: import('@molap/primitives').ExtractorRegistry;
  /** Where the plan's analysis stages are looked up (the built-in ones and `plan.stages`). */
  readonly stages: StageRegistry;
  readonly folders: JobFolders;
  readonly onEvent?: (event: StudyEvent) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/** The plan's model of a job, and its strategy. */
function modelOf(job: StudyJob, context: JobRunContext): { name: string; strategy: AnyStrategy; options: Json } {
  const spec = context.plan.models.find((model) => model.name === job.model);
  if (!spec) {
    throw new MolapError('incompatible', `job '${job.id}' names model '${job.model}', which the plan does not have`, {
      hint: 'give every machine of the study the same versions of molap and of its plugins',
    });
  }
  return { name: spec.name, strategy: context.strategies.get(spec.strategy), options: spec.options as Json };
}

const strategyContext = (context: JobRunContext) => planStrategyContext(context.plan, context.registry, context.engine);

/** The trained model of a stage or generalisation job, loaded from its train job's files. */
function trainedModelDir(job: StudyJob, context: JobRunContext): string {
  return join(context.folders.inputFiles(job.inputs[0]), MODEL_FOLDER);
}

const curveEvents =
  (context: JobRunContext, stage: 'train' | 'generalisation', model: string, seed: number) =>
  (taskId: string, point: LearningCurvePoint) =>
    context.onEvent?.({ type: 'curve', stage, model, seed, taskId, point });

/** File in a job's checkpoint folder with the seconds its earlier sessions worked (a resumed job adds them). */
export const ELAPSED_JSON = 'elapsed.json';
/** How often a running job records its seconds so far (a killed session loses at most this much). */
const ELAPSED_EVERY_MS = 5000;

/** Seconds the earlier sessions of a job worked, from its checkpoint folder (0 for a first session). */
async function earlierSeconds(checkpoints: string): Promise<number> {
  const text = await readFile(join(checkpoints, ELAPSED_JSON), 'utf8').catch(() => undefined);
  if (text === undefined) return 0;
  try {
    const seconds = (JSON.parse(text) as { seconds?: unknown }).seconds;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : 0;
  } catch {
    return 0; // a damaged record (killed mid-write on a file system without atomic rename) counts as none
  }
}

/**
 * Runs `job` (see the module comment) and returns its JSON output; its files go to `context.folders.files`.
 * `seconds` of the output is the sum over every session that worked on the job: a session records its
 * seconds so far in the checkpoint folder (every few seconds and when it stops), and a resumed one adds them.
 */
export async function runStudyJob(job: StudyJob, context: JobRunContext): Promise<JobOutput> {
  const checkpoints = context.folders.checkpoints;
  const before = await earlierSeconds(checkpoints);
  const start = performance.now();
  const elapsed = () => before + (performance.now() - start) / 1000;
  const record = async () => {
    await mkdir(checkpoints, { recursive: true });
    await writeFileAtomic(join(checkpoints, ELAPSED_JSON), `${JSON.stringify({ seconds: elapsed() })}\n`);
  };
  let writing = Promise.resolve();
  const timer = setInterval(() => {
    writing = writing.then(record).catch(() => {});
  }, ELAPSED_EVERY_MS);
  timer.unref();
  const phasesBefore = phaseSeconds();
  const peakBytesBefore = peakResidentBytes();
  let value: Json;
  try {
    value = await runKind(job, context);
  } catch (error) {
    clearInterval(timer);
    await writing;
    await record().catch(() => {});
    throw jobFailure(error, job, context.plan, context.strategies);
  }
  clearInterval(timer);
  await writing;
  const phasesAfter = phaseSeconds();
  const phases = Object.fromEntries(
    WORK_PHASES.map((phase) => [phase, phasesAfter[phase] - phasesBefore[phase]]),
  ) as Record<WorkPhase, number>;
  return { value, seconds: elapsed(), phases, memory: { peakBytesBefore, peakBytesAfter: peakResidentBytes() } };
}

/** The process's resident-set high-water mark in bytes (`maxRSS` is in kilobytes). */
function peakResidentBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

async function runKind(job: StudyJob, context: JobRunContext): Promise<Json> {
  switch (job.kind) {
    case 'bank':
      return runBank(job, context);
    case 'train':
      return runTrain(job, context);
    case 'stage':
      return runStage(job, context);
    case 'generalisation':
      return runGeneralisation(job, context);
  }
}

/** Pre-trains the bank of a seed and saves it. */
async function runBank(job: StudyJob, context: JobRunContext): Promise<Json> {
  const primitives = await import('@molap/primitives');
  const model = firstPretrainedModel(context.plan.models, traitsById(context.strategies)) ?? 'bank';
  const teacher =
    context.plan.bank.teacher === null
      ? undefined
      : await primitives.loadTeacher(join(context.folders.inputFiles(job.inputs[0]), MODEL_FOLDER));
  const bank = await buildPretrainedBank({
    ...(teacher ? { teacher } : {}),
    plan: context.plan,
    registry: context.registry,
    engine: context.engine,
    model,
    seed: job.seed,
    corpus: context.plan.corpus,
    checkpointDir: context.folders.checkpoints,
    extractors: context.extractors,
    onBankEvent: (event) => context.onEvent?.(event),
    ...(context.signal ? { signal: context.signal } : {}),
  });
  context.signal?.throwIfAborted();
  await primitives.saveModuleBank(join(context.folders.files, BANK_FOLDER), bank);
  return { k: bank.k, moduleSize: bank.moduleSize, heldOutR2: bank.log.map((entry) => entry.heldOutR2) };
}

/** The inputs a strategy declared, from the bank job or made here. */
async function strategyInputs(job: StudyJob, context: JobRunContext, strategy: AnyStrategy) {
  const [primitives, composer] = await Promise.all([import('@molap/primitives'), import('@molap/composer')]);
  const inputs: Record<string, unknown> = {};
  for (const { name } of strategy.inputs ?? []) {
    if (name === composer.PRETRAINED_BANK_INPUT) {
      inputs[name] = await primitives.loadModuleBank(join(context.folders.inputFiles(job.inputs[0]), BANK_FOLDER));
    } else if (name === composer.RANDOM_BANK_INPUT) {
      inputs[name] = await randomModuleBank(context.plan, context.registry, context.plan.corpus[0], job.seed);
    } else {
      // planStudy refuses such a strategy before any work; a plan edited by hand can still get here.
      throw new MolapError(
        'invalid-plugin',
        `strategy '${strategy.id}' needs the input '${name}', which a study cannot make`,
        {
          hint: `a study makes the inputs ${STUDY_INPUTS.map((input) => `'${input}'`).join(' and ')}`,
        },
      );
    }
  }
  return inputs;
}

/** A model learns the corpus and is saved. */
async function runTrain(job: StudyJob, context: JobRunContext): Promise<Json> {
  const { budgetFor, evaluationNoiseSeed, evaluationSet } = await import('@molap/core');
  const { name, strategy, options } = modelOf(job, context);
  const creation: ModelCreation = {
    seed: job.seed,
    corpus: context.plan.corpus,
    inputs: await strategyInputs(job, context, strategy),
    ...(context.signal ? { signal: context.signal } : {}),
  };
  const model = await strategy.create(strategyContext(context), options as object, creation);
  try {
    const corpus = context.plan.corpus;
    const records = await model.learn(corpus, budgetFor(context.plan.budget, strategy.meta.schedule, corpus.length), {
      seed: job.seed,
      onProgress: curveEvents(context, 'train', name, job.seed),
      checkpointDir: context.folders.checkpoints,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.signal?.throwIfAborted();
    await model.save(join(context.folders.files, MODEL_FOLDER));
    // Every corpus task again, on its learning curve's trials and noise, once the whole corpus is learned: the
    // same as the curve's last point unless the strategy forgot the task while learning later ones.
    const batches = evaluationSet(
      strategyContext(context),
      corpus.map((taskId) => context.registry.get(taskId)),
      context.plan.budget.evalTrials,
      job.seed,
    );
    const endOfCorpus: Record<string, EndOfCorpusEvaluation> = {};
    for (const [taskId, batch] of batches) {
      const { performance, loss } = await model.evaluate(taskId, batch, {
        noiseSeed: evaluationNoiseSeed(job.seed, taskId),
      });
      endOfCorpus[taskId] = { performance, loss };
    }
    const training: TrainingStage = {
      strategy: model.strategy,
      hiddenSize: model.hiddenSize,
      modules: model.modules ? [...model.modules] : null,
      records,
      parameters: model.parameterCount(),
      endOfCorpus,
    };
    return training as unknown as Json;
  } finally {
    await model.dispose();
  }
}

/** An analysis stage of the trained model. */
async function runStage(job: StudyJob, context: JobRunContext): Promise<Json> {
  if (job.stage === undefined || !context.stages.has(job.stage)) {
    throw new MolapError(
      'unknown-id',
      `job '${job.id}' names the analysis stage '${job.stage}', which is not registered here`,
      {
        hint: 'give runStudy (or molap worker) the stage registry the plan was made with: the plugin that provides the stage must be installed',
      },
    );
  }
  const stage = context.stages.get(job.stage);
  const { name, strategy } = modelOf(job, context);
  const model: MultiTaskModel = await strategy.load(trainedModelDir(job, context), strategyContext(context));
  try {
    return await stage.run(model, {
      plan: context.plan,
      seed: job.seed,
      modelName: name,
      corpusTasks: context.plan.corpus.map((id) => context.registry.get(id)),
      taskOptions: context.plan.taskOptions,
      perturbations: context.perturbations,
      ...(context.signal ? { signal: context.signal } : {}),
    });
  } finally {
    await model.dispose();
  }
}

/** A held-out task learned from the trained model, its own way or a variant of its strategy. */
async function runGeneralisation(job: StudyJob, context: JobRunContext): Promise<Json> {
  const { name, strategy } = modelOf(job, context);
  const dir = trainedModelDir(job, context);
  let model: MultiTaskModel;
  if (job.way === OWN_WAY) model = await strategy.load(dir, strategyContext(context));
  else {
    const variant = strategy.generalisationVariants?.find((entry) => entry.name === job.way);
    if (!variant) {
      throw new MolapError('incompatible', `job '${job.id}': strategy '${strategy.id}' has no variant '${job.way}'`, {
        hint: 'give every machine of the study the same versions of molap and of its plugins',
      });
    }
    model = await variant.load(dir, strategyContext(context));
  }
  try {
    const [record] = await model.learn([job.task!], context.plan.budget, {
      seed: job.seed,
      onProgress: curveEvents(context, 'generalisation', name, job.seed),
      checkpointDir: context.folders.checkpoints,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.signal?.throwIfAborted();
    if (!record) {
      throw new MolapError('invalid-plugin', `${name} returned no learning record for held-out task '${job.task}'`, {
        hint: `the strategy '${strategy.id}' breaks the strategy contract: update or fix its plugin`,
      });
    }
    return record as unknown as Json;
  } finally {
    await model.dispose();
  }
}
