#!/usr/bin/env node
// Benchmark `pretrain`: module pre-training across cores. Pre-trains the same bank (the nine-task corpus,
// CCA latents, k modules) with 1 worker and with W workers (default: every core), checks that both banks
// are bit-identical, and prints both wall times and their ratio (every engine has one thread: 1 worker = 1 core). Take the figure on a quiet machine (the
// load average is printed); the target is a ratio of at most 0.6 with 2 workers.
//
//   npm run bench -- pretrain [--workers W] [--steps S] [--batch B] [--k K] [--seed S] [--json]
import { availableParallelism, loadavg } from 'node:os';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { extractLatents, PRETRAIN_PRESETS, pretrainModules, sampleCorpus } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const json = args.includes('--json');
const workers = Number(option('workers', String(availableParallelism())));
const steps = Number(option('steps', String(PRETRAIN_PRESETS.quick.steps)));
const batchSize = Number(option('batch', String(PRETRAIN_PRESETS.quick.batchSize)));
const k = Number(option('k', '8'));
const seed = Number(option('seed', '1'));
const CORPUS = ['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'dm1', 'contextdm1', 'delaydm1', 'dmsgo'];
const log = (line) => {
  if (!json) process.stdout.write(`${line}\n`);
};

const registry = createTaskRegistry({ tasks: yang19 });
const tasks = { registry, ids: CORPUS };
const primitives = extractLatents(sampleCorpus({ tasks, seed }), { k });
const loads = [loadavg()];
log(`pretrain: ${k} modules × ${steps} steps × ${batchSize} trials on ${CORPUS.length} tasks`);

async function timed(count) {
  let mode = '';
  const t0 = performance.now();
  const bank = await pretrainModules({
    tasks,
    primitives,
    seed,
    steps,
    batchSize,
    workers: count,
    engineOptions: { engine: 'native', threads: 1 },
    onProgress: (event) => {
      if (event.type === 'start')
        mode = `${event.mode}, ${event.workers} worker(s)${event.reason ? ` (${event.reason})` : ''}`;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  loads.push(loadavg());
  log(`  ${count} worker(s): ${seconds.toFixed(1)} s (${mode})`);
  return { bank, seconds };
}

const one = await timed(1);
const many = await timed(workers);
const names = Object.keys(one.bank.network.parameters);
const identical = names.every((name) => {
  const a = one.bank.network.parameters[name];
  const b = many.bank.network.parameters[name];
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
});
const ratio = many.seconds / one.seconds;
log(`ratio ${workers} workers / 1 worker: ${ratio.toFixed(3)}; banks bit-identical: ${identical}`);
log(
  `load averages (1, 5, 15 min) at start, after 1 worker, after ${workers}: ${loads.map((l) => l.map((v) => v.toFixed(2)).join(' ')).join(' | ')}`,
);
if (json) {
  process.stdout.write(
    `${JSON.stringify({ suite: 'pretrain', k, steps, batchSize, workers, seconds: { one: one.seconds, many: many.seconds }, ratio, identical, loadAverages: loads, cores: availableParallelism() })}\n`,
  );
}
if (!identical) process.exitCode = 1;
