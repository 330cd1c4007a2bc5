#!/usr/bin/env node
// Benchmark `teacher-latents`: how much of a teacher's task performance k latents carry. The teacher (the
// cached multitask RNN of the seed, see teacher-cache.mjs) runs noise-free on 256 test trials per corpus task;
// its states are replaced by their projection on the span of the k latent directions of an extractor
// (least squares: h ≈ μ + D⁺ᵀ D (h − μ)), and its own readout is applied. No module is involved: this is the
// ceiling a bank's latents put on what the modules can pass on.
//
//   npm run bench -- teacher-latents [--seed 1] [--k 4,8,16,32] [--extractors teacher,teacher-cca] [--cache dir]
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createEngine } from '@molap/backend';
import { evaluationBatch } from '@molap/core';
import { bankLayout, createLatentExtractorRegistry, loadTeacher, teacherModel, teacherStates } from '@molap/primitives';
import { createTaskRegistry, performance, yang19 } from '@molap/tasks';
import { CORPUS, DEFAULT_CACHE, ensureTeacher } from './teacher-cache.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seed = Number(option('seed', '1'));
const ks = option('k', '4,8,16,32').split(',').map(Number);
const extractorIds = option('extractors', 'teacher,teacher-cca').split(',');
const cache = option('cache', DEFAULT_CACHE);
const registry = createTaskRegistry({ tasks: yang19 });
const extractors = createLatentExtractorRegistry();
const engine = await createEngine({ engine: 'native', threads: availableParallelism() });
const teacher = await loadTeacher((await ensureTeacher({ cache, seed, log: console.log })).dir);
const tasks = CORPUS.map((id) => registry.get(id));
const input = { tasks, taskOptions: {}, layout: bankLayout(tasks[0]), seed, teacher, engine };
const model = teacherModel(engine, teacher);
const N = teacher.config.hiddenSize;
const nOut = teacher.config.outputSize;
const { outputWeights, outputBias } = teacher.parameters;

/** The teacher's sigmoid readout of [rows, N] states. */
function readout(states) {
  const rows = states.length / N;
  const out = new Float32Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < nOut; o++) {
      let sum = outputBias[o];
      for (let c = 0; c < N; c++) sum += outputWeights[o * N + c] * states[r * N + c];
      out[r * nOut + o] = 1 / (1 + Math.exp(-sum));
    }
  }
  return out;
}

/** Least-squares projection of the states on the span of the latents' directions D [k, N]. */
function project(latents, states) {
  const { k, stateDirections: D, stateMean: mu } = latents;
  const gram = Array.from({ length: k }, (_, i) =>
    Array.from({ length: 2 * k }, (_, j) => {
      if (j >= k) return i === j - k ? 1 : 0;
      let sum = 0;
      for (let c = 0; c < N; c++) sum += D[i * N + c] * D[j * N + c];
      return sum;
    }),
  );
  for (let i = 0; i < k; i++) {
    const pivot = gram[i][i];
    for (let c = 0; c < 2 * k; c++) gram[i][c] /= pivot;
    for (let r = 0; r < k; r++) {
      if (r === i) continue;
      const f = gram[r][i];
      for (let c = 0; c < 2 * k; c++) gram[r][c] -= f * gram[i][c];
    }
  }
  const inverse = gram.map((row) => row.slice(k));
  const out = new Float32Array(states.length);
  const scores = new Float64Array(k);
  const coefficients = new Float64Array(k);
  for (let r = 0; r < states.length / N; r++) {
    for (let i = 0; i < k; i++) {
      let sum = 0;
      for (let c = 0; c < N; c++) sum += D[i * N + c] * (states[r * N + c] - mu[c]);
      scores[i] = sum;
    }
    for (let i = 0; i < k; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += inverse[i][j] * scores[j];
      coefficients[i] = sum;
    }
    for (let c = 0; c < N; c++) {
      let sum = mu[c];
      for (let i = 0; i < k; i++) sum += coefficients[i] * D[i * N + c];
      out[r * N + c] = sum;
    }
  }
  return out;
}

const batches = new Map(CORPUS.map((id) => [id, evaluationBatch(registry.get(id), { trials: 256, seed: 1_000_003 })]));
const states = new Map();
for (const [id, batch] of batches) states.set(id, await teacherStates(model, batch));
console.log(
  `teacher-latents: seed ${seed}; ${cpus()[0]?.model ?? '?'} × ${availableParallelism()}; load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log(`| states | ${CORPUS.join(' | ')} |`);
console.log(`| --- | ${CORPUS.map(() => '---').join(' | ')} |`);
const row = (label, transform) =>
  console.log(
    `| ${label} | ${CORPUS.map((id) => performance(readout(transform(states.get(id))), batches.get(id)).mean.toFixed(2)).join(' | ')} |`,
  );
row(`all ${N} units`, (s) => s);
for (const id of extractorIds) {
  const extractor = extractors.get(id);
  for (const k of ks) {
    try {
      const latents = await extractor.extract(input, extractor.resolveOptions({ k }));
      row(`${id}, k = ${k}`, (s) => project(latents, s));
    } catch (error) {
      console.log(`| ${id}, k = ${k} | ${error.message.split(':')[0]} |`);
    }
  }
}
model.dispose();
await engine.dispose();
