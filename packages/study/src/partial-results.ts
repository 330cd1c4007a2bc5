/**
 * The results of a study that has not finished (yet): the models whose every job is done, with their claims
 * against each other, from the run folder as it is. A 3-seed standard study takes hours; its first models can be
 * read long before the last one ends, while the study goes on (the folder is only read).
 */
import { MolapError } from '@molap/core';
import type { TaskRegistry } from '@molap/tasks';
import { readRunRecord, runPaths } from './folder.js';
import { JobStore } from './job-store.js';
import { studyJobs } from './jobs.js';
import type { StudyPlan } from './plan.js';
import { resolveStudyRegistries, type StudyRegistries } from './registries.js';
import { assembleResults, type StudyResults } from './results.js';

/** What `assembleFinishedModels` returns. */
export interface PartialStudyResults extends StudyResults {
  /** The run's plan, its models cut down to the finished ones. */
  readonly plan: StudyPlan;
  /** Models (by name) with a job still to do: not in the results or the claims. */
  readonly unfinished: readonly string[];
  /** Jobs of the run done, and in all. */
  readonly jobs: { readonly done: number; readonly total: number };
}

/** Options of `assembleFinishedModels`: where the run's tasks and plugins are looked up. */
export interface PartialResultsOptions extends StudyRegistries {
  readonly registry: Pick<TaskRegistry, 'get'>;
}

/**
 * The results of the models of a run folder whose jobs are all done (training, every analysis stage and every
 * held-out task, on every seed): `assembleResults` over the run's plan with only those models. Their figures are
 * the ones the finished run will have; the claims compare MoLaP with the finished baselines only (none when
 * MoLaP itself is not finished). Reads the folder and writes nothing, so it works beside the run.
 * @throws MolapError 'usage' when no model has finished yet.
 */
export async function assembleFinishedModels(
  runDir: string,
  options: PartialResultsOptions,
): Promise<PartialStudyResults> {
  const [{ plan }, registries, composer] = await Promise.all([
    readRunRecord(runDir),
    resolveStudyRegistries(options),
    import('@molap/composer'),
  ]);
  const jobs = studyJobs(plan, registries.strategies, composer.PRETRAINED_BANK_INPUT);
  const store = new JobStore(runPaths(runDir).state);
  const seconds = new Map<string, number>();
  for (const job of jobs) {
    const output = await store.read(job);
    if (output) seconds.set(job.id, output.seconds);
  }
  const unfinished = plan.models
    .filter((model) => jobs.some((job) => job.model === model.name && !seconds.has(job.id)))
    .map((model) => model.name);
  const finished = plan.models.filter((model) => !unfinished.includes(model.name));
  if (finished.length === 0) {
    throw new MolapError(
      'usage',
      `no model of the run in ${runDir} has finished all its jobs yet (${seconds.size} of ${jobs.length} jobs done)`,
      {
        hint: 'wait until the first model has trained and been analysed on every seed, or resume the run (molap run --resume)',
      },
    );
  }
  const partialPlan: StudyPlan = { ...plan, models: finished };
  const assembled = await assembleResults(
    partialPlan,
    registries.strategies,
    store.outputs(seconds),
    options.registry,
    registries,
  );
  return { ...assembled, plan: partialPlan, unfinished, jobs: { done: seconds.size, total: jobs.length } };
}
