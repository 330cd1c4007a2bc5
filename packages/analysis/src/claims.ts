/**
 * The three claims of the MoLaP paper, decided for one run from its results by explicit rules. MoLaP is the
 * model the input names as its `subject` (a study names the first model whose strategy takes the pre-trained
 * module bank); it is compared with every other model of the run (random-modules included), and a claim is `supported` when it holds against every one of them, `mixed` when against some,
 * `not-supported` when against none, `not-tested` when the run cannot decide it (no MoLaP model, no other
 * model, no held-out tasks, no perturbation both models went through, no task both learned).
 *
 * Each comparison is decided on the difference MoLaP − baseline of a per-seed, per-task figure, with its
 * 95 % bootstrap interval over seeds × tasks (`bootstrapMean`): it holds only when the interval excludes 0
 * on MoLaP's side. With one seed the interval is over tasks only.
 *
 * Rules (per comparison of MoLaP M with a baseline B):
 * - **Efficiency** (corpus tasks): M trains no more parameters per task than B (mean over tasks; equal is
 *   allowed: random modules have MoLaP's architecture by construction), spends fewer parameter updates
 *   until criterion (per task and seed: trainable parameters × steps to criterion, or × all steps spent
 *   when the criterion was never reached; interval below 0), and reaches the criterion at least as often
 *   (fraction of task-seed pairs) and at least once (few updates spent on tasks never learned are no
 *   efficiency).
 * - **Robustness**: M's relative AUC (area under p(m) / p(0)) is higher, over the perturbations neither
 *   model skipped (per task and seed: the mean over those perturbations) and the task-seed pairs both
 *   models learned to the floor (unperturbed performance at least `relativeFloor`); interval above 0.
 *   The absolute AUC over every task-seed pair is reported as a second row and does not decide.
 * - **Generalisation** (held-out tasks; every way B learns them counts as a separate baseline): M reaches
 *   the criterion at least as often, and needs fewer trials to it (per task and seed; the whole budget's
 *   trials when never reached; interval below 0) or, when every pair needs the same trials, ends at a
 *   higher performance (interval above 0).
 */
import { MolapError } from '@molap/core';
import type { Interval } from './bootstrap.js';
import { mean, normalisedAuc } from './curves.js';
import {
  byTaskAndSeed,
  fmt,
  formatDifference,
  intervalExtent,
  pairedFigure,
  rowOf,
  type Secondary,
  type SeedTaskValues,
} from './paired.js';
import type {
  Claim,
  ClaimComparison,
  ClaimVerdict,
  GeneralisationResults,
  ModelResults,
  PerTaskResults,
  Results,
} from './schema.js';

/** The claims as the paper states them. */
export const CLAIM_STATEMENTS: Readonly<Record<Claim['id'], string>> = Object.freeze({
  efficiency: 'Many tasks are learned with few trainable parameters and few parameter updates per task.',
  robustness: 'Learned skills are more robust to a broad range of perturbations than with other multi-task strategies.',
  generalisation: 'New tasks, held out of pre-training, are learned more easily.',
});

const INTERVAL_RULE =
  'A difference counts only when its 95 % bootstrap interval over seeds × tasks (MoLaP − baseline) excludes 0.';

/** The decision rules in words (also in the README). */
export const CLAIM_RULES: Readonly<Record<Claim['id'], string>> = Object.freeze({
  efficiency: `Against each baseline: no more trainable parameters per task (equal allowed), fewer parameter updates until criterion (trainable × steps to criterion; all steps spent when never reached; per corpus task and seed), and the criterion reached at least as often, and at least once. ${INTERVAL_RULE}`,
  robustness: `Against each baseline: a higher relative AUC (area under performance ÷ unperturbed performance), per task and seed averaged over the perturbations neither model skipped, over the task-seed pairs both models learned to the floor; the absolute AUC is shown as a second row and does not decide. ${INTERVAL_RULE}`,
  generalisation: `Against each baseline and each way it learns new tasks: the criterion reached at least as often on the held-out tasks, and fewer trials to criterion (the whole budget’s trials when never reached; per task and seed), or, when every pair needs the same trials, a higher final performance. ${INTERVAL_RULE}`,
});

