import { YANG19_TASKS } from '@molap/tasks';
import { buildModuleBank, describeModuleBank } from './dist/index.js';

const ids = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
const t0 = performance.now();
const bank = await buildModuleBank({
  tasks: ids.map((id) => YANG19_TASKS[id]),
  seed: 1,
  steps: Number(process.env.STEPS ?? 300),
  batchSize: Number(process.env.B ?? 32),
  learningRate: Number(process.env.LR ?? 3e-3),
  workers: Number(process.env.W ?? 2),
  maskWeighting: process.env.MW ?? 'time',
  corpus: process.env.HIST ? { historyTimeConstants: [100, 500] } : {},
  latents: { k: Number(process.env.K ?? 8), method: process.env.METHOD ?? 'cca' },
  onProgress: (e) => {
    if (e.type !== 'loss' || e.step % 500 === 0) console.log(JSON.stringify(e));
  },
});
console.log(describeModuleBank(bank));
console.log('seconds', ((performance.now() - t0) / 1000).toFixed(1));
