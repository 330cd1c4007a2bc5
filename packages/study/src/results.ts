/**
 * results.json of a study, assembled from the outputs of its jobs: per model the stages of every seed
 * (`assembleModel` of @molap/analysis: means over seeds, each seed kept), then the claims.
 */
import type { ExampleTrial, Results, SeedStages, StateDimensionality, TrainingStage } from '@molap/analysis';
import { InvalidValueError, type StrategyRegistry, type TaskLearningRecord } from '@molap/core';
import type { Task, TaskRegistry } from '@molap/tasks';
import type { JobOutput, StoredJobOutputs } from './job-store.js';
import { jobId, OWN_WAY, safeName } from './jobs.js';
import type { StudyPlan } from './plan.js';
import type { StudyRegistries } from './registries.js';
import { createBuiltinStageRegistry, STUDY_STAGES } from './stages/index.js';
import { firstPretrainedModel, traitsById } from './traits.js';

/** Stage names of the timings in results.json. */
const TIMING_OF_KIND = { bank: 'pretrain', train: 'train', generalisation: 'generalisation' } as const;

/** What `assembleResults` returns. */
export interface StudyResults {
  readonly results: Results;
  /** One example trial per model and task (first seed), for the report. */
  readonly exampleTrials: ExampleTrial[];
}

/** The version of each task that declares one (results.json `taskVersions`), by task id. */
function taskVersions(tasks: readonly Pick<Task, 'id' | 'version'>[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const task of tasks) if (task.version !== undefined) versions[task.id] = task.version;
  return versions;
}

function isStored(outputs: ReadonlyMap<string, JobOutput> | StoredJobOutputs): outputs is StoredJobOutputs {
  return 'read' in outputs && typeof outputs.read === 'function';
}

/**
 * The results of a study whose jobs are all done.
 * @param outputs the output of every job: by job id, or kept in the run folder (`JobStore.outputs`: read one at a
 *   time, so the outputs of a long study are not all in memory at once).
 * @param tasks where the plan's tasks are looked up (for the score that judged each, results.json `scores`, and
 *   their versions, `taskVersions`).
 * @param registries where the plan's perturbations are described from (default the built-in ones).
 */
