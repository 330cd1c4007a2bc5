/**
 * The figures of each model a study summary shows: mean final performance on the corpus, on the held-out
 * tasks and on all tasks, trainable parameters per task and the mean normalised robustness AUC.
 */
import type { Results } from '@molap/analysis';
import type { StudyPlan } from './plan.js';
import type { StudyOutput } from './run-study.js';

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/** The figures of one model in the summary. */
export interface ModelSummary {
  readonly name: string;
  /** Mean final performance over the corpus tasks. */
  readonly corpus: number;
  /** Mean final performance over the held-out tasks (learned with the model's own mechanism); NaN without any. */
  readonly heldOut: number;
  /** Mean over every task of the run. */
  readonly all: number;
  /** Trainable parameters per task (mean over the corpus tasks). */
  readonly trainablePerTask: number;
  /** Mean normalised AUC over the perturbations the model was not skipped for; NaN without any. */
  readonly robustness: number;
}

/** The summary figures of every model. */
export function summariseModels(results: Results): ModelSummary[] {
  return Object.entries(results.models).map(([name, model]) => {
    const corpus = Object.values(model.perTask).map((entry) => entry.performance);
    const heldOut = Object.values(model.generalisation).map((entry) => entry.performance);
    const aucs = Object.values(model.robustness)
      .map((entry) => entry.auc)
      .filter((auc): auc is number => auc !== null);
    return {
      name,
      corpus: mean(corpus),
      heldOut: mean(heldOut),
      all: mean([...corpus, ...heldOut]),
      trainablePerTask: mean(Object.values(model.perTask).map((entry) => entry.trainableParams)),
      robustness: mean(aucs),
    };
  });
}

/** A finished study in a few figures (`molap run --json`): its files, its models' summaries, its verdicts. */
export interface StudySummary {
  /** The run folder. */
  readonly runDir: string;
  /** Path of results.json. */
  readonly results: string;
  /** Path of report.html. */
  readonly report: string;
  readonly preset: string;
  readonly seeds: readonly number[];
  readonly models: ModelSummary[];
  /** Each claim's id and verdict (`supported`, `not-supported`, …). */
  readonly claims: { readonly id: string; readonly verdict: string }[];
}

/** The summary of a study that `runStudy` finished in `runDir` (figures that are NaN stay NaN). */
export function summariseStudy(
  runDir: string,
  plan: Pick<StudyPlan, 'preset' | 'seeds'>,
  output: Pick<StudyOutput, 'results' | 'resultsFile' | 'reportFile'>,
): StudySummary {
  return {
    runDir,
    results: output.resultsFile,
    report: output.reportFile,
    preset: plan.preset,
    seeds: plan.seeds,
    models: summariseModels(output.results),
    claims: output.results.claims.map(({ id, verdict }) => ({ id, verdict })),
  };
}
