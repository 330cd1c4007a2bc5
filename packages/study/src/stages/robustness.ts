/** The robustness stage: performance-vs-magnitude curves of every perturbation of the plan (MoLaP §6). */
import type { PerturbationCurves, PerturbationRegistry, TaskRobustness } from '@molap/analysis';
import type { MultiTaskModel } from '@molap/core';
import type { Task } from '@molap/tasks';
import type { Json } from '../jobs.js';
import type { StudyPlan } from '../plan.js';
import type { StudyStage } from './stage.js';

/** What `planRobustnessCurves` measures, besides the model. */
export interface PlanRobustnessOptions {
  /** The plan: its perturbation suite (`plan.perturbations`), analysis trials and task options. */
  readonly plan: StudyPlan;
  /** Seed of the fixed analysis trials, their noise and the perturbations' draws. */
  readonly seed: number;
  /** The tasks to measure, in report order (a study: the corpus; a saved model: the tasks it learned). */
  readonly tasks: readonly Task[];
  /** Where the plan's perturbation ids are looked up. */
  readonly perturbations: PerturbationRegistry;
  /** Each task's curve under each perturbation, as soon as it is measured. */
  readonly onCurve?: (perturbationId: string, curve: TaskRobustness) => void | Promise<void>;
  /** Stops between evaluations; the call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * The plan's perturbation suite on one trained model: every perturbation of `plan.perturbations`, each
 * magnitude of its grid, on the fixed analysis trials of the seed (`analysisBatches`, `plan.analysisTrials`
 * trials per task). The robustness stage of a study and `molap perturb` on a saved model both measure this,
 * so a saved model of a run folder gives the run's own curves.
 * @returns one entry per perturbation, in plan order: the mean performance at each magnitude and each task's
 *   curve with its normalised area under the curve.
 */
export async function planRobustnessCurves(
  model: MultiTaskModel,
  options: PlanRobustnessOptions,
): Promise<PerturbationCurves[]> {
  const analysis = await import('@molap/analysis');
  const { plan, seed } = options;
  return analysis.robustnessCurves(model, {
    perturbations: plan.perturbations.map(({ id, ...grid }) => ({ spec: options.perturbations.get(id), ...grid })),
    batches: analysis.analysisBatches(options.tasks, {
      trials: plan.analysisTrials,
      seed,
      taskOptions: plan.taskOptions,
    }),
    noiseSeed: (taskId) => analysis.analysisNoiseSeed(seed, taskId),
    seed,
    ...(options.onCurve ? { onCurve: options.onCurve } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export const robustnessStage: StudyStage = Object.freeze<StudyStage>({
  id: 'robustness',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Robustness',
    description: "Performance under each perturbation of the plan's suite, magnitude by magnitude, on fixed trials.",
  }),
  defaults: Object.freeze({}),
  analysis: 'robustness' as const,
  async run(model, context) {
    const curves = await planRobustnessCurves(model, {
      plan: context.plan,
      seed: context.seed,
      tasks: context.corpusTasks,
      perturbations: context.perturbations,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return curves as unknown as Json;
  },
});
