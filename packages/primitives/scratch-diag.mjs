import { createEngine, train } from '@molap/backend';
import { createRng, resolveTaskOptions, YANG19_TASKS } from '@molap/tasks';
import {
  bankLayout,
  extractLatents,
  initialModuleParameters,
  moduleConfig,
  moduleSeed,
  moduleTrainingBatch,
  sampleCorpus,
} from './dist/index.js';

const env = process.env;
const ids = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
const tasks = ids.map((id) => YANG19_TASKS[id]);
const p = extractLatents(sampleCorpus({ tasks, seed: 1 }), { k: 8, method: env.METHOD ?? 'cca' });
const layout = bankLayout(tasks[0]);
const engine = await createEngine({ threads: 1 });
const index = Number(env.I ?? 2);
const act = env.ACT ?? 'softplus';
const config = moduleConfig(layout, 32, { activation: act, recurrentNoise: 0.05 });
const seed = moduleSeed(1, index);
const clipping = env.CLIP === 'norm' ? { kind: 'norm', maxNorm: Number(env.CN ?? 1) } : { kind: 'value', value: 1 };
const model = engine.createModel({
  config,
  parameters: initialModuleParameters(config, seed, { recurrentInit: env.INIT ?? 'diag' }),
  adam: { learningRate: Number(env.LR ?? 1e-3) },
  clipping,
});
const resolved = tasks.map((t) => resolveTaskOptions(t, { mode: 'random', batchSize: 32 }));
const root = createRng(seed).fork(1);
let sum = 0,
  n = 0;
const which = [];
const t0 = performance.now();
await train({
  model,
  steps: Number(env.S ?? 3000),
  seed,
  nextBatch: (step) => {
    const rng = root.fork(step);
    const w = rng.integer(tasks.length);
    which[step] = ids[w];
    return moduleTrainingBatch(p, tasks[w].generate(rng.fork(1), resolved[w]), index, 'time');
  },
  onStep: ({ step, loss }) => {
    sum += loss;
    n++;
    if (loss > 5) console.log('  spike', step, which[step], loss.toFixed(2));
    if ((step + 1) % 250 === 0) {
      const P = model.getParameters();
      let mx = 0;
      for (const v of P.recurrentWeights) mx = Math.max(mx, Math.abs(v));
      console.log(step + 1, (sum / n).toFixed(4), 'max|Wrec|', mx.toFixed(2));
      sum = 0;
      n = 0;
    }
  },
});
console.log('s', ((performance.now() - t0) / 1000).toFixed(1));
