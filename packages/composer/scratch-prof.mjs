import { YANG19_TASKS } from '@molap/tasks';
import { sensoryBatch, taskSchedule } from './dist/index.js';

const s = taskSchedule({ tasks: [YANG19_TASKS.delaygo], batchSize: 64, seed: 1 });
const ch = Array.from({ length: 65 }, (_, i) => i);
let t0 = performance.now();
for (let i = 0; i < 50; i++) s.batchAt(i);
console.log('batch gen ms', ((performance.now() - t0) / 50).toFixed(2));
const b = s.batchAt(0);
t0 = performance.now();
for (let i = 0; i < 50; i++) sensoryBatch(b, ch);
console.log('sensory ms', ((performance.now() - t0) / 50).toFixed(2));
