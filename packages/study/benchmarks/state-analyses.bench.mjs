#!/usr/bin/env node
// Benchmark `state-analyses`: the dimensionality stage of one trained model of a run folder, its analysis
// batches evaluated `trialsAtOnce` trials at a time, for each given value in a process of its own. Reports each
// process's peak resident set (the kernel's high-water mark) before and after the stage, the stage's seconds,
// and whether every value gives the same dimensionality and example trials as the first, to the bit (they
// must: each part draws the recurrent noise its trials have in the whole batch).
//
//   npm run bench -- state-analyses --run <run folder> [--model molap] [--seed 1] [--trials-at-once 128,64,32] [--json]
//
// The run folder needs the model's trained job (state/jobs/train/<model>/seed-<seed>). The stage's trials are
// the run's: its corpus tasks, `analysisTrials` per task, its task options.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

if (args[0] === '--child') {
  // One measurement: node state-analyses.bench.mjs --child <run> <model> <seed> <trialsAtOnce> <out file>
  const [, runDir, modelName, seedText, atOnceText, out] = args;
  const seed = Number(seedText);
  const { createEngine } = await import('@molap/backend');
  const { createTaskRegistry, yang19 } = await import('@molap/tasks');
  const analysis = await import('@molap/analysis');
  const study = await import('@molap/study');
  const { plan } = await study.readRunRecord(runDir);
  const spec = plan.models.find((model) => model.name === modelName);
  if (!spec)
    throw new Error(`the run has no model '${modelName}' (it has ${plan.models.map((m) => m.name).join(', ')})`);
  const registry = createTaskRegistry({ tasks: yang19 });
  const engine = await createEngine({ engine: 'native', threads: plan.backend?.threads ?? 2 });
  const strategies = await study.createBuiltinStrategyRegistry();
  const dir = join(runDir, 'state', 'jobs', 'train', modelName, `seed-${seed}`, 'files', 'model');
  const model = await strategies.get(spec.strategy).load(dir, { engine, tasks: registry });
  const before = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  const states = await analysis.stateAnalyses(model, {
    batches: analysis.analysisBatches(
      plan.corpus.map((id) => registry.get(id)),
      { trials: plan.analysisTrials, seed, taskOptions: plan.taskOptions },
    ),
    seed,
    modelName,
    trialsAtOnce: Number(atOnceText),
  });
  const seconds = (performance.now() - start) / 1000;
  const after = process.resourceUsage().maxRSS * 1024;
  writeFileSync(out, JSON.stringify({ seconds, before, after, states }));
  await model.dispose();
  await engine.dispose();
  process.exit(0);
}

const runDir = option('run');
if (!runDir) {
  process.stderr.write('give a run folder: npm run bench -- state-analyses --run <run folder> (see --help)\n');
  process.exit(2);
}
const modelName = option('model', 'molap');
const seed = option('seed', '1');
const values = option('trials-at-once', '128,64,32').split(',').map(Number);
const json = args.includes('--json');
const scratch = mkdtempSync(join(tmpdir(), 'molap-state-analyses-'));
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
const loadBefore = loadavg()[0];
const rows = [];
let first;
try {
  for (const atOnce of values) {
    const out = join(scratch, `${atOnce}.json`);
    const child = spawnSync(
      process.execPath,
      [new URL(import.meta.url).pathname, '--child', runDir, modelName, seed, String(atOnce), out],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    const states = JSON.stringify(result.states);
    first ??= states;
    rows.push({
      trialsAtOnce: atOnce,
      seconds: Number(result.seconds.toFixed(1)),
      peakBytesBefore: result.before,
      peakBytesAfter: result.after,
      sameAsFirst: states === first,
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadBefore, loadAfter: loadavg()[0] };
if (json) {
  for (const row of rows)
    process.stdout.write(`${JSON.stringify({ model: modelName, seed: Number(seed), ...row, machine })}\n`);
} else {
  process.stdout.write(
    `dimensionality stage of ${modelName}, seed ${seed}, ${machine.cpu} (${machine.cores} cores), load ${machine.loadBefore.toFixed(1)} → ${machine.loadAfter.toFixed(1)}\n`,
  );
  process.stdout.write('| trials at once | seconds | peak before | peak after | same figures as the first |\n');
  process.stdout.write('| ---: | ---: | ---: | ---: | --- |\n');
  for (const row of rows) {
    process.stdout.write(
      `| ${row.trialsAtOnce} | ${row.seconds} | ${mib(row.peakBytesBefore)} MiB | ${mib(row.peakBytesAfter)} MiB | ${row.sameAsFirst ? 'yes, to the bit' : '**no**'} |\n`,
    );
  }
}
if (rows.some((row) => !row.sameAsFirst)) process.exit(1);
