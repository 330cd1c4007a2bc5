/**
 * The short summary `molap run` prints at the end (the report has everything): per model the mean final
 * performance on the corpus, on the held-out tasks and on all tasks, the trainable parameters per task and
 * the mean normalised robustness AUC; then the verdict on each claim, and the seeds on which a model's training
 * failed (`failedSeeds` of @molap/analysis).
 */
import { describeFailedSeed, FAILED_SEED_RATIO, failedSeeds, type Results } from '@molap/analysis';
import { summariseModels } from '@molap/study';
import { formatNumber, formatTable } from '../output.js';

const cell = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(3));

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
            .map(
              (comparison) =>
                `${comparison.baseline} ${comparison.supported ? '✔' : comparison.difference === null ? '?' : '✘'}`,
            )
            .join(', '),
    ]),
  );
  const failed = failedSeeds(results);
  const warning =
    failed.length === 0
      ? ''
      : `\ntraining failed (corpus mean below ${FAILED_SEED_RATIO} × the model's best seed; its seed-task pairs are in the claims, see the report):\n${failed.map((entry) => `  ${describeFailedSeed(entry)}`).join('\n')}`;
  return `${header}\n${table}\nclaims about ${results.claims[0]?.molap ?? 'MoLaP'} (✔ MoLaP better than that model, its 95 % interval over seeds × tasks excluding 0; ? undecided; intervals in the report)\n${claims}${warning}`;
}
