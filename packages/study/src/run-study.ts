/**
 * `runStudy`: what `molap run` does, as a library call. The plan becomes jobs (`studyJobs`: banks, training,
 * analysis stages, held-out tasks), an executor runs the ones not done yet (the local executor by default:
 * one after the other in this thread), every job's output is kept in the run folder, and results.json,
 * report.html and the example trials are written from the outputs. An interrupted study resumes at the
 * first unfinished job, and inside it from its checkpoints, and ends with the same results.
 */
import { join } from 'node:path';
import type { Results } from '@molap/analysis';
import type { Engine } from '@molap/backend';
import { MolapError } from '@molap/core';
import type { TaskRegistry } from '@molap/tasks';
import type { StudyEvent, StudyStageName } from './events.js';
import { type ExecutorEvent, localExecutor, type StudyExecutor } from './executor.js';
import { lockRunFolder, runPaths } from './folder.js';
import { runStudyJob } from './job-runner.js';
import { JobStore } from './job-store.js';
import { type StudyJob, studyJobs } from './jobs.js';
import type { StudyPlan } from './plan.js';
import { resolveStudyRegistries, type StudyRegistries } from './registries.js';
import { assembleResults } from './results.js';
import { stageName } from './stages/index.js';

/** Options of `runStudy`; its registries must be those `planStudy` checked the plan against. */
export interface RunStudyOptions extends StudyRegistries {
  /** The run folder: made by `createRunFolder`, or one an earlier session worked in (it resumes). */
  readonly runDir: string;
  /** Engine of the work in this thread. */
  readonly engine: Engine;
  /** Where the plan's task ids are looked up (the Yang tasks and any plugins). */
  readonly registry: TaskRegistry;
  /** Progress: stage starts and ends, learning-curve points, bank steps. */
  readonly onEvent?: (event: StudyEvent) => void;
  /** Stops at the next checkpoint; the run folder keeps every finished job. */
  readonly signal?: AbortSignal;
  /** Runs the jobs; default `localExecutor` (this thread, one after the other). */
  readonly executor?: StudyExecutor;
}

/** Files a finished study wrote. */
export interface StudyOutput {
  readonly results: Results;
  readonly resultsFile: string;
  readonly reportFile: string;
}

/** The stage a job reports as, in progress events and timings. */
function stageOf(job: StudyJob): StudyStageName | undefined {
  if (job.kind === 'train' || job.kind === 'generalisation') return job.kind;
  if (job.kind === 'stage') return stageName(job.stage!);
  return undefined;
}

/**
 * Runs (or resumes) the plan in its run folder and writes the results and the report. The folder is locked
 * while it works (another process working in it is refused) and released at the end, also on errors.
 */
export async function runStudy(plan: StudyPlan, options: RunStudyOptions): Promise<StudyOutput> {
  const release = await lockRunFolder(options.runDir);
  try {
    return await runLocked(plan, options);
  } finally {
    await release();
  }
}

async function runLocked(plan: StudyPlan, options: RunStudyOptions): Promise<StudyOutput> {
  const { runDir, signal } = options;
  const onEvent = options.onEvent ?? (() => {});
  const [analysis, composer] = await Promise.all([import('@molap/analysis'), import('@molap/composer')]);
  const registries = await resolveStudyRegistries(options);
  const { strategies } = registries;
  // A resumed plan was checked when it started; the plugins it names must still be here, before any job.
  const missing = (plan.stages ?? []).filter((id) => !registries.stages.has(id));
  if (missing.length > 0) {
    throw new MolapError(
      'usage',
      `the run's analysis stages ${missing.map((id) => `'${id}'`).join(', ')} are not registered here`,
      {
        hint: 'install the plugin package that provides them (molap tasks doctor lists what is found), or give runStudy their stage registry',
      },
    );
  }
  const jobs = studyJobs(plan, strategies, composer.PRETRAINED_BANK_INPUT);
  const store = new JobStore(runPaths(runDir).state);
  // Only the seconds of the finished jobs are kept here; their outputs stay in the run folder until the end.
  const seconds = new Map<string, number>();

  const report = (event: ExecutorEvent) => {
    const { job } = event;
    if (event.type === 'job-end') seconds.set(job.id, event.output.seconds);
    const stage = stageOf(job);
    if (stage === undefined || job.model === undefined) return;
    const base = {
      stage,
      model: job.model,
      seed: job.seed,
      ...(job.kind === 'generalisation' ? { detail: `${job.task} (${job.way})` } : {}),
    };
    if (event.type === 'job-start') onEvent({ type: 'stage-start', ...base });
    else onEvent({ type: 'stage-end', ...base, seconds: event.output.seconds, resumed: event.resumed });
  };

  await (options.executor ?? localExecutor).execute(jobs, {
    store,
    onEvent: report,
    onJobEvent: onEvent,
    ...(signal ? { signal } : {}),
    runJob: (job) =>
      runStudyJob(job, {
        plan,
        engine: options.engine,
        registry: options.registry,
        ...registries,
        folders: {
          inputFiles: (id) => store.filesDir({ id }),
          files: store.filesDir(job),
          checkpoints: store.checkpointDir(job),
        },
        onEvent,
        ...(signal ? { signal } : {}),
      }),
  });

  const { results, exampleTrials } = await assembleResults(
    plan,
    strategies,
    store.outputs(seconds),
    options.registry,
    registries,
  );
  const { writeFileAtomic } = await import('@molap/backend');
  await writeFileAtomic(runPaths(runDir).exampleTrials, JSON.stringify(exampleTrials));
  await analysis.writeReport(runDir, results, { exampleTrials });
  return {
    results,
    resultsFile: join(runDir, analysis.RESULTS_JSON),
    reportFile: join(runDir, analysis.REPORT_HTML),
  };
}
