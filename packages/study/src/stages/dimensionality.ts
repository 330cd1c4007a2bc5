/**
 * The dimensionality stage: participation ratio and variance explained of the hidden states, per task and
 * pooled, and one example trial per task for the report.
 */
import type { Json } from '../jobs.js';
import type { StudyStage } from './stage.js';

export const dimensionalityStage: StudyStage = Object.freeze<StudyStage>({
  id: 'dimensionality',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Dimensionality',
    description: 'Participation ratio and PCA variance explained of the hidden states on the analysis trials.',
  }),
  defaults: Object.freeze({}),
  analysis: 'dimensionality' as const,
  async run(model, context) {
    const analysis = await import('@molap/analysis');
    const { plan, seed } = context;
    const states = await analysis.stateAnalyses(model, {
      batches: analysis.analysisBatches(context.corpusTasks, {
        trials: plan.analysisTrials,
        seed,
        taskOptions: plan.taskOptions,
      }),
      seed,
      modelName: context.modelName,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return states as unknown as Json;
  },
});
