/** The task-variance stage: how much each unit's activity varies across the conditions of each task. */
import type { Json } from '../jobs.js';
import type { StudyStage } from './stage.js';

export const taskVarianceStage: StudyStage = Object.freeze<StudyStage>({
  id: 'task-variance',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Task variance',
    description: "Each unit's variance across the test-mode conditions of every corpus task (Yang et al. 2019).",
  }),
  defaults: Object.freeze({}),
  analysis: 'taskVariance' as const,
  async run(model, context) {
    const analysis = await import('@molap/analysis');
    const variance = await analysis.taskVariance(model, {
      tasks: context.corpusTasks,
      taskOptions: context.plan.taskOptions,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return variance as unknown as Json;
  },
});
