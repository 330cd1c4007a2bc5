// Latent extraction at corpus size: `npm run bench -- latents [--json] [--rows N]`.
// A synthetic sample shaped like the Yang corpus (65 sensory inputs, 33 targets) with a planted shared
// subspace; times extractLatents (CCA and PCA, k = 8), latentTargets and explainedVariance.
import { explainedVariance, extractLatents, latentTargets } from '../dist/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const rowsFlag = args.indexOf('--rows');
const n = rowsFlag >= 0 ? Number(args[rowsFlag + 1]) : 200_000;
const xDim = 65;
const yDim = 33;
const shared = 12;
const repeats = 5;

let state = 12345;
const uniform = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return (state + 0.5) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
const mixX = Float64Array.from({ length: shared * xDim }, normal);
const mixY = Float64Array.from({ length: shared * yDim }, normal);
const X = new Float32Array(n * xDim);
const Y = new Float32Array(n * yDim);
const z = new Float64Array(shared);
for (let t = 0; t < n; t++) {
  for (let i = 0; i < shared; i++) z[i] = normal();
  for (let c = 0; c < xDim; c++) {
    let sum = 0.3 * normal();
    for (let i = 0; i < shared; i++) sum += z[i] * mixX[i * xDim + c];
    X[t * xDim + c] = sum;
  }
  for (let c = 0; c < yDim; c++) {
    let sum = 0.3 * normal();
    for (let i = 0; i < shared; i++) sum += z[i] * mixY[i * yDim + c];
    Y[t * yDim + c] = sum;
  }
}
const sample = { X, Y, n, xDim, yDim };

function time(run) {
  const times = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    result = run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(repeats / 2)], minMs: times[0], result };
}

const cca = time(() => extractLatents(sample, { method: 'cca', k: 8 }));
const pca = time(() => extractLatents(sample, { method: 'pca', k: 8 }));
const targets = time(() => latentTargets(cca.result, Y));
const explained = time(() => explainedVariance(cca.result, Y));
const rows = [
  ['extractLatents cca k=8', cca],
  ['extractLatents pca k=8', pca],
  ['latentTargets k=8', targets],
  ['explainedVariance k=8', explained],
];
if (json) {
  const out = Object.fromEntries(rows.map(([name, r]) => [name, { medianMs: r.medianMs, minMs: r.minMs }]));
  process.stdout.write(`${JSON.stringify({ n, xDim, yDim, repeats, results: out }, null, 2)}\n`);
} else {
  process.stdout.write(`latents: n = ${n} rows, X ${xDim} + Y ${yDim} channels, median of ${repeats}\n`);
  for (const [name, r] of rows) {
    process.stdout.write(`  ${name.padEnd(26)} ${r.medianMs.toFixed(1).padStart(8)} ms  (min ${r.minMs.toFixed(1)})\n`);
  }
  process.stdout.write(`  ρ (cca) = ${Array.from(cca.result.rho, (r) => r.toFixed(3)).join(' ')}\n`);
}
