/**
 * `runStudy`: the work of `molap run` in a run folder, as a library call. The models of the plan go through `analyseModels` of
 * @molap/analysis (learn the corpus, perturbations, dimensionality, task variance, held-out tasks; resumable
 * in `state/`), then `writeReport` writes results.json and report.html, and the example trials are kept for
 * `molap report`.
 */
import { join } from 'node:path';
import type { AnalysisProgress, Results } from '@molap/analysis';
import type { Engine } from '@molap/backend';
import type { TaskRegistry } from '@molap/tasks';
import { lockRunFolder, runPaths } from './folder.js';
import { type BankEvent, runModels } from './models.js';
import type { StudyPlan } from './plan.js';

/** Progress of a run: the analysis events of @molap/analysis and the bank events. */
export type StudyEvent = AnalysisProgress | BankEvent;

/** Options of `runStudy`. */
export interface RunStudyOptions {
  /** The run folder: made by `createRunFolder`, or one an earlier session worked in (it resumes). */
  readonly runDir: string;
  /** Engine of the work in this thread. */
  readonly engine: Engine;
  /** Where the plan's task ids are looked up (the Yang tasks and any plugins). */
  readonly registry: TaskRegistry;
  /** Progress: stage starts and ends, learning-curve points, bank steps. */
  readonly onEvent?: (event: StudyEvent) => void;
  /** Stops at the next checkpoint; the run folder keeps every finished stage. */
  readonly signal?: AbortSignal;
}

/** Files a finished run wrote. */
export interface StudyOutput {
  readonly results: Results;
  readonly resultsFile: string;
  readonly reportFile: string;
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
  const analysis = await import('@molap/analysis');
  const perturbations = analysis.createBuiltinPerturbationRegistry();
  const models = await runModels({
    plan,
    runDir,
    engine: options.engine,
    registry: options.registry,
    onBankEvent: onEvent,
  });
  const { results, exampleTrials } = await analysis.analyseModels(
    {
      models,
      registry: options.registry,
      tasks: plan.tasks,
      heldOut: plan.heldOut,
      seeds: plan.seeds,
      budget: plan.budget,
      preset: plan.preset,
      perturbations: plan.perturbations.map(({ id, ...grid }) => ({ spec: perturbations.get(id), ...grid })),
      analysisTrials: plan.analysisTrials,
      taskOptions: plan.taskOptions,
      analyses: plan.analyses,
      workDir: runPaths(runDir).state,
    },
    { onProgress: onEvent, ...(signal ? { signal } : {}) },
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
