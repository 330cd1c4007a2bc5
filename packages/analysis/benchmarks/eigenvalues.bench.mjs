// Eigenvalues of a hidden-state covariance, the step of the dimensionality analysis that grows as N³:
// `symmetricEigenvalues` (Householder tridiagonalisation, then implicit QL) against the cyclic Jacobi method
// it replaced (the reference, kept here), on the same covariance, in the same run. Also the cost of filling
// the covariance (CovarianceAccumulator.addStates) for one task's analysis batch.
//
// npm run bench -- eigenvalues [--sizes 128,256,512] [--trials 128] [--steps 100] [--repeats 3] [--json]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CovarianceAccumulator, symmetricEigenvalues } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '128,256,512' },
    trials: { type: 'string', default: '128' },
    steps: { type: 'string', default: '100' },
    repeats: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const trials = Number(values.trials);
const steps = Number(values.steps);
const repeats = Number(values.repeats);

/** The cyclic Jacobi method, as molap used it up to 2026-12 (the reference of this benchmark). */
function jacobiEigenvalues(matrix, n) {
  const a = Float64Array.from(matrix);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * a[i];
  const tolerance = 1e-24 * total;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const result = new Float64Array(n);
  for (let i = 0; i < n; i++) result[i] = a[i * n + i];
  return result.sort().reverse();
}

/** States [T, B, N] of a smooth low-dimensional random walk through softplus units (like trained RNN states). */
function syntheticStates(n, seed) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  const latent = 12;
  const mixing = Float64Array.from({ length: latent * n }, next);
  const states = new Float32Array(steps * trials * n);
  const z = new Float64Array(latent);
  for (let b = 0; b < trials; b++) {
    z.fill(0);
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < latent; k++) z[k] = 0.95 * z[k] + next();
      for (let i = 0; i < n; i++) {
        let x = 0.1 * next();
        for (let k = 0; k < latent; k++) x += mixing[k * n + i] * z[k];
        states[(t * trials + b) * n + i] = Math.log1p(Math.exp(x));
      }
    }
  }
  return states;
}

const best = (run) => {
  let fastest = Number.POSITIVE_INFINITY;
  let result;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    result = run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, result };
};

const rows = [];
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; load ${loadavg()
  .map((v) => v.toFixed(2))
  .join(' ')}`;
for (const n of sizes) {
  const states = syntheticStates(n, n);
  const trialSteps = new Array(trials).fill(steps);
  const fill = best(() => {
    const accumulator = new CovarianceAccumulator(n);
    accumulator.addStates(states, steps, trials, trialSteps);
    return accumulator;
  });
  const covariance = fill.result.covariance();
  const householder = best(() => symmetricEigenvalues(covariance, n));
  const jacobi = best(() => jacobiEigenvalues(covariance, n));
  let difference = 0;
  const scale = jacobi.result[0];
  for (let i = 0; i < n; i++)
    difference = Math.max(difference, Math.abs(householder.result[i] - jacobi.result[i]) / scale);
  rows.push({
    units: n,
    fillMs: fill.ms,
    householderQlMs: householder.ms,
    jacobiMs: jacobi.ms,
    speedup: jacobi.ms / householder.ms,
    maxDifferenceRelativeToLargest: difference,
  });
}
if (values.json) {
  process.stdout.write(`${JSON.stringify({ machine, trials, steps, repeats, rows }, null, 2)}\n`);
} else {
  process.stdout.write(
    `eigenvalues: ${trials} trials × ${steps} steps per covariance, best of ${repeats}; ${machine}\n\n`,
  );
  process.stdout.write(
    '| units | fill covariance ms | Householder + QL ms | Jacobi ms (reference) | Jacobi / new | max |Δλ| / λ₁ |\n',
  );
  process.stdout.write('| --- | --- | --- | --- | --- | --- |\n');
  for (const row of rows) {
    process.stdout.write(
      `| ${row.units} | ${row.fillMs.toFixed(0)} | ${row.householderQlMs.toFixed(1)} | ${row.jacobiMs.toFixed(0)} | ${row.speedup.toFixed(1)}× | ${row.maxDifferenceRelativeToLargest.toExponential(1)} |\n`,
    );
  }
}
