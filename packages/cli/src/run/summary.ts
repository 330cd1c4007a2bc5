/**
 * The short summary `molap run` prints at the end (the report has everything): per model the mean final
 * performance on the corpus, on the held-out tasks and on all tasks, the trainable parameters per task and
 * the mean normalised robustness AUC; then the verdict on each claim.
 */
import type { Results } from '@molap/analysis';
import { formatNumber, formatTable } from '../output.js';

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

const cell = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(3));

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

/** The summary as text: the model table and the claims. */
export function formatSummary(results: Results): string {
  const rows = summariseModels(results).map((model) => [
    model.name,
    cell(model.corpus),
    cell(model.heldOut),
    cell(model.all),
    formatNumber(model.trainablePerTask, 0),
    cell(model.robustness),
  ]);
  const seeds = results.seeds.length;
  const header = `mean final performance (${results.corpus.length} corpus tasks, ${results.heldOut.length} held out; ${
    seeds === 1 ? `seed ${results.seeds[0]}` : `mean over seeds ${results.seeds.join(', ')}`
  })`;
  const table = formatTable(['model', 'corpus', 'held-out', 'all', 'trainable/task', 'robustness AUC'], rows);
  const claims = formatTable(
    ['claim', 'verdict', 'against'],
    results.claims.map((claim) => [
      claim.id,
      claim.verdict,
      claim.verdict === 'not-tested'
        ? (claim.reason ?? '')
        : claim.comparisons
            .map((comparison) => `${comparison.baseline} ${comparison.supported ? '✔' : '✘'}`)
            .join(', '),
    ]),
  );
  return `${header}\n${table}\nclaims about ${results.claims[0]?.molap ?? 'MoLaP'} (✔ MoLaP better than that model)\n${claims}`;
}
