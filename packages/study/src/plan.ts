/**
 * The plan of a run: the `run` section of the config over its built-in preset, checked against the task
 * registry, the strategies, the perturbations and the libraries' option checks before any work starts (bad
 * values are usage errors, exit 2). The plan is plain JSON; it is recorded in the run folder, so a resumed
 * run rebuilds exactly the same models from it.
 */

import { availableParallelism } from 'node:os';
import { NETWORK_OPTIONS } from '@molap/baselines';
import { errorKind, isMolapError, MolapError } from '@molap/core';
import type { ModuleTrainingOptions, PretrainPresetName } from '@molap/primitives';
import {
  corpusTaskOptions,
  type PluginSource,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  type TaskRegistry,
  unknownNameProblem,
} from '@molap/tasks';
import { type MolapConfig, mergeLayers, RUN_PRESET_NAMES, type RunPresetName } from './config.js';
import { checkConfig } from './config-file.js';
import { DEFAULT_RUN_PRESET, RUN_PRESETS, type RunSettings, seedList } from './presets.js';
import { resolveStudyRegistries, type StudyRegistries } from './registries.js';
import { checkResources, estimateResources, memoryLimit } from './resources.js';
import type { StageRegistry } from './stages/stage.js';
import { defaultTeacher, firstPretrainedModel, STUDY_INPUTS, strategyTraits, traitsById } from './traits.js';

type Json = { readonly [key: string]: unknown };

/** A per-task learning budget (`LearningBudget` of @molap/composer). */
export interface PlannedBudget {
  readonly steps: number;
  readonly batchSize: number;
  readonly evalEvery: number;
  readonly evalTrials: number;
  readonly criterion: number;
}

/** One model of the run. */
export interface PlannedModel {
  /** Name in results.json (the spec's label, else the strategy). */
  readonly name: string;
  /** 'molap', 'random-modules' or a strategy of @molap/baselines. */
  readonly strategy: string;
  /** Options of the model: network options (baselines) or MoLaP options, with the spec's own over them. */
  readonly options: Json;
}

/** How the module banks are built (`buildModuleBank` of @molap/primitives, split into its three steps). */
export interface PlannedBank {
  /** Pre-training preset of @molap/primitives. */
  readonly preset: PretrainPresetName;
  /** Id of the latent extractor (`createLatentExtractorRegistry` of @molap/primitives). */
  readonly extractor: string;
  /**
   * Name of the model whose trained network of the same seed teaches the bank (extractors that read a
   * teacher, e.g. 'teacher'); null for the others.
   */
  readonly teacher: string | null;
  readonly corpus: Json;
  /** Options of the extractor (its `resolveOptions` checked them). */
  readonly latents: Json;
  /** Module training options (over the preset). */
  readonly training: Partial<ModuleTrainingOptions>;
  /** Worker threads of the pre-training; undefined: the library's default (one per core). */
  readonly workers: number | undefined;
}

/** Everything a run does, as plain JSON. */
export interface StudyPlan {
  /** Name recorded in results.json: the `--preset` given, else the built-in preset. */
  readonly preset: string;
  /** The built-in preset the values start from. */
  readonly basePreset: RunPresetName;
  /** Every task, in report order. */
  readonly tasks: readonly string[];
  readonly heldOut: readonly string[];
  /** Tasks minus the held-out ones: the pre-training corpus, learned first. */
  readonly corpus: readonly string[];
  readonly seeds: readonly number[];
  readonly budget: PlannedBudget;
  readonly models: readonly PlannedModel[];
  readonly bank: PlannedBank;
  readonly perturbations: readonly { readonly id: string; readonly magnitudes?: number[]; readonly draws?: number }[];
  readonly analysisTrials: number;
  readonly analyses: {
    readonly robustness: boolean;
    readonly dimensionality: boolean;
    readonly taskVariance: boolean;
    readonly generalisation: boolean;
  };
  /**
   * A user's analysis stages (ids of the stage registry), run after the built-in ones for every model and
   * seed; absent when there are none.
   */
  readonly stages?: readonly string[];
  /** Task options of every batch (`tasks.options` of the config). */
  readonly taskOptions: Partial<TaskOptions>;
  /** Engine selection (`backend` of the config). */
  readonly backend: Json;
  /** Task plugins named in the config (`tasks.plugins`), if any. */
  readonly plugins: readonly string[] | undefined;
  /**
   * Where the plugin packages of the run's registry are installed (`pluginSources` of @molap/tasks), when
   * the planner was given them: pre-training workers load the same plugins, so corpora with plugin tasks
   * train on every core.
   */
  readonly pluginSources?: readonly PluginSource[];
}

