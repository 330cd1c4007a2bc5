/**
 * What a plan costs before it runs (`molap run --dry-run`): its jobs (`studyJobs`), the estimated cost of each
 * (`stageCosts`: multiply-adds of the recurrent networks), and the wall time on 1, 4 and 16 workers. Seconds
 * come from one rate, `WORK_PER_SECOND`, measured with the local executor on a 2-core machine, so a worker is
 * assumed as fast as that machine. Wall times schedule the jobs in the study's order, each on the worker free
 * first once the jobs it reads are done (list scheduling of the job graph).
 */
import { type BankShape, type SuiteSize, stageCosts, stageKey } from './eta.js';
import { type StudyJob, studyJobs } from './jobs.js';
import type { StudyPlan } from './plan.js';
import { resolveStudyRegistries, type StudyRegistries } from './registries.js';
import { stageName } from './stages/index.js';
import { firstPretrainedModel, type StrategyTraits, traitsById } from './traits.js';

/**
 * Estimated work (`stageCosts` units) per second of one worker: the standard preset's estimated work
 * (6.67e11) over its measured 45 minutes with the local executor on 2 cores (packages/cli/README.md,
 * "Measured"). The quick preset’s (2.94e10 over 2 min 48 s) gives 1.75e8: estimates are good to a factor 1.5.
 */
export const WORK_PER_SECOND = 2.5e8;

/** Worker counts of the estimate. */
export const ESTIMATE_WORKERS = [1, 4, 16] as const;

/** One job and its estimated seconds. */
export interface JobEstimate {
  readonly job: StudyJob;
  readonly seconds: number;
}

/** The estimate of a plan. */
export interface RunEstimate {
  readonly jobs: readonly JobEstimate[];
  /** Sum of the jobs' seconds (one worker, no waiting). */
  readonly workSeconds: number;
  /** Wall seconds with each number of workers. */
  readonly wall: readonly { readonly workers: number; readonly seconds: number }[];
}

/** What the cost model of a plan needs (`stageCosts`), resolved from the libraries. */
export interface CostInputs {
  /** Shape of the module bank (k modules of `moduleSize` units, pre-training steps and batch, workers). */
  readonly bank: BankShape;
  /** Per perturbation of the suite: evaluations per task, and whether it applies to modular models only. */
  readonly suite: SuiteSize[];
  /** The traits of every strategy of the registry the plan is resolved with, by strategy id. */
  readonly traits: ReadonlyMap<string, StrategyTraits>;
}

/**
 * The bank shape, suite sizes and strategy traits of a plan, for `stageCosts` and `RunClock`.
 * @param registries where the plan's strategies and perturbations are looked up (default the built-in ones).
 */
export async function costInputs(plan: StudyPlan, registries: StudyRegistries = {}): Promise<CostInputs> {
  const [analysis, primitives, { perturbations, strategies }] = await Promise.all([
    import('@molap/analysis'),
    import('@molap/primitives'),
    resolveStudyRegistries(registries),
  ]);
  const suite = plan.perturbations.map(({ id, ...grid }): SuiteSize => {
    const spec = perturbations.get(id);
    const { magnitudes, draws } = analysis.resolvePerturbationRun({ spec, ...grid });
    return {
      evaluations: magnitudes.filter((magnitude) => magnitude !== 0).length * draws,
      modularOnly: spec.skipReason({ hiddenSize: 1, modules: undefined, strategy: 'any' }) !== undefined,
    };
  });
  const training = primitives.resolveModuleTraining(plan.bank.training, plan.bank.preset);
  const bank: BankShape = {
    k: (plan.bank.latents.k as number | undefined) ?? primitives.DEFAULT_LATENT_COUNT,
    moduleSize: training.moduleSize,
    steps: training.steps,
    batchSize: training.batchSize,
    workers: plan.bank.workers,
  };
  return { bank, suite, traits: traitsById(strategies) };
}

/**
 * Wall seconds of the jobs on `workers` workers, scheduled as the Redis executor does: whenever a worker is
 * free, it takes the first job (in the study's order) whose inputs are done; when none is, it waits for the
 * next job to become ready.
 */
export function scheduleSeconds(jobs: readonly JobEstimate[], workers: number): number {
  const finish = new Map<string, number>();
  const free = new Array<number>(workers).fill(0);
  const pending = [...jobs];
  let end = 0;
  while (pending.length > 0) {
    let worker = 0;
    for (let w = 1; w < workers; w++) if (free[w]! < free[worker]!) worker = w;
    const now = free[worker]!;
    const readyAt = (entry: JobEstimate) =>
      entry.job.inputs.every((input) => finish.has(input))
        ? Math.max(0, ...entry.job.inputs.map((input) => finish.get(input)!))
        : Number.POSITIVE_INFINITY;
    let index = pending.findIndex((entry) => readyAt(entry) <= now);
    if (index < 0) {
      // Nothing is ready now: the job that becomes ready first (the study's order breaks ties).
      let soonest = Number.POSITIVE_INFINITY;
      pending.forEach((entry, i) => {
        const at = readyAt(entry);
        if (at < soonest) [soonest, index] = [at, i];
      });
    }
    const [{ job, seconds }] = pending.splice(index, 1) as [JobEstimate];
    const done = Math.max(now, readyAt({ job, seconds })) + seconds;
    free[worker] = done;
    finish.set(job.id, done);
    end = Math.max(end, done);
  }
  return end;
}

/**
 * Jobs, costs and wall times of a plan (see the module comment).
 * @param rate work units per second of one worker (default `WORK_PER_SECOND`).
 * @param registries where the plan's strategies and perturbations are looked up (default the built-in ones).
 */
export async function estimateRun(
  plan: StudyPlan,
  rate = WORK_PER_SECOND,
  registries: StudyRegistries = {},
): Promise<RunEstimate> {
  const [{ bank, suite, traits }, { strategies }, composer] = await Promise.all([
    costInputs(plan, registries),
    resolveStudyRegistries(registries),
    import('@molap/composer'),
  ]);
  const costs = stageCosts(plan, bank, suite, traits);
  const costOf = (job: StudyJob): number => {
    switch (job.kind) {
      case 'bank': {
        const pretrained = firstPretrainedModel(plan.models, traits);
        return pretrained ? (costs.get(stageKey(pretrained, job.seed, 'pretrain'))?.cost ?? 0) : 0;
      }
      case 'train':
        return costs.get(stageKey(job.model!, job.seed, 'train'))?.cost ?? 0;
      case 'stage': {
        const analysis = stageName(job.stage ?? '');
        return costs.get(stageKey(job.model!, job.seed, analysis))?.cost ?? 0;
      }
      case 'generalisation':
        return costs.get(stageKey(job.model!, job.seed, 'generalisation', `${job.task} (${job.way})`))?.cost ?? 0;
    }
  };
  const jobs = studyJobs(plan, strategies, composer.PRETRAINED_BANK_INPUT).map((job) => ({
    job,
    seconds: costOf(job) / rate,
  }));
  return {
    jobs,
    workSeconds: jobs.reduce((sum, entry) => sum + entry.seconds, 0),
    wall: ESTIMATE_WORKERS.map((workers) => ({ workers, seconds: scheduleSeconds(jobs, workers) })),
  };
}
