// Cost of the analyses of a study for one multitask network: robustness (the built-in suite with
// its default grids and draws), dimensionality and task variance, on trained-for-a-few-steps weights (the cost
// does not depend on how well the network learned).
//
// npm run bench -- analysis [--hidden 256] [--tasks fdgo,reactgo,dm1,contextdm1] [--trials 256] [--threads N] [--json]
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createNativeEngine } from '@molap/backend';
import { createYang19Registry, multitask } from '@molap/baselines';
import {
  analysisBatches,
  analysisNoiseSeed,
  BUILTIN_PERTURBATIONS,
  robustnessCurves,
  stateAnalyses,
  taskVariance,
} from '../dist/index.js';

const { values } = parseArgs({
  options: {
    hidden: { type: 'string', default: '256' },
    tasks: { type: 'string', default: 'fdgo,reactgo,dm1,contextdm1' },
    trials: { type: 'string', default: '256' },
    threads: { type: 'string', default: String(availableParallelism()) },
    json: { type: 'boolean', default: false },
  },
});
const hidden = Number(values.hidden);
const tasks = values.tasks.split(',');
const trials = Number(values.trials);
const engine = await createNativeEngine({ threads: Number(values.threads) });
const context = { engine, tasks: createYang19Registry() };
const load = loadavg()[0];
const model = await multitask.create(context, { hiddenSize: hidden });
await model.learn(tasks, { steps: 2, batchSize: 16, evalEvery: 0, evalTrials: 16, criterion: 0.9 }, { seed: 1 });
const corpus = tasks.map((id) => context.tasks.get(id));
const batches = () => analysisBatches(corpus, { trials, seed: 1 });
const timed = async (run) => {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
};
const stages = {
  robustness: await timed(() =>
    robustnessCurves(model, {
      perturbations: BUILTIN_PERTURBATIONS.map((spec) => ({ spec })),
      batches: batches(),
      noiseSeed: (taskId) => analysisNoiseSeed(1, taskId),
      seed: 1,
    }),
  ),
  dimensionality: await timed(() => stateAnalyses(model, { batches: batches(), seed: 1, modelName: 'multitask' })),
  taskVariance: await timed(() => taskVariance(model, { tasks: corpus })),
};
await model.dispose();
await engine.dispose();
const passes =
  tasks.length *
  BUILTIN_PERTURBATIONS.filter((spec) => spec.id !== 'module-lesion').reduce(
    (sum, spec) => sum + spec.defaults.magnitudes.length * spec.defaults.draws,
    0,
  );
const report = {
  hidden,
  tasks,
  trials,
  threads: Number(values.threads),
  loadAverage: load,
  seconds: { robustness: stages.robustness, dimensionality: stages.dimensionality, taskVariance: stages.taskVariance },
  robustnessPasses: passes,
  robustnessPassesPerSecond: passes / stages.robustness,
};
if (values.json) console.log(JSON.stringify(report));
else {
  console.log(
    `multitask, ${hidden} units, ${tasks.length} tasks, ${trials} trials per task, ${report.threads} threads (load ${load.toFixed(2)})`,
  );
  console.log(
    `robustness     ${stages.robustness.toFixed(2)} s  (${passes} evaluations, ${report.robustnessPassesPerSecond.toFixed(1)}/s)`,
  );
  console.log(`dimensionality ${stages.dimensionality.toFixed(2)} s`);
  console.log(`task variance  ${stages.taskVariance.toFixed(2)} s`);
}