const isRunPreset = (name: string | undefined): name is RunPresetName =>
  (RUN_PRESET_NAMES as readonly (string | undefined)[]).includes(name);

/** The built-in preset of a run: `run.preset` of the config, else `--preset` when it names one, else quick. */
export function basePreset(config: MolapConfig, presetFlag: string | undefined): RunPresetName {
  return config.run?.preset ?? (isRunPreset(presetFlag) ? presetFlag : DEFAULT_RUN_PRESET);
}

/** The `run` section over its built-in preset (objects merge key by key, lists are replaced). */
export function runSettings(config: MolapConfig, presetFlag: string | undefined): RunSettings {
  const base = basePreset(config, presetFlag);
  const merged = mergeLayers(RUN_PRESETS[base], config.run ?? {}) as Omit<RunSettings, 'seeds'> & {
    seeds: number | number[];
  };
  return { ...merged, preset: base, seeds: seedList(merged.seeds) };
}

/**
 * The task of `id`; an unknown id is a usage error that says where task ids come from.
 * @throws MolapError 'unknown-id'.
 */
export function findTask(registry: Pick<TaskRegistry, 'get'>, id: string): Task {
  try {
    return registry.get(id);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'unknown-id') {
      throw new MolapError('unknown-id', (error as { problem: string }).problem, {
        hint: "`molap tasks list` lists them; a plugin's tasks need the plugin among the project's dependencies (`molap tasks doctor` shows what was found)",
        cause: error,
      });
    }
    throw error;
  }
}

const duplicates = (values: readonly string[]) => values.filter((value, i) => values.indexOf(value) !== i);

/**
 * Turns a bad-input molap error about a value (`errorKind` 'bad-input': a library's or a plugin's check of its
 * options) into a usage error naming the config key; the error's own hint, when it has one, comes before
 * `hint`. Anything else (a plugin's bug, a RangeError included) is a failure and passes through unchanged.
 */
async function checked<T>(where: string, hint: string, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!isMolapError(error) || errorKind(error) !== 'bad-input') throw error;
    throw new MolapError('usage', `${where}: ${error.problem}`, {
      hint: error.hint ? `${error.hint}; ${hint}` : hint,
      cause: error,
    });
  }
}

/**
 * What `planStudy` checks the models against. Its registries (`StudyRegistries`) say which strategies,
 * perturbations and extractors the plan may name: add a plugin's (`registerDiscoveredPlugins` of
 * @molap/core) to compare a third-party baseline with MoLaP, measure its perturbation or build banks with it.
 */
export interface PlanContext extends StudyRegistries {
  readonly registry: TaskRegistry;
  /** The context strategies are created in (each model is created once, empty, to check its options). */
  readonly strategyContext: import('@molap/core').StrategyContext;
  /** Every task is learned alike (`molap learn`): run.heldOut is ignored. */
  readonly ignoreHeldOut?: boolean;
  /** The plugin packages of `registry` (`pluginSources(discovery)`), for worker threads. */
  readonly pluginSources?: readonly PluginSource[];
  /** Memory the study may use, in bytes (`--max-memory`); default and upper bound: the machine's memory. */
  readonly maxMemory?: number;
  /**
   * Jobs that will run at once (a thread executor's `jobs`): the learning and analysis stages' memory counts
   * that many times against the limit. Default 1.
   */
  readonly jobsAtOnce?: number;
}

