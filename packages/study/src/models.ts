/**
 * The models of a run plan as analysis models of @molap/analysis: MoLaP on a module bank pre-trained on the
 * corpus of each seed (sampleCorpus → extractLatents → pretrainModules of @molap/primitives, saved in the run
 * folder and loaded back when resuming), random-modules on a random bank of the same shape, and the
 * baselines of @molap/baselines (the multitask network also learns held-out tasks through its rule inputs).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisModel, ModelCreation } from '@molap/analysis';
import type { Engine } from '@molap/backend';
import type { ModuleBank, PretrainProgress } from '@molap/primitives';
import { type TaskRegistry, YANG19_TASKS } from '@molap/tasks';
import { runPaths } from './folder.js';
import type { StudyPlan } from './plan.js';
import { createBuiltinStrategyRegistry } from './strategies.js';

/** What building a bank reports. */
export type BankEvent =
  | {
      readonly type: 'bank-start';
      readonly model: string;
      readonly seed: number;
      readonly step: BankStep;
    }
  | {
      readonly type: 'bank-end';
      readonly model: string;
      readonly seed: number;
      readonly step: BankStep;
      readonly seconds: number;
      /** What the step produced, in a few words. */
      readonly detail: string;
    }
  | { readonly type: 'pretrain'; readonly model: string; readonly seed: number; readonly progress: PretrainProgress };

/** The steps of building a bank; `load` reads a bank an earlier session of the run saved. */
export type BankStep = 'corpus' | 'latents' | 'pretrain' | 'load';

