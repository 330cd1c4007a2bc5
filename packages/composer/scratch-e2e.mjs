import { existsSync } from 'node:fs';
import { createEngine } from '@molap/backend';
import {
  bankLayout,
  buildModuleBank,
  createRandomModuleBank,
  describeModuleBank,
  loadModuleBank,
  saveModuleBank,
} from '@molap/primitives';
import { createTaskRegistry, YANG19_TASKS, yang19 } from '@molap/tasks';
import { createMolap } from './dist/index.js';

const env = process.env;
const corpus = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
const bankName = env.BANK ?? 'default';
const dir = `/tmp/molap-scratch/banks/${bankName}`;
let bank;
const t0 = performance.now();
if (env.RANDOM) {
  bank = createRandomModuleBank({
    layout: bankLayout(YANG19_TASKS.fdgo),
    k: Number(env.K ?? 8),
    moduleSize: Number(env.M ?? 32),
    seed: 1,
    recurrentInit: env.INIT ?? 'diag',
  });
} else if (existsSync(`${dir}/bank.json`)) bank = await loadModuleBank(dir);
else {
  bank = await buildModuleBank({
    tasks: corpus.map((id) => YANG19_TASKS[id]),
    seed: 1,
    steps: Number(env.STEPS ?? 1000),
    batchSize: Number(env.PB ?? 32),
    learningRate: Number(env.PLR ?? 1e-3),
    workers: 2,
    moduleSize: Number(env.M ?? 32),
    maskWeighting: env.MW ?? 'time',
    recurrentInit: env.INIT ?? 'diag',
    corpus: env.HIST ? { historyTimeConstants: [100, 500] } : {},
    latents: {
      k: Number(env.K ?? 8),
      method: env.METHOD ?? 'cca',
      ...(env.REG ? { regularization: Number(env.REG) } : {}),
    },
  });
  await saveModuleBank(dir, bank);
  console.log('pretrain seconds', ((performance.now() - t0) / 1000).toFixed(1));
}
console.log(describeModuleBank(bank));
const engine = await createEngine({ threads: Number(env.T ?? 2) });
const model = createMolap(
  bank,
  { engine, tasks: createTaskRegistry({ tasks: yang19 }) },
  { trainable: env.MODE ?? 'input+readout', learningRate: Number(env.LR ?? 1e-3), readoutInit: env.RINIT ?? 'glorot' },
);
const tasks = (env.TASKS ?? 'fdgo,fdanti,delaygo').split(',');
const budget = {
  steps: Number(env.S ?? 300),
  batchSize: Number(env.B ?? 64),
  evalEvery: Number(env.EE ?? 100),
  evalTrials: 256,
  criterion: 0.9,
};
const t1 = performance.now();
const records = await model.learn(tasks, budget, { seed: 1 });
for (const r of records)
  console.log(r.taskId.padEnd(11), r.curve.map((p) => p.performance.toFixed(2)).join(' '), 'loss', r.loss.toFixed(4));
console.log(
  'mean',
  (records.reduce((a, r) => a + r.performance, 0) / records.length).toFixed(3),
  'learn seconds',
  ((performance.now() - t1) / 1000).toFixed(1),
);
await model.dispose();
await engine.dispose();