/**
 * Resolves and checks the plan of a run.
 * @param config the loaded config (file < file preset < flags, `loadConfig`), or one a program built; it is
 *   checked against the config schema first (`checkConfig`).
 * @param presetFlag the `--preset` given, if any.
 * @throws MolapError 'usage' (bad input) for a config key the schema does not know (with the closest known
 *   key) or a value of the wrong type, an unknown task, model, budget preset or perturbation, a held-out task
 *   outside the run's tasks, and option values the libraries reject.
 */
export async function planStudy(
  config: MolapConfig,
  presetFlag: string | undefined,
  context: PlanContext,
): Promise<StudyPlan> {
  checkConfig(config, 'the config given to planStudy');
  const resolved = runSettings(config, presetFlag);
  const settings = context.ignoreHeldOut ? { ...resolved, heldOut: [] } : resolved;
  const taskHint =
    'set run.tasks and run.heldOut (or --tasks and --held-out) to task ids; `molap tasks list` lists them';
  for (const id of settings.tasks) findTask(context.registry, id);
  const twice = duplicates(settings.tasks);
  if (twice.length > 0) throw new MolapError('usage', `run.tasks lists ${twice[0]} twice`, { hint: taskHint });
  for (const id of settings.heldOut) {
    if (!settings.tasks.includes(id)) {
      findTask(context.registry, id);
      throw new MolapError(
        'usage',
        `held-out task "${id}" is not one of the run's tasks (${settings.tasks.join(', ')})`,
        {
          hint: `add it to run.tasks (--tasks), or remove it from run.heldOut (--held-out)`,
        },
      );
    }
  }
  const corpus = settings.tasks.filter((id) => !settings.heldOut.includes(id));
  if (corpus.length === 0) {
    throw new MolapError(
      'usage',
      'every task of the run is held out: keep at least one task in the pre-training corpus',
      {
        hint: taskHint,
      },
    );
  }
  // One rule block for every task of the run (corpus and held-out), composed from them unless the config
  // gives one: plugin and Yang tasks share networks and banks. Unchanged for Yang-only runs.
  const taskOptions = corpusTaskOptions(
    settings.tasks.map((id) => context.registry.get(id)),
    (config.tasks?.options ?? {}) as Partial<TaskOptions>,
  );
  for (const id of settings.tasks) {
    const task = context.registry.get(id);
    try {
      task.layout(resolveTaskOptions(task, taskOptions));
    } catch (error) {
      if (!(isMolapError(error) && error.code === 'invalid-option')) throw error;
      throw new MolapError('usage', `task "${id}": ${error.message}`, {
        hint: 'set the task options in molap.config.json: "tasks": { "options": { ... } }',
        cause: error,
      });
    }
  }
  const seedsTwice = settings.seeds.filter((seed, i) => settings.seeds.indexOf(seed) !== i);
  if (seedsTwice.length > 0) throw new MolapError('usage', `run.seeds lists ${seedsTwice[0]} twice`);

  const core = await import('@molap/core');

  const { preset: budgetPreset = 'standard', ...budgetFields } =
    typeof settings.budget === 'string' ? { preset: settings.budget } : settings.budget;
  const presetBudget = (core.BUDGET_PRESETS as Readonly<Record<string, PlannedBudget>>)[budgetPreset];
  if (presetBudget === undefined) {
    const names = Object.keys(core.BUDGET_PRESETS);
    throw new MolapError('usage', unknownNameProblem('budget preset', budgetPreset, names), {
      hint: `the budget presets of @molap/baselines are ${names.join(', ')}`,
    });
  }
  const budget: PlannedBudget = { ...presetBudget, ...budgetFields };
  await checked('run.budget', 'see `molap run --help` for the budget flags', () => core.validateBudget(budget));

  const registries = await resolveStudyRegistries(context);
  const registry = registries.strategies;
  const known = registry.ids();
  const models: PlannedModel[] = [];
  for (const spec of settings.models) {
    const { strategy, options = {}, label } = typeof spec === 'string' ? { strategy: spec } : spec;
    if (!known.includes(strategy)) {
      throw new MolapError('usage', unknownNameProblem('model', strategy, known), {
        hint: `the models are ${known.join(', ')}`,
      });
    }
    const declared = registry.get(strategy);
    checkStudyInputs(declared);
    const shared = strategyTraits(declared).modular ? settings.molap : settings.network;
    const ofStrategy = settings.strategyOptions[strategy] ?? {};
    models.push({ name: label ?? strategy, strategy, options: { ...shared, ...ofStrategy, ...options } });
  }
  const names = models.map((model) => model.name);
  const clash = duplicates(names);
  if (clash.length > 0) {
    throw new MolapError('usage', `two models are named "${clash[0]}"`, {
      hint: 'give each model of run.models a unique label: { "strategy": "ewc", "options": { ... }, "label": "ewc-0" }',
    });
  }
  const { bank, moduleTraining, k } = await planBank(settings.bank, models, registry, registries.extractors);

  // The resource plan, before any model is created or any folder made: refuse what cannot fit.
  await checkPlanResources({
    settings,
    context,
    corpus,
    taskOptions,
    budget,
    models,
    registry,
    bank,
    moduleTraining,
    k,
  });

  for (const model of models) {
    const strategy = registry.get(model.strategy);
    const section = strategyTraits(strategy).modular
      ? 'the MoLaP options are listed in the @molap/composer README (run.molap)'
      : 'the network options are listed in the @molap/baselines README (run.network)';
    await checked(`model "${model.name}"`, section, async () => {
      if (strategy.checkOptions) strategy.checkOptions(model.options);
      else if ((strategy.inputs ?? []).length === 0) {
        const created = await strategy.create(context.strategyContext, model.options);
        await created.dispose();
      }
    });
  }

  const perturbations = await planPerturbations(settings.perturbations, registries.perturbations);
  const stages = planStages(settings.stages, registries.stages);

  return {
    preset: presetFlag ?? settings.preset,
    basePreset: settings.preset,
    tasks: [...settings.tasks],
    heldOut: [...settings.heldOut],
    corpus,
    seeds: [...settings.seeds],
    budget,
    models,
    bank,
    perturbations,
    analysisTrials: settings.analysisTrials,
    analyses: {
      robustness: settings.analyses.robustness ?? true,
      dimensionality: settings.analyses.dimensionality ?? true,
      taskVariance: settings.analyses.taskVariance ?? true,
      generalisation: settings.analyses.generalisation ?? true,
    },
    ...(stages.length > 0 ? { stages } : {}),
    taskOptions,
    backend: config.backend ?? {},
    plugins: config.tasks?.plugins,
    ...(context.pluginSources && context.pluginSources.length > 0 ? { pluginSources: context.pluginSources } : {}),
  };
}