/** Everything the models need. */
export interface RunModelsContext {
  readonly plan: StudyPlan;
  readonly runDir: string;
  readonly engine: Engine;
  readonly registry: TaskRegistry;
  readonly onBankEvent: (event: BankEvent) => void;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** What building a pre-trained bank needs. */
export interface BankBuild {
  readonly plan: StudyPlan;
  readonly registry: TaskRegistry;
  /** Engine of in-thread pre-training (used when a corpus task comes from a plugin). */
  readonly engine: Engine;
  /** Name reported in the bank events. */
  readonly model: string;
  readonly seed: number;
  readonly corpus: readonly string[];
  /** Where the pre-training checkpoints go; a build finding some there resumes them. */
  readonly checkpointDir: string;
  readonly onBankEvent: (event: BankEvent) => void;
  readonly signal?: AbortSignal;
}

/**
 * Samples the corpus, extracts the latents and pre-trains the modules (`sampleCorpus`, `extractLatents`,
 * `pretrainModules` of @molap/primitives: `buildModuleBank` in three steps, so that each is reported).
 */
export async function buildPretrainedBank(build: BankBuild): Promise<ModuleBank> {
  const { plan, registry, model, seed, onBankEvent } = build;
  const primitives = await import('@molap/primitives');
  const timed = async <T>(step: BankStep, run: () => T | Promise<T>, detail: (value: T) => string): Promise<T> => {
    onBankEvent({ type: 'bank-start', model, seed, step });
    const start = performance.now();
    const value = await run();
    onBankEvent({
      type: 'bank-end',
      model,
      seed,
      step,
      seconds: (performance.now() - start) / 1000,
      detail: detail(value),
    });
    return value;
  };
  const tasks = build.corpus.map((id) => registry.get(id));
  const taskOptions = plan.taskOptions;
  const sample = await timed(
    'corpus',
    () => primitives.sampleCorpus({ ...plan.bank.corpus, tasks, seed, taskOptions }),
    (value) => `${value.n} time steps of ${tasks.length} tasks`,
  );
  const latents = await timed(
    'latents',
    () => primitives.extractLatents(sample, plan.bank.latents),
    (value) =>
      `${value.k} ${value.method.toUpperCase()} latents, ρ ${Array.from(value.rho, (r) => r.toFixed(2)).join(' ')}`,
  );
  // Plugin tasks cannot be looked up in the pre-training workers (they know the Yang tasks): train in this thread.
  const plugin = build.corpus.some(
    (id) => registry.get(id) !== (YANG19_TASKS as Readonly<Record<string, unknown>>)[id],
  );
  return timed(
    'pretrain',
    () =>
      primitives.pretrainModules({
        ...plan.bank.training,
        tasks,
        primitives: latents,
        seed,
        preset: plan.bank.preset as never,
        taskOptions,
        ...(plan.bank.workers === undefined ? {} : { workers: plan.bank.workers }),
        ...(plugin ? { engine: build.engine } : { engineOptions: plan.backend }),
        checkpointDir: build.checkpointDir,
        onProgress: (progress) => onBankEvent({ type: 'pretrain', model, seed, progress }),
        ...(build.signal ? { signal: build.signal } : {}),
      }),
    (value) => {
      const r2 = value.log.map((entry) => entry.heldOutR2).filter((fit): fit is number => fit !== null);
      const fit = r2.length > 0 ? `, held-out R² ${Math.min(...r2).toFixed(2)}–${Math.max(...r2).toFixed(2)}` : '';
      return `${value.k} modules of ${value.moduleSize} units${fit}`;
    },
  );
}

/** The pre-trained bank of a seed: loaded when an earlier session of the run saved it, else built and saved. */
async function pretrainedBank(context: RunModelsContext, model: string, creation: ModelCreation): Promise<ModuleBank> {
  const primitives = await import('@molap/primitives');
  const paths = runPaths(context.runDir);
  const bankDir = paths.bank(creation.seed);
  if (await exists(join(bankDir, 'bank.json'))) {
    const start = performance.now();
    context.onBankEvent({ type: 'bank-start', model, seed: creation.seed, step: 'load' });
    const bank = await primitives.loadModuleBank(bankDir);
    const seconds = (performance.now() - start) / 1000;
    const detail = `${bank.k} modules of ${bank.moduleSize} units`;
    context.onBankEvent({ type: 'bank-end', model, seed: creation.seed, step: 'load', seconds, detail });
    return bank;
  }
  const bank = await buildPretrainedBank({
    plan: context.plan,
    registry: context.registry,
    engine: context.engine,
    model,
    seed: creation.seed,
    corpus: creation.corpus,
    checkpointDir: paths.pretraining(creation.seed),
    onBankEvent: context.onBankEvent,
    ...(creation.signal ? { signal: creation.signal } : {}),
  });
  await primitives.saveModuleBank(bankDir, bank);
  return bank;
}

/**
 * A random bank (`createRandomModuleBank`) with the shape and dynamics the pre-trained one would have, for
 * the layout of `taskId` (a corpus task).
 */
export async function randomModuleBank(
  plan: StudyPlan,
  registry: TaskRegistry,
  taskId: string,
  seed: number,
): Promise<ModuleBank> {
  const primitives = await import('@molap/primitives');
  const training = primitives.resolveModuleTraining(plan.bank.training as never, plan.bank.preset as never);
  return primitives.createRandomModuleBank({
    layout: primitives.bankLayout(registry.get(taskId), plan.taskOptions),
    k: (plan.bank.latents.k as number | undefined) ?? primitives.DEFAULT_LATENT_COUNT,
    moduleSize: training.moduleSize,
    seed,
    activation: training.activation,
    recurrentNoise: training.recurrentNoise,
    recurrentInit: training.recurrentInit,
    recurrentScale: training.recurrentScale,
  });
}

/**
 * The inputs the run can produce for a strategy that declares them: a bank pre-trained on the corpus of the
 * seed, or a random bank of the same shape.
 */
async function produceInput(
  context: RunModelsContext,
  model: string,
  input: string,
  creation: ModelCreation,
): Promise<unknown> {
  const composer = await import('@molap/composer');
  if (input === composer.PRETRAINED_BANK_INPUT) return pretrainedBank(context, model, creation);
  if (input === composer.RANDOM_BANK_INPUT) {
    return randomModuleBank(context.plan, context.registry, creation.corpus[0], creation.seed);
  }
  throw new Error(
    `model "${model}" needs the input '${input}', which molap run cannot produce (it makes '${composer.PRETRAINED_BANK_INPUT}' and '${composer.RANDOM_BANK_INPUT}')`,
  );
}

/** The analysis models of the plan, in its order. */
export async function runModels(context: RunModelsContext): Promise<AnalysisModel[]> {
  const analysis = await import('@molap/analysis');
  const strategies = await createBuiltinStrategyRegistry();
  const shared = {
    engine: context.engine,
    tasks: context.registry,
    ...(Object.keys(context.plan.taskOptions).length > 0 ? { taskOptions: context.plan.taskOptions } : {}),
  };
  return context.plan.models.map((model) => {
    const strategy = strategies.get(model.strategy);
    const inputs = strategy.inputs ?? [];
    return analysis.strategyModel(strategy, shared, {
      name: model.name,
      options: model.options,
      ...(inputs.length > 0
        ? {
            inputs: async (creation: ModelCreation) => {
              const values: Record<string, unknown> = {};
              for (const input of inputs)
                values[input.name] = await produceInput(context, model.name, input.name, creation);
              return values;
            },
          }
        : {}),
    });
  });
}
