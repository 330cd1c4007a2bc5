/**
 * Failures of a study's jobs told with their place: which stage, model and seed failed, and, for a training
 * that diverged, which option to change. A diverged training is not something `--resume` can fix (the run
 * folder keeps the options it started with), so its hint says to start a new run with the option changed.
 */
import { MODULAR_TAG } from '@molap/composer';
import { isMolapError, MolapError, type StrategyRegistry } from '@molap/core';
import { OWN_WAY, type StudyJob } from './jobs.js';
import type { StudyPlan } from './plan.js';

/** Code of a training that diverged (a non-finite loss or parameter, or a module fit below its floor). */
export const DIVERGED_CODE = 'training-diverged';

/** How `checkModuleFits` of @molap/primitives begins its problem (it names the stage itself). */
const BANK_DIVERGED = 'module pre-training diverged';
const NEW_RUN = 'then start a new run (a resumed run keeps the options it started with)';

/** The job in words: `multitask: learn the corpus (seed 1)`. */
export function describeJob(job: StudyJob): string {
  switch (job.kind) {
    case 'bank':
      return `pre-training of the module bank (seed ${job.seed})`;
    case 'train':
      return `${job.model}: learning the corpus (seed ${job.seed})`;
    case 'stage':
      return `${job.model}: ${job.stage} analysis (seed ${job.seed})`;
    case 'generalisation':
      return `${job.model}: learning held-out task ${job.task}${job.way === OWN_WAY ? '' : ` (${job.way})`} (seed ${job.seed})`;
  }
}

/** The config key and value of the learning rate a job's training uses. */
function learningRateOf(job: StudyJob, plan: StudyPlan, strategies: StrategyRegistry): string {
  const model = plan.models.find((entry) => entry.name === job.model);
  if (!model) return 'the learning rate';
  const modular = strategies.get(model.strategy).meta.tags?.includes(MODULAR_TAG) ?? false;
  const value = (model.options as { learningRate?: number } | null)?.learningRate;
  return `the learning rate of ${model.name} (run.${modular ? 'molap' : 'network'}.learningRate${value === undefined ? '' : `, now ${value}`})`;
}

/**
 * `error` of `job` with the job named in its problem; a diverged training gets a hint naming the option
 * to lower and `then` (default: start a new run). Other errors are returned unchanged.
 */
export function jobFailure(
  error: unknown,
  job: StudyJob,
  plan: StudyPlan,
  strategies: StrategyRegistry,
  then = NEW_RUN,
): unknown {
  if (!isMolapError(error) || error.code !== DIVERGED_CODE) return error;
  if ((error as { job?: string }).job !== undefined) return error;
  const hint =
    job.kind === 'bank' && error.problem.startsWith(BANK_DIVERGED)
      ? `${error.hint}, ${then}`
      : job.kind === 'bank'
        ? `lower the pre-training learning rate (run.bank.learningRate) or keep gradient clipping on (run.bank.clipValue > 0), ${then}`
        : `lower ${learningRateOf(job, plan, strategies)} or keep gradient clipping on, ${then}`;
  const problem = error.problem.startsWith(BANK_DIVERGED)
    ? error.problem
    : `${describeJob(job)} diverged: ${error.problem}`;
  const failure = new MolapError(DIVERGED_CODE, problem, {
    kind: 'failure',
    ...(hint === undefined ? {} : { hint }),
    cause: error,
  });
  return Object.assign(failure, { job: job.id });
}
