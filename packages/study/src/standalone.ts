/**
 * One piece of a study on its own, saved into a folder of its own: MoLaP's module bank of the plan's corpus
 * (`pretrainBankInto`, `molap pretrain`), or one model of the plan that learns the plan's tasks
 * (`learnModelInto`, `molap learn`). Both keep checkpoints inside the folder while they work, so a call
 * stopped by its signal and made again with the same folder resumes; the checkpoints are removed once the
 * result is saved. And the plan's perturbation suite on a model saved by either of them or by a study
 * (`perturbSavedModel`, `molap perturb`).
 */
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PerturbationCurves, TaskRobustness } from '@molap/analysis';
import type { Engine } from '@molap/backend';
import type { LearningCurvePoint, ParameterCount, TaskLearningRecord, TaskScoreEntry } from '@molap/core';
import { MolapError } from '@molap/core';
import type { ModuleBank } from '@molap/primitives';
import { type TaskRegistry, unknownNameProblem } from '@molap/tasks';
import { type BankEvent, buildPretrainedBank, randomModuleBank } from './banks.js';
import { claimCheckpoints } from './checkpoint-identity.js';
import { jobFailure } from './failures.js';
import type { Json, StudyJob } from './jobs.js';
import type { StudyPlan } from './plan.js';
import { resolveStudyRegistries, type StudyRegistries } from './registries.js';
import { planRobustnessCurves } from './stages/robustness.js';
import { planStrategyContext } from './strategies.js';

/** Checkpoint folder of a bank being pre-trained into `out` (removed once the bank is saved). */
export const pretrainingCheckpoints = (out: string) => join(out, 'pretraining-checkpoints');
/** Checkpoint folder of a model learning into `out` (removed once the model is saved). */
export const learningCheckpoints = (out: string) => join(out, 'learning-checkpoints');

/** What `pretrainBankInto` and `learnModelInto` share; the registries are those planStudy checked the plan against. */
export interface StandaloneOptions extends StudyRegistries {
  /** The checked plan (`planStudy`): tasks, corpus, bank, models, budget, task options. */
  readonly plan: StudyPlan;
  /** Where the plan's task ids are looked up. */
  readonly registry: TaskRegistry;
  /** Engine of the work in this thread (the caller disposes it). */
  readonly engine: Engine;
  /** The seed of the bank or model. */
  readonly seed: number;
  /** Absolute folder the result is saved into; it must not hold one already. */
  readonly out: string;
  /** `out` as the user named it, for messages (default `out`). */
  readonly shown?: string;
  /** Drop the checkpoints in `out` and start from step 0. */
  readonly restart?: boolean;
  /** What the hint of a diverged training says to do after the fix (default: call again with `restart`). */
  readonly retry?: string;
  /** Stops at the next checkpoint; the call then rejects and a new call with the same `out` resumes. */
  readonly signal?: AbortSignal;
}

const RETRY = 'then call again with restart: true';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Runs `write` after making `folder`; turns a file-system error into a one-line failure naming `path`. */
async function save(folder: string, path: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
    await write();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n', 1)[0] : String(cause);
    throw new MolapError('file-write', `cannot write ${path}: ${message}`, { kind: 'failure', cause });
  }
}

/** Options of `pretrainBankInto`. */
export interface PretrainBankOptions extends StandaloneOptions {
  /** The steps of building the bank (corpus, latents, pre-training progress). */
  readonly onBankEvent?: (event: BankEvent) => void;
}

/**
 * Pre-trains MoLaP's module bank on the plan's corpus (`buildPretrainedBank`) and saves it into `out`
 * (`saveModuleBank` of @molap/primitives).
 * @throws MolapError 'usage' when `out` holds a bank already; the diverged training of a module, with the
 *   option to change; the signal's abort when stopped.
 */
