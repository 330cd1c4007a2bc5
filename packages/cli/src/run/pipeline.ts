/**
 * The work of `molap run` in a run folder: the models of the plan go through `analyseModels` of
 * @molap/analysis (learn the corpus, perturbations, dimensionality, task variance, held-out tasks; resumable
 * in `state/`), then `writeReport` writes results.json and report.html, and the example trials are kept for
 * `molap report`.
 */
import { join } from 'node:path';
import type { AnalysisProgress, Results } from '@molap/analysis';
import type { Engine } from '@molap/backend';
import type { TaskRegistry } from '@molap/tasks';
import { runPaths } from './folder.js';
import { type BankEvent, runModels } from './models.js';
import type { RunPlan } from './plan.js';

/** Progress of a run: the analysis events of @molap/analysis and the bank events. */
export type RunEvent = AnalysisProgress | BankEvent;

/** Options of `runPipeline`. */
export interface RunPipelineOptions {
  readonly plan: RunPlan;
  readonly runDir: string;
  readonly engine: Engine;
  readonly registry: TaskRegistry;
  readonly onEvent: (event: RunEvent) => void;
  readonly signal?: AbortSignal;
}

/** Files a finished run wrote. */
export interface RunOutput {
  readonly results: Results;
  readonly resultsFile: string;
  readonly reportFile: string;
}

/** Runs (or resumes) the plan in its run folder and writes the results and the report. */
export async function runPipeline(options: RunPipelineOptions): Promise<RunOutput> {
  const { plan, runDir, signal } = options;
  const analysis = await import('@molap/analysis');
  const perturbations = analysis.createBuiltinPerturbationRegistry();
  const models = await runModels({
    plan,
    runDir,
    engine: options.engine,
    registry: options.registry,
    onBankEvent: options.onEvent,
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
    { onProgress: options.onEvent, ...(signal ? { signal } : {}) },
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