export async function assembleResults(
  plan: StudyPlan,
  strategies: StrategyRegistry,
  outputs: ReadonlyMap<string, JobOutput> | StoredJobOutputs,
  tasks: Pick<TaskRegistry, 'get'>,
  registries: Pick<StudyRegistries, 'perturbations' | 'stages'> = {},
): Promise<StudyResults> {
  const analysis = await import('@molap/analysis');
  const stored = isStored(outputs) ? outputs : undefined;
  const inMemory = isStored(outputs) ? undefined : outputs;
  const output = async (id: string) => {
    const found = stored ? await stored.read(id) : inMemory!.get(id);
    if (!found) {
      throw new InvalidValueError(`the output of job '${id}' is missing: the study is not finished`, {
        hint: 'run every job of the study before assembling its results',
      });
    }
    return found.value;
  };
  const enabled = plan.analyses;
  // Which score judged each task; a task with its own score is held to its own criterion, also as the floor
  // of its relative robustness figures (the budget's criterion for the others, as `relativeFloor` says).
  const scores = analysis.taskScores(
    plan.tasks.map((id) => tasks.get(id)),
    plan.budget.criterion,
  );
  const taskFloors = Object.fromEntries(Object.entries(scores).map(([id, score]) => [id, score.criterion]));
  type UserStageResults = NonNullable<Results['models'][string]['stages']>[string];
  const models: Results['models'] = {};
  const stageRegistry = registries.stages ?? createBuiltinStageRegistry();
  const userStages = (plan.stages ?? []).map((id) => stageRegistry.get(id));
  const exampleTrials: ExampleTrial[] = [];
  for (const spec of plan.models) {
    const strategy = strategies.get(spec.strategy);
    const variants = (strategy.generalisationVariants ?? []).map(({ name, description }) => ({ name, description }));
    const seedStages: SeedStages[] = [];
    for (const seed of plan.seeds) {
      const stage = async (id: string) => (await output(jobId.stage(id, spec.name, seed))) as never;
      const states = enabled.dimensionality
        ? ((await stage('dimensionality')) as { dimensionality: StateDimensionality; examples: ExampleTrial[] })
        : undefined;
      if (states && seed === plan.seeds[0]) exampleTrials.push(...states.examples);
      const generalisation: Record<string, Record<string, TaskLearningRecord>> = {};
      if (enabled.generalisation) {
        for (const way of [OWN_WAY, ...variants.map((variant) => variant.name)]) {
          const key = way === OWN_WAY ? '' : way;
          generalisation[key] = {};
          for (const task of plan.heldOut) {
            generalisation[key][task] = (await output(jobId.generalisation(spec.name, seed, way, task))) as never;
          }
        }
      }
      seedStages.push({
        seed,
        training: (await output(jobId.train(spec.name, seed))) as unknown as TrainingStage,
        ...(enabled.robustness ? { robustness: await stage('robustness') } : {}),
        ...(states ? { states: { dimensionality: states.dimensionality } } : {}),
        ...(enabled.taskVariance ? { taskVariance: await stage('task-variance') } : {}),
        generalisation,
      });
    }
    const assembled = analysis.assembleModel(seedStages, {
      displayName: strategy.meta.displayName,
      corpus: plan.corpus,
      heldOut: enabled.generalisation ? plan.heldOut : [],
      batchSize: plan.budget.batchSize,
      relativeFloor: plan.budget.criterion,
      taskFloors,
      variants,
    });
    // A user's stages: their data as they returned it, one entry per seed (in plan.seeds order).
    const ownStages: [string, UserStageResults][] = [];
    for (const stage of userStages) {
      const perSeed = [];
      for (const seed of plan.seeds) perSeed.push(await output(jobId.stage(stage.id, spec.name, seed)));
      ownStages.push([
        stage.id,
        {
          version: stage.version,
          displayName: stage.meta.displayName,
          // study's Json (readonly arrays) is the same JSON as results.json's (mutable arrays)
          perSeed: perSeed as unknown as UserStageResults['perSeed'],
        },
      ]);
    }
    models[spec.name] = ownStages.length === 0 ? assembled : { ...assembled, stages: Object.fromEntries(ownStages) };
  }

  const perturbations = registries.perturbations ?? analysis.createBuiltinPerturbationRegistry();
  const stages: Record<string, number> = {
    pretrain: 0,
    train: 0,
    robustness: 0,
    dimensionality: 0,
    taskVariance: 0,
    generalisation: 0,
  };
  let total = 0;
  const userStageIds = new Map(userStages.map((stage) => [safeName(stage.id), stage.id]));
  const secondsById = stored ? stored.seconds : new Map([...inMemory!].map(([id, { seconds }]) => [id, seconds]));
  for (const [id, seconds] of secondsById) {
    const kind = id.split('/', 1)[0];
    const stage = STUDY_STAGES.find((entry) => entry.id === kind);
    const key = stage
      ? stage.analysis
      : (userStageIds.get(kind) ?? TIMING_OF_KIND[kind as keyof typeof TIMING_OF_KIND]);
    if (key !== undefined) stages[key] = (stages[key] ?? 0) + seconds;
    total += seconds;
  }
  const results: Results = {
    format: analysis.RESULTS_FORMAT,
    schemaVersion: analysis.RESULTS_SCHEMA_VERSION,
    createdBy: { package: analysis.PACKAGE_NAME, version: analysis.PACKAGE_VERSION },
    preset: plan.preset,
    seed: plan.seeds[0],
    seeds: [...plan.seeds],
    corpus: [...plan.corpus],
    heldOut: [...plan.heldOut],
    budget: { ...plan.budget },
    scores,
    taskVersions: taskVersions(plan.tasks.map((id) => tasks.get(id))),
    analysisTrials: plan.analysisTrials,
    perturbations: enabled.robustness
      ? plan.perturbations.map((entry) => {
          const spec = perturbations.get(entry.id);
          const { magnitudes, draws } = analysis.resolvePerturbationRun({ ...entry, spec });
          return {
            id: spec.id,
            version: spec.version,
            displayName: spec.meta.displayName,
            description: spec.meta.description,
            magnitude: spec.meta.magnitude,
            magnitudes,
            draws,
          };
        })
      : [],
    relativeFloor: plan.budget.criterion,
    models,
    claims: [],
    timings: { total, stages },
  };
  const subject = firstPretrainedModel(plan.models, traitsById(strategies));
  return { results: { ...results, claims: analysis.evaluateClaims({ ...results, subject }) }, exampleTrials };
}
