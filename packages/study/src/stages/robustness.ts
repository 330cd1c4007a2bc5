/** The robustness stage: performance-vs-magnitude curves of every perturbation of the plan (MoLaP §6). */
import type { Json } from '../jobs.js';
import type { StudyStage } from './stage.js';

export const robustnessStage: StudyStage = Object.freeze<StudyStage>({
  id: 'robustness',
  version: 1,
  meta: Object.freeze({
    displayName: 'Robustness',
    description: "Performance under each perturbation of the plan's suite, magnitude by magnitude, on fixed trials.",
  }),
  defaults: Object.freeze({}),
  analysis: 'robustness' as const,
  async run(model, context) {
    const analysis = await import('@molap/analysis');
    const { plan, seed } = context;
    const curves = await analysis.robustnessCurves(model, {
      perturbations: plan.perturbations.map(({ id, ...grid }) => ({ spec: context.perturbations.get(id), ...grid })),
      batches: analysis.analysisBatches(context.corpusTasks, {
        trials: plan.analysisTrials,
        seed,
        taskOptions: plan.taskOptions,
      }),
      noiseSeed: (taskId) => analysis.analysisNoiseSeed(seed, taskId),
      seed,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return curves as unknown as Json;
  },
});