/**
 * The bank of a plan: the extractor and its options, the teacher (for extractors that read one: a model of the
 * run trained from scratch, by default its multitask model) and the module training options, each checked.
 * @returns the planned bank, the resolved module training options and k (the number of modules).
 */
async function planBank(
  settings: RunSettings['bank'],
  models: readonly PlannedModel[],
  registry: import('@molap/core').StrategyRegistry,
  extractors: import('@molap/primitives').ExtractorRegistry,
): Promise<{ bank: PlannedBank; moduleTraining: ModuleTrainingOptions; k: number }> {
  const primitives = await import('@molap/primitives');
  const {
    preset: pretrainPreset = 'standard',
    corpus: corpusOptions = {},
    latents: latentSettings = {},
    extractor: extractorSetting,
    teacher: teacherSetting,
    workers,
    ...training
  } = settings;
  const { method, ...latents } = latentSettings as { method?: string } & Json;
  if (extractorSetting !== undefined && method !== undefined && extractorSetting !== method) {
    throw new MolapError(
      'usage',
      `run.bank.extractor is '${extractorSetting}' but run.bank.latents.method is '${method}'`,
      {
        hint: 'name the extractor once, in run.bank.extractor',
      },
    );
  }
  const extractorId = extractorSetting ?? method ?? primitives.DEFAULT_EXTRACTOR;
  const extractor = await checked(
    'run.bank.extractor',
    'the extractors are listed in the @molap/primitives README',
    () => extractors.get(extractorId),
  );
  await checked(
    'run.bank.latents',
    `the options of the '${extractorId}' extractor are listed in the @molap/primitives README`,
    () => extractor.resolveOptions({ ...corpusOptions, ...latents }),
  );
  let teacher: string | null = null;
  if (extractor.meta.needsTeacher) {
    teacher = teacherSetting ?? defaultTeacher(models, registry);
    const spec = models.find((model) => model.name === teacher);
    if (!spec) {
      throw new MolapError(
        'usage',
        teacherSetting === undefined
          ? `the '${extractorId}' extractor builds MoLaP's modules from a network trained on the corpus, and the run has no model to be that teacher (one that learns every corpus task together from scratch, e.g. multitask)`
          : `run.bank.teacher names model "${teacherSetting}", which is not one of the run's models (${models.map((model) => model.name).join(', ')})`,
        {
          hint: "add 'multitask' to run.models (--models), or set run.bank.teacher to a model of the run that learns every corpus task",
        },
      );
    }
    if (strategyTraits(registry.get(spec.strategy)).takesInputs) {
      throw new MolapError('usage', `model "${teacher}" cannot teach the bank: it is itself built on a module bank`, {
        hint: 'set run.bank.teacher to a network trained from scratch, e.g. multitask',
      });
    }
  } else if (teacherSetting !== undefined) {
    throw new MolapError('usage', `run.bank.teacher is set, but the '${extractorId}' extractor reads no teacher`, {
      hint: "remove run.bank.teacher, or use an extractor that reads one (run.bank.extractor: 'teacher')",
    });
  }
  const moduleTraining = await checked(
    'run.bank',
    'the pre-training options are listed in the @molap/primitives README',
    () =>
      primitives.resolveModuleTraining(
        training as Partial<ModuleTrainingOptions>,
        pretrainPreset as PretrainPresetName,
      ),
  );

  return {
    bank: {
      preset: pretrainPreset as PretrainPresetName, // checked by resolveModuleTraining above
      extractor: extractorId,
      teacher,
      corpus: corpusOptions,
      latents,
      training,
      workers,
    },
    moduleTraining,
    k: (latents as { k?: number }).k ?? primitives.DEFAULT_LATENT_COUNT,
  };
}

