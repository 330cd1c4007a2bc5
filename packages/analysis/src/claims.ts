/**
 * The three claims of the MoLaP paper, decided for one run from its results by explicit rules. MoLaP is the
 * first model whose strategy is 'molap'; it is compared with every other model of the run (random-modules
 * included), and a claim is `supported` when it holds against every one of them, `mixed` when against some,
 * `not-supported` when against none, `not-tested` when the run cannot decide it (no MoLaP model, no other
 * model, no held-out tasks, no perturbation both models went through).
 *
 * Rules (per comparison of MoLaP M with a baseline B):
 * - **Efficiency** (corpus tasks): M trains fewer parameters per task (mean over tasks), spends fewer
 *   parameter updates until criterion (per task and seed: trainable parameters × steps to criterion, or ×
 *   all steps spent when the criterion was never reached; mean over tasks and seeds), and reaches the
 *   criterion at least as often (fraction of task-seed pairs), and at least once (few updates spent on
 *   tasks never learned are no efficiency).
 * - **Robustness**: M's mean normalised AUC is higher, over the perturbations neither model skipped (mean
 *   over those perturbations of the mean-over-tasks-and-seeds AUC).
 * - **Generalisation** (held-out tasks; every way B learns them counts as a separate baseline): M reaches
 *   the criterion at least as often, and needs fewer trials to it (per task and seed; the whole budget's
 *   trials when never reached; mean over tasks and seeds) or, with equal trials, ends at a higher mean
 *   performance.
 */
import { mean } from './curves.js';
import type { Claim, ClaimVerdict, GeneralisationResults, ModelResults, Results } from './schema.js';

/** The claims as the paper states them. */
export const CLAIM_STATEMENTS: Readonly<Record<Claim['id'], string>> = Object.freeze({
  efficiency: 'Many tasks are learned with few trainable parameters and few parameter updates per task.',
  robustness: 'Learned skills are more robust to a broad range of perturbations than with other multi-task strategies.',
  generalisation: 'New tasks, held out of pre-training, are learned more easily.',
});

/** The decision rules in words (also in the README). */
export const CLAIM_RULES: Readonly<Record<Claim['id'], string>> = Object.freeze({
  efficiency:
    'Against each baseline: fewer trainable parameters per task, fewer parameter updates until criterion (trainable × steps to criterion; all steps spent when never reached; mean over corpus tasks and seeds), and the criterion reached at least as often, and at least once.',
  robustness:
    'Against each baseline: a higher mean normalised AUC over the perturbations neither model skipped (each perturbation’s AUC averaged over tasks and seeds).',
  generalisation:
    'Against each baseline and each way it learns new tasks: the criterion reached at least as often on the held-out tasks, and fewer trials to criterion (the whole budget’s trials when never reached; mean over tasks and seeds), or equal trials and a higher final performance.',
});

/** What the claims need from a run besides the models. */
export type ClaimInput = Pick<Results, 'models' | 'budget' | 'heldOut'>;

type Comparison = Claim['comparisons'][number];

const fmt = (value: number) =>
  Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();

function verdictOf(comparisons: readonly Comparison[]): ClaimVerdict {
  if (comparisons.length === 0) return 'not-tested';
  const supported = comparisons.filter((comparison) => comparison.supported).length;
  if (supported === comparisons.length) return 'supported';
  return supported === 0 ? 'not-supported' : 'mixed';
}

function claim(id: Claim['id'], molap: string | null, comparisons: Comparison[], reason?: string): Claim {
  const verdict = reason ? 'not-tested' : verdictOf(comparisons);
  return {
    id,
    statement: CLAIM_STATEMENTS[id],
    rule: CLAIM_RULES[id],
    verdict,
    ...(verdict === 'not-tested' ? { reason: reason ?? 'nothing to compare with' } : {}),
    molap,
    comparisons,
  };
}

/** Efficiency numbers of one model over its corpus tasks. */
export function efficiencyOf(
  model: ModelResults,
  batchSize: number,
): { params: number; updates: number; reached: number } {
  const tasks = Object.values(model.perTask);
  const costs = tasks.flatMap((task) =>
    task.perSeed.map((seed) =>
      seed.trialsToCriterion === null
        ? task.trainableParams * task.steps
        : task.trainableParams * (seed.trialsToCriterion / batchSize),
    ),
  );
  return {
    params: mean(tasks.map((task) => task.trainableParams)),
    updates: mean(costs),
    reached: mean(tasks.map((task) => task.reachedCriterion)),
  };
}

/** Mean AUC of a model over the given perturbations. */
export function meanAuc(model: ModelResults, perturbations: readonly string[]): number {
  return mean(perturbations.map((id) => model.robustness[id]?.auc ?? Number.NaN));
}