export async function pretrainBankInto(options: PretrainBankOptions): Promise<ModuleBank> {
  const { plan, engine, seed, out, shown = out } = options;
  if (await exists(join(out, 'bank.json'))) {
    throw new MolapError('usage', `${shown} already holds a module bank`, { hint: 'choose another --out folder' });
  }
  const primitives = await import('@molap/primitives');
  const { workers: _workers, ...bank } = plan.bank;
  const identity = { seed, corpus: plan.corpus, bank, taskOptions: plan.taskOptions, engine: engine.name };
  await claimCheckpoints(pretrainingCheckpoints(out), identity as Json, {
    restart: options.restart === true,
    shown: join(shown, 'pretraining-checkpoints'),
  });
  const { strategies, extractors } = await resolveStudyRegistries(options);
  const built = await buildPretrainedBank({
    extractors,
    plan,
    registry: options.registry,
    engine,
    model: 'bank',
    seed,
    corpus: plan.corpus,
    checkpointDir: pretrainingCheckpoints(out),
    onBankEvent: options.onBankEvent ?? (() => {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error: unknown) => {
    if (options.signal?.aborted) throw error;
    const job: StudyJob = { id: 'pretrain', kind: 'bank', seed, inputs: [] };
    throw jobFailure(error, job, plan, strategies, options.retry ?? RETRY);
  });
  await save(out, join(out, 'bank.json'), () => primitives.saveModuleBank(out, built));
  await rm(pretrainingCheckpoints(out), { recursive: true, force: true });
  return built;
}

/** The model of the plan `learnModelInto` learns when none is named. */
export const DEFAULT_LEARN_MODEL = 'molap';

/** Options of `learnModelInto`. */
export interface LearnModelOptions extends StandaloneOptions {
  /** Name of the model in `plan.models` (default `DEFAULT_LEARN_MODEL`, 'molap'). */
  readonly model?: string;
  /** Absolute folder of a saved module bank, for a model that learns on a pre-trained bank (MoLaP). */
  readonly bank?: string;
  /** Called once the model is made, before it learns. */
  readonly onStart?: (start: {
    readonly model: string;
    readonly tasks: readonly string[];
    readonly seed: number;
  }) => void;
  /** Each point of the learning curves. */
  readonly onProgress?: (taskId: string, point: LearningCurvePoint) => void;
}

/** What `learnModelInto` learned. */
export interface LearnedModel {
  /** Name of the model in the plan. */
  readonly model: string;
  /** Id of its strategy. */
  readonly strategy: string;
  /** One record per task: performance, trials to criterion, trainable parameters, updates. */
  readonly records: readonly TaskLearningRecord[];
  /** Parameters of the model: total, trainable per task, … (`parameterCount`). */
  readonly parameters: ParameterCount;
  /**
   * Per task id, the score that judged its trials and the criterion of its trials to criterion: Yang's
   * last-step criterion with the budget's criterion, unless the task brings its own score (`taskScores`).
   */
  readonly scores: { readonly [taskId: string]: TaskScoreEntry };
}

/**
 * One model of the plan (`model`) learns the plan's tasks with the plan's per-task budget, and is saved into
 * `out` (`save` of the model: strategy.json, weights). MoLaP learns on the saved bank `bank`, random modules
 * on a random bank of the same shape, the other strategies from scratch.
 * @throws MolapError 'usage' when `out` holds a model, the model is not in the plan, or a bank is needed and
 *   not given; the diverged training, with the option to change; the signal's abort when stopped.
 */
export async function learnModelInto(options: LearnModelOptions): Promise<LearnedModel> {
  const { plan, registry, engine, seed, out, shown = out } = options;
  if (await exists(join(out, 'strategy.json'))) {
    throw new MolapError('usage', `${shown} already holds a saved model`, { hint: 'choose another --out folder' });
  }
  const name = options.model ?? DEFAULT_LEARN_MODEL;
  const spec = plan.models.find((model) => model.name === name);
  if (spec === undefined) {
    const names = plan.models.map((model) => model.name);
    throw new MolapError('unknown-id', unknownNameProblem('model', name, names), {
      hint: `the models of the run are ${names.join(', ')} (run.models)`,
    });
  }
  const [composer, core, primitives] = await Promise.all([
    import('@molap/composer'),
    import('@molap/core'),
    import('@molap/primitives'),
  ]);
  const { strategies } = await resolveStudyRegistries(options);
  const strategy = strategies.get(spec.strategy);
  const inputs: Record<string, unknown> = {};
  for (const { name: input } of strategy.inputs ?? []) {
    if (input === composer.PRETRAINED_BANK_INPUT) {
      if (options.bank === undefined) {
        throw new MolapError(
          'usage',
          `molap learn --model ${spec.name} needs the module bank to learn on: --bank <dir>`,
          {
            hint: 'build one with `molap pretrain --out <dir>`',
          },
        );
      }
      inputs[input] = await primitives.loadModuleBank(options.bank);
    } else if (input === composer.RANDOM_BANK_INPUT) {
      inputs[input] = await randomModuleBank(plan, registry, plan.corpus[0], seed);
    } else {
      throw new MolapError('usage', `model "${spec.name}" needs the input '${input}', which molap learn cannot make`);
    }
  }
  const context = planStrategyContext(plan, registry, engine);
  const model = await strategy.create(context, spec.options, { seed, corpus: plan.corpus, inputs });
  try {
    options.onStart?.({ model: spec.name, tasks: plan.tasks, seed });
    const identity = {
      model: spec.name,
      strategy: spec.strategy,
      options: spec.options,
      seed,
      tasks: plan.tasks,
      budget: plan.budget,
      taskOptions: plan.taskOptions,
      engine: engine.name,
    };
    await claimCheckpoints(learningCheckpoints(out), identity as unknown as Json, {
      restart: options.restart === true,
      shown: join(shown, 'learning-checkpoints'),
    });
    const budget = core.budgetFor(plan.budget, strategy.meta.schedule, plan.tasks.length);
    const records = await model
      .learn(plan.tasks, budget, {
        seed,
        ...(options.signal ? { signal: options.signal } : {}),
        checkpointDir: learningCheckpoints(out),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      })
      .then((learned) => {
        options.signal?.throwIfAborted();
        return learned;
      })
      .catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
        const job: StudyJob = { id: 'learn', kind: 'train', seed, model: spec.name, inputs: [] };
        throw jobFailure(error, job, plan, strategies, options.retry ?? RETRY);
      });
    await save(out, join(out, 'model'), () => model.save(out));
    await rm(learningCheckpoints(out), { recursive: true, force: true });
    return {
      model: spec.name,
      strategy: model.strategy,
      records,
      parameters: model.parameterCount(),
      scores: core.taskScores(
        plan.tasks.map((id) => registry.get(id)),
        plan.budget.criterion,
      ),
    };
  } finally {
    await model.dispose();
  }
}