/** The perturbation runs of a plan: ids known, magnitudes checked. */
async function planPerturbations(
  entries: RunSettings['perturbations'],
  perturbationRegistry: import('@molap/analysis').PerturbationRegistry,
): Promise<StudyPlan['perturbations']> {
  const analysis = await import('@molap/analysis');
  const perturbations = entries.map((entry) => (typeof entry === 'string' ? { id: entry } : entry));
  for (const entry of perturbations) {
    if (!perturbationRegistry.has(entry.id)) {
      const ids = perturbationRegistry.list().map((spec) => spec.id);
      throw new MolapError('usage', unknownNameProblem('perturbation', entry.id, ids), {
        hint: `the perturbations are ${ids.join(', ')}`,
      });
    }
    await checked(`perturbation "${entry.id}"`, 'magnitudes start at 0 and increase', () =>
      analysis.resolvePerturbationRun({ ...entry, spec: perturbationRegistry.get(entry.id) }),
    );
  }

  return perturbations;
}

/** Refuses a strategy that declares an input a study cannot make (`STUDY_INPUTS`), before any work. */
function checkStudyInputs(strategy: import('@molap/core').AnyStrategy): void {
  const unmade = (strategy.inputs ?? []).find((input) => !STUDY_INPUTS.includes(input.name));
  if (unmade === undefined) return;
  throw new MolapError(
    'invalid-plugin',
    `strategy '${strategy.id}' needs the input '${unmade.name}' (${unmade.description}), which a study cannot make`,
    {
      hint: `a study makes the inputs ${STUDY_INPUTS.map((name) => `'${name}'`).join(' and ')}; create this strategy's models with its own code instead`,
    },
  );
}

