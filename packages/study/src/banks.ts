/**
 * The module banks of a study: MoLaP's bank pre-trained on the corpus of a seed (sampleCorpus →
 * extractLatents → pretrainModules of @molap/primitives, each step reported), and the random bank of the
 * same shape the random-modules ablation learns on.
 */
import type { Engine } from '@molap/backend';
import type { ModuleBank, PretrainProgress } from '@molap/primitives';
import { type TaskRegistry, YANG19_TASKS } from '@molap/tasks';
import type { StudyPlan } from './plan.js';

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
  /** The network that teaches the bank, for extractors that read one (`plan.bank.teacher`). */
  readonly teacher?: import('@molap/primitives').Teacher;
  /** Where `plan.bank.extractor` is looked up: default `createLatentExtractorRegistry()` (the built-in ones). */
  readonly extractors?: import('@molap/primitives').ExtractorRegistry;
  readonly signal?: AbortSignal;
}

/**
 * Extracts the latents with the plan's extractor (from `build.extractors`, default the built-in ones; a
 * teacher for those that read one) and pre-trains the modules (`pretrainModules`): `buildModuleBank` in two
 * reported steps.
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
  const extractor = (build.extractors ?? primitives.createLatentExtractorRegistry()).get(plan.bank.extractor);
  const options = extractor.resolveOptions({ ...(plan.bank.corpus as object), ...(plan.bank.latents as object) });
  const input = {
    tasks,
    taskOptions,
    layout: primitives.corpusLayout(tasks, taskOptions),
    seed,
    engine: build.engine,
    ...(build.teacher ? { teacher: build.teacher } : {}),
  };
  extractor.check(input, options);
  const latents = await timed(
    'latents',
    () => extractor.extract(input, options),
    (value) =>
      `${value.k} ${extractor.id} latents${'rho' in value && value.rho ? `, ρ ${Array.from(value.rho as ArrayLike<number>, (r) => r.toFixed(2)).join(' ')}` : ''}`,
  );
  const record = primitives.extractorRecord(extractor, options, latents, build.teacher);
  // Pre-training workers know the Yang tasks and load the plugins of `plan.pluginSources`; a corpus with other
  // tasks trains in this thread.
  const inWorkers = new Set(plan.pluginSources?.flatMap((source) => source.taskIds) ?? []);
  const plugin = build.corpus.some(
    (id) => registry.get(id) !== (YANG19_TASKS as Readonly<Record<string, unknown>>)[id] && !inWorkers.has(id),
  );
  const bank = await timed(
    'pretrain',
    () =>
      primitives.pretrainModules({
        ...plan.bank.training,
        tasks,
        primitives: latents,
        extractor: record,
        ...(build.teacher ? { teacher: build.teacher } : {}),
        seed,
        preset: plan.bank.preset,
        taskOptions,
        ...(plan.bank.workers === undefined ? {} : { workers: plan.bank.workers }),
        ...(plugin ? { engine: build.engine } : { engineOptions: plan.backend }),
        ...(plan.pluginSources ? { plugins: plan.pluginSources } : {}),
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
  if (!build.signal?.aborted) {
    const training = primitives.resolveModuleTraining(plan.bank.training as never, plan.bank.preset as never);
    primitives.checkModuleFits(bank, {
      hint: `lower the pre-training learning rate (run.bank.learningRate, now ${training.learningRate}) or keep gradient clipping on (run.bank.clipValue, now ${training.clipValue})`,
    });
  }
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
  const training = primitives.resolveModuleTraining(plan.bank.training, plan.bank.preset);
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
