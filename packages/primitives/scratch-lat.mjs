import { YANG19_TASKS } from '@molap/tasks';
import { extractLatents, latentTargets, sampleCorpus } from './dist/index.js';

const ids = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
for (const hist of [false, true]) {
  const s = sampleCorpus({
    tasks: ids.map((id) => YANG19_TASKS[id]),
    seed: 1,
    ...(hist ? { historyTimeConstants: [100, 500] } : {}),
  });
  const p = extractLatents(s, { k: 8, method: process.env.METHOD ?? 'cca' });
  const V = latentTargets(p, s.Y);
  console.log(
    'hist',
    hist,
    'rho',
    Array.from(p.rho)
      .map((x) => x.toFixed(3))
      .join(' '),
  );
  let off = 0;
  for (const t of s.perTask) {
    const line = [];
    for (let i = 0; i < 8; i++) {
      let mx = 0,
        ss = 0;
      for (let r = off; r < off + t.rows; r++) {
        const v = V[r * 8 + i];
        mx = Math.max(mx, Math.abs(v));
        ss += v * v;
      }
      line.push(`${Math.sqrt(ss / t.rows).toFixed(2)}/${mx.toFixed(1)}`);
    }
    console.log(t.taskId.padEnd(11), line.join(' '));
    off += t.rows;
  }
  for (let i = 0; i < 3; i++)
    console.log(
      'b',
      i,
      Array.from(p.yDirections.slice(i * 33, i * 33 + 33))
        .map((x) => x.toFixed(2))
        .join(' '),
    );
}