/** The user's stages `run.stages` names, each known to the registry and not a built-in one; no repeats. */
function planStages(ids: readonly string[], stageRegistry: StageRegistry): string[] {
  const known = stageRegistry.list().filter((stage) => stage.analysis === undefined);
  for (const [index, id] of ids.entries()) {
    const stage = stageRegistry.has(id) ? stageRegistry.get(id) : undefined;
    if (stage === undefined) {
      const names = known.map((entry) => entry.id);
      throw new MolapError('usage', unknownNameProblem('analysis stage', id, stageRegistry.ids()), {
        hint:
          names.length === 0
            ? 'no plugin provides an analysis stage: install one (its package.json "molap" field lists "stages"), or remove run.stages'
            : `the analysis stages of the installed plugins are ${names.join(', ')}`,
      });
    }
    if (stage.analysis !== undefined) {
      throw new MolapError('usage', `run.stages names the built-in stage '${id}'`, {
        hint: `the built-in stages are switched by run.analyses (run.analyses.${stage.analysis}); remove '${id}' from run.stages`,
      });
    }
    if (ids.indexOf(id) !== index) {
      throw new MolapError('usage', `run.stages names '${id}' twice`, { hint: 'name each stage once' });
    }
  }
  return [...ids];
}

/**
 * The resource plan of a study (`estimateResources`): refuses, naming the options to change, what cannot fit
 * in the machine's memory or `context.maxMemory`.
 */
async function checkPlanResources(plan: {
  readonly settings: RunSettings;
  readonly context: PlanContext;
  readonly corpus: readonly string[];
  readonly taskOptions: Partial<TaskOptions>;
  readonly budget: PlannedBudget;
  readonly models: readonly PlannedModel[];
  readonly registry: import('@molap/core').StrategyRegistry;
  readonly bank: PlannedBank;
  readonly moduleTraining: ModuleTrainingOptions;
  readonly k: number;
}): Promise<void> {
  const { settings, context, corpus, taskOptions, budget, models, registry, bank, moduleTraining, k } = plan;
  const primitives = await import('@molap/primitives');
  const traits = traitsById(registry);
  const modularOf = (strategy: string) => traits.get(strategy)?.modular ?? false;
  const needsBank = firstPretrainedModel(models, traits) !== null;
  const resourcePlan = estimateResources({
    tasks: settings.tasks.map((id) => context.registry.get(id)),
    corpus: corpus.map((id) => context.registry.get(id)),
    taskOptions,
    batchSize: budget.batchSize,
    evalTrials: budget.evalTrials,
    analysisTrials: settings.analysisTrials,
    models: models.map((model) => {
      if (modularOf(model.strategy)) {
        return {
          name: model.name,
          units: k * moduleTraining.moduleSize,
          option: `lower run.bank.latents.k (--modules, now ${k}) or run.bank.moduleSize (--module-size, now ${moduleTraining.moduleSize})`,
        };
      }
      const units = (model.options as { hiddenSize?: number }).hiddenSize ?? NETWORK_OPTIONS.defaults.hiddenSize;
      return { name: model.name, units, option: `lower run.network.hiddenSize (--hidden-size, now ${units})` };
    }),
    ...(needsBank
      ? {
          bank: {
            trialsPerTask:
              (bank.corpus as { trialsPerTask?: number }).trialsPerTask ?? primitives.DEFAULT_CORPUS_TRIALS_PER_TASK,
            batchSize: moduleTraining.batchSize,
            moduleSize: moduleTraining.moduleSize,
            k,
            workers: Math.min(bank.workers ?? availableParallelism(), k),
          },
        }
      : {}),
  });
  const jobs = context.jobsAtOnce ?? 1;
  const atOnce =
    jobs > 1
      ? {
          ...resourcePlan,
          stages: {
            ...resourcePlan.stages,
            learning: resourcePlan.stages.learning * jobs,
            analysis: resourcePlan.stages.analysis * jobs,
          },
        }
      : resourcePlan;
  checkResources(atOnce, memoryLimit(context.maxMemory), jobs > 1 ? `${jobs} jobs at once` : undefined);
}