/** Perturbations both models went through (not skipped, with an AUC). */
export function sharedPerturbations(a: ModelResults, b: ModelResults): string[] {
  return Object.keys(a.robustness).filter(
    (id) => a.robustness[id].auc !== null && b.robustness[id] !== undefined && b.robustness[id].auc !== null,
  );
}

/** Generalisation numbers over held-out tasks. */
export function generalisationOf(
  tasks: Readonly<Record<string, GeneralisationResults>>,
  budgetTrials: number,
): { trials: number; reached: number; performance: number } {
  const entries = Object.values(tasks);
  return {
    trials: mean(entries.flatMap((task) => task.perSeed.map((seed) => seed.trialsToCriterion ?? budgetTrials))),
    reached: mean(entries.map((task) => task.reachedCriterion)),
    performance: mean(entries.map((task) => task.performance)),
  };
}

/** Decides the three claims for a run (see the module comment for the rules). */
export function evaluateClaims(input: ClaimInput): Claim[] {
  const names = Object.keys(input.models);
  const molapName = names.find((name) => input.models[name].strategy === 'molap') ?? null;
  if (molapName === null) {
    const reason = 'the run has no MoLaP model (strategy "molap")';
    return (['efficiency', 'robustness', 'generalisation'] as const).map((id) => claim(id, null, [], reason));
  }
  const molap = input.models[molapName];
  const baselines = names.filter((name) => name !== molapName);
  const noBaseline = baselines.length === 0 ? 'the run has no other model to compare MoLaP with' : undefined;

  const efficiencyM = efficiencyOf(molap, input.budget.batchSize);
  const efficiency = baselines.map((name): Comparison => {
    const b = efficiencyOf(input.models[name], input.budget.batchSize);
    const supported =
      efficiencyM.reached > 0 &&
      efficiencyM.reached >= b.reached &&
      efficiencyM.params < b.params &&
      efficiencyM.updates < b.updates;
    return {
      baseline: name,
      supported,
      metric: 'parameter updates until criterion (mean per task)',
      molapValue: efficiencyM.updates,
      baselineValue: b.updates,
      detail: `trainable parameters per task ${fmt(efficiencyM.params)} vs ${fmt(b.params)}; updates until criterion ${fmt(efficiencyM.updates)} vs ${fmt(b.updates)}; criterion reached ${fmt(100 * efficiencyM.reached)} % vs ${fmt(100 * b.reached)} %`,
    };
  });

  const robustness = baselines.flatMap((name): Comparison[] => {
    const shared = sharedPerturbations(molap, input.models[name]);
    if (shared.length === 0) return [];
    const m = meanAuc(molap, shared);
    const b = meanAuc(input.models[name], shared);
    return [
      {
        baseline: name,
        supported: m > b,
        metric: 'mean normalised AUC',
        molapValue: m,
        baselineValue: b,
        detail: `mean AUC ${fmt(m)} vs ${fmt(b)} over ${shared.join(', ')}`,
      },
    ];
  });

  const budgetTrials = input.budget.steps * input.budget.batchSize;
  const generalisationM =
    Object.keys(molap.generalisation).length > 0 ? generalisationOf(molap.generalisation, budgetTrials) : undefined;
  const generalisation = generalisationM
    ? baselines.flatMap((name): Comparison[] => {
        const model = input.models[name];
        const ways: [string, Readonly<Record<string, GeneralisationResults>>][] = [
          [name, model.generalisation],
          ...Object.entries(model.generalisationVariants).map(
            ([variant, entry]): [string, Readonly<Record<string, GeneralisationResults>>] => [
              `${name} (${variant})`,
              entry.tasks,
            ],
          ),
        ];
        return ways
          .filter(([, tasks]) => Object.keys(tasks).length > 0)
          .map(([label, tasks]) => {
            const b = generalisationOf(tasks, budgetTrials);
            const m = generalisationM;
            const supported =
              m.reached >= b.reached &&
              (m.trials < b.trials || (m.trials === b.trials && m.performance > b.performance));
            return {
              baseline: label,
              supported,
              metric: 'trials to criterion on held-out tasks (mean)',
              molapValue: m.trials,
              baselineValue: b.trials,
              detail: `trials to criterion ${fmt(m.trials)} vs ${fmt(b.trials)}; criterion reached ${fmt(100 * m.reached)} % vs ${fmt(100 * b.reached)} %; final performance ${fmt(m.performance)} vs ${fmt(b.performance)}`,
            };
          });
      })
    : [];

  return [
    claim('efficiency', molapName, efficiency, noBaseline),
    claim(
      'robustness',
      molapName,
      robustness,
      noBaseline ?? (robustness.length === 0 ? 'no perturbation was run on both MoLaP and another model' : undefined),
    ),
    claim(
      'generalisation',
      molapName,
      generalisation,
      noBaseline ??
        (input.heldOut.length === 0
          ? 'the run holds no task out of pre-training'
          : generalisation.length === 0
            ? 'no generalisation results to compare'
            : undefined),
    ),
  ];
}
