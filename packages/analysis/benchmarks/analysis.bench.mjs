// Cost of the analysis stages of `analyseModels` for one multitask network: robustness (the built-in suite with
// its default grids and draws), dimensionality and task variance, on trained-for-a-few-steps weights (the cost
// does not depend on how well the network learned).
//
// npm run bench -- analysis [--hidden 256] [--tasks fdgo,reactgo,dm1,contextdm1] [--trials 256] [--threads N] [--json]
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createNativeEngine } from '@molap/backend';
import { createYang19Registry, multitask } from '@molap/baselines';
import { analyseModels, BUILTIN_PERTURBATIONS, strategyModel } from '../dist/index.js';

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
const { results } = await analyseModels({
  models: [strategyModel(multitask, context, { options: { hiddenSize: hidden } })],
  registry: context.tasks,
  tasks,
  seeds: [1],
  budget: { steps: 2, batchSize: 16, evalEvery: 0, evalTrials: 16, criterion: 0.9 },
  analysisTrials: trials,
  analyses: { generalisation: false },
});
await engine.dispose();
const passes =
  tasks.length *
  BUILTIN_PERTURBATIONS.filter((spec) => spec.id !== 'module-lesion').reduce(
    (sum, spec) => sum + spec.defaults.magnitudes.length * spec.defaults.draws,
    0,
  );
const { stages } = results.timings;
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