/** What the claims need from a run. */
export type ClaimInput = Pick<Results, 'models' | 'budget' | 'heldOut'> & {
  /**
   * Name of the model the claims are about (MoLaP), one of `models`; null when the run has none. A study
   * names the first model whose strategy takes the pre-trained module bank (`claimsSubject` of @molap/study);
   * results.json records it as each claim's `molap`.
   */
  readonly subject: string | null;
};

type Comparison = ClaimComparison;

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

const updatesOf = (task: PerTaskResults, trialsToCriterion: number | null, batchSize: number) =>
  trialsToCriterion === null
    ? task.trainableParams * task.steps
    : task.trainableParams * (trialsToCriterion / batchSize);

/** Efficiency numbers of one model over its corpus tasks (means over tasks and seeds). */
export function efficiencyOf(
  model: ModelResults,
  batchSize: number,
): { params: number; updates: number; reached: number } {
  const tasks = Object.values(model.perTask);
  const costs = tasks.flatMap((task) => task.perSeed.map((seed) => updatesOf(task, seed.trialsToCriterion, batchSize)));
  return {
    params: mean(tasks.map((task) => task.trainableParams)),
    updates: mean(costs),
    reached: mean(tasks.map((task) => task.reachedCriterion)),
  };
}

/** Updates until criterion per seed and corpus task (see `efficiencyOf`). */
export function updatesBySeed(model: ModelResults, batchSize: number): SeedTaskValues {
  return byTaskAndSeed(model.perTask, (taskId, index) => {
    const task = model.perTask[taskId];
    return updatesOf(task, task.perSeed[index].trialsToCriterion, batchSize);
  });
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

/**
 * Per seed (index in the run's `seeds`) and task, the mean over `perturbations` of the relative AUC (null
 * when the pair is below the floor) or of the absolute AUC.
 */
export function robustnessBySeed(
  model: ModelResults,
  perturbations: readonly string[],
  measure: 'relative' | 'absolute',
): SeedTaskValues {
  const values = new Map<number, Map<string, number | null>>();
  const first = model.robustness[perturbations[0]];
  if (!first) return values;
  for (const taskId of Object.keys(first.perTask)) {
    const seeds = first.perTask[taskId].perSeed.length;
    for (let s = 0; s < seeds; s++) {
      const aucs = perturbations.map((id) => {
        const entry = model.robustness[id].perTask[taskId];
        if (!entry) return null;
        return measure === 'relative'
          ? (entry.perSeedRelativeAuc[s] ?? null)
          : normalisedAuc(model.robustness[id].magnitudes, entry.perSeed[s]);
      });
      rowOf(values, s).set(taskId, aucs.some((auc) => auc === null) ? null : mean(aucs as number[]));
    }
  }
  return values;
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

const decidedText = (f: { difference: Interval | null }, baseline: string) =>
  f.difference === null
    ? 'no seed-task pair to compare'
    : `${formatDifference(baseline, f.difference)}, ${intervalExtent(f.difference)}`;

const secondaryOf = ({ favours: _, ...rest }: Secondary & { favours: boolean }): Secondary => rest;

/** Decides the three claims for a run (see the module comment for the rules). */
export function evaluateClaims(input: ClaimInput): Claim[] {
  const names = Object.keys(input.models);
  const molapName = input.subject;
  if (molapName === null) {
    const reason = 'the run has no MoLaP model (no model whose strategy takes the pre-trained module bank)';
    return (['efficiency', 'robustness', 'generalisation'] as const).map((id) => claim(id, null, [], reason));
  }
  if (!Object.hasOwn(input.models, molapName)) {
    throw new MolapError('unknown-id', `the claims' subject "${molapName}" is not a model of the run`, {
      hint: `name one of the run's models (${names.join(', ')}), or null when the run has no MoLaP model`,
    });
  }
  const molap = input.models[molapName];
  const baselines = names.filter((name) => name !== molapName);
  const noBaseline = baselines.length === 0 ? 'the run has no other model to compare MoLaP with' : undefined;
  const { batchSize } = input.budget;

  const efficiencyM = efficiencyOf(molap, batchSize);
  const updatesM = updatesBySeed(molap, batchSize);
  const efficiency = baselines.map((name): Comparison => {
    const model = input.models[name];
    const b = efficiencyOf(model, batchSize);
    const updates = pairedFigure(
      `efficiency/${name}`,
      'parameter updates until criterion (per task and seed)',
      'lower',
      updatesM,
      updatesBySeed(model, batchSize),
    );
    const supported =
      efficiencyM.reached > 0 && efficiencyM.reached >= b.reached && efficiencyM.params <= b.params && updates.favours;
    return {
      baseline: name,
      supported,
      metric: updates.metric,
      molapValue: updates.molapValue,
      baselineValue: updates.baselineValue,
      difference: updates.difference,
      better: 'lower',
      detail: `updates until criterion ${decidedText(updates, name)}; trainable parameters per task ${fmt(efficiencyM.params)} vs ${fmt(b.params)}; criterion reached ${fmt(100 * efficiencyM.reached)} % vs ${fmt(100 * b.reached)} %`,
      secondary: [],
    };
  });

  const robustness = baselines.flatMap((name): Comparison[] => {
    const model = input.models[name];
    const shared = sharedPerturbations(molap, model);
    if (shared.length === 0) return [];
    const relative = pairedFigure(
      `robustness/${name}`,
      'relative AUC (tasks both learned to the floor)',
      'higher',
      robustnessBySeed(molap, shared, 'relative'),
      robustnessBySeed(model, shared, 'relative'),
    );
    const absolute = pairedFigure(
      `robustness-absolute/${name}`,
      'absolute AUC (every task)',
      'higher',
      robustnessBySeed(molap, shared, 'absolute'),
      robustnessBySeed(model, shared, 'absolute'),
    );
    return [
      {
        baseline: name,
        supported: relative.favours,
        metric: relative.metric,
        molapValue: relative.molapValue,
        baselineValue: relative.baselineValue,
        difference: relative.difference,
        better: 'higher',
        detail: `relative AUC ${relative.difference === null ? 'undecided: no task learned to the floor by both models in any seed' : decidedText(relative, name)}; absolute AUC ${decidedText(absolute, name)}; over ${shared.join(', ')}`,
        secondary: [secondaryOf(absolute)],
      },
    ];
  });

  const budgetTrials = input.budget.steps * input.budget.batchSize;
  const trialsBySeed = (tasks: Readonly<Record<string, GeneralisationResults>>) =>
    byTaskAndSeed(tasks, (taskId, index) => tasks[taskId].perSeed[index].trialsToCriterion ?? budgetTrials);
  const performanceBySeed = (tasks: Readonly<Record<string, GeneralisationResults>>) =>
    byTaskAndSeed(tasks, (taskId, index) => tasks[taskId].perSeed[index].performance);
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
          .map(([label, tasks]): Comparison => {
            const b = generalisationOf(tasks, budgetTrials);
            const m = generalisationM;
            const trials = pairedFigure(
              `generalisation/${label}`,
              'trials to criterion on held-out tasks (per task and seed)',
              'lower',
              trialsBySeed(molap.generalisation),
              trialsBySeed(tasks),
            );
            const performance = pairedFigure(
              `generalisation-performance/${label}`,
              'final performance on held-out tasks',
              'higher',
              performanceBySeed(molap.generalisation),
              performanceBySeed(tasks),
            );
            const tie = trials.difference !== null && trials.difference.low === 0 && trials.difference.high === 0;
            const supported = m.reached >= b.reached && (trials.favours || (tie && performance.favours));
            return {
              baseline: label,
              supported,
              metric: trials.metric,
              molapValue: trials.molapValue,
              baselineValue: trials.baselineValue,
              difference: trials.difference,
              better: 'lower',
              detail: `${tie ? 'equal trials to criterion in every pair, so the final performance decides; ' : ''}trials to criterion ${decidedText(trials, label)}; criterion reached ${fmt(100 * m.reached)} % vs ${fmt(100 * b.reached)} %; final performance ${decidedText(performance, label)}`,
              secondary: [secondaryOf(performance)],
            };
          });
      })
    : [];

  const robustnessReason =
    robustness.length === 0
      ? 'no perturbation was run on both MoLaP and another model'
      : robustness.every((comparison) => comparison.difference === null)
        ? 'no corpus task was learned to the floor (unperturbed performance ≥ relativeFloor) by MoLaP and a baseline in the same seed'
        : undefined;
  return [
    claim('efficiency', molapName, efficiency, noBaseline),
    claim('robustness', molapName, robustness, noBaseline ?? robustnessReason),
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