/** Options of `perturbSavedModel`; its registries give the saved model's strategy and the plan's perturbations. */
export interface PerturbSavedModelOptions extends StudyRegistries {
  /** The checked plan: its perturbation suite, analysis trials and task options. */
  readonly plan: StudyPlan;
  /** Where the model's task ids are looked up. */
  readonly registry: TaskRegistry;
  /** Engine the model runs on (the caller disposes it). */
  readonly engine: Engine;
  /** Seed of the analysis trials and the perturbations' draws (a run's model: the seed it was trained with). */
  readonly seed: number;
  /** Absolute folder of the saved model (strategy.json and its weights). */
  readonly model: string;
  /** `model` as the user named it, for messages (default `model`). */
  readonly shown?: string;
  /** Called once the model is loaded, before the first evaluation. */
  readonly onStart?: (start: { readonly strategy: string; readonly tasks: readonly string[] }) => void;
  /** Each task's curve under each perturbation, as soon as it is measured. */
  readonly onCurve?: (perturbationId: string, curve: TaskRobustness) => void;
  /** Stops between evaluations; the call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** What `perturbSavedModel` measured: the document `molap perturb --json` prints. */
export interface SavedModelRobustness {
  /** Id of the saved model's strategy. */
  readonly strategy: string;
  readonly seed: number;
  /** The tasks the model learned, which were measured. */
  readonly tasks: readonly string[];
  /** Trials per task of every evaluation. */
  readonly analysisTrials: number;
  /** One entry per perturbation of the plan (`planRobustnessCurves`). */
  readonly curves: PerturbationCurves[];
}

/**
 * Loads a saved model (`loadSavedModel` of @molap/core) and measures the plan's perturbation suite on the
 * tasks it learned, exactly as the robustness stage of a study does (`planRobustnessCurves`).
 * @throws MolapError 'usage' when the folder holds no model this registry can load; the signal's abort when
 *   stopped.
 */
export async function perturbSavedModel(options: PerturbSavedModelOptions): Promise<SavedModelRobustness> {
  const { plan, registry, engine, seed, shown = options.model } = options;
  const core = await import('@molap/core');
  const context = planStrategyContext(plan, registry, engine);
  const { strategies, perturbations } = await resolveStudyRegistries(options);
  const model = await core.loadSavedModel(options.model, context, strategies).catch((error: unknown) => {
    const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
    throw new MolapError('usage', `cannot load a model from ${shown}: ${message}`, {
      hint: 'pass a folder molap learn saved a model into, or a model of a run folder (<run>/state/jobs/train/<model>/seed-<s>/files/model)',
      cause: error,
    });
  });
  try {
    const tasks = model.learnedTasks();
    options.onStart?.({ strategy: model.strategy, tasks });
    const curves = await planRobustnessCurves(model, {
      plan,
      seed,
      tasks: tasks.map((id) => registry.get(id)),
      perturbations,
      ...(options.onCurve ? { onCurve: options.onCurve } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { strategy: model.strategy, seed, tasks, analysisTrials: plan.analysisTrials, curves };
  } finally {
    await model.dispose();
  }
}
