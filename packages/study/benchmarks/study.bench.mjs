#!/usr/bin/env node
// Benchmark `study`: a profile of one whole study. Runs `molap run` (the real binary, local executor, in a
// scratch project) and reports where the time went: wall and CPU time of the process, peak memory (resident
// set), then per stage and per model the seconds of the jobs, split into the work phases the run recorded
// (task batches, training steps, evaluations, file writes; "other" is the rest: model set-up, analyses that
// are not evaluations, and work in worker threads such as module pre-training), and the training steps per
// second of every model, and the jobs that raised the process's peak memory (each job records the process's
// resident-set high-water mark when it starts and ends; with `--jobs` above 1 a rise cannot be told apart
// between the jobs running at once).
//
//   npm run bench -- study [--preset quick|standard] [--config molap.config.json] [--json]
//   npm run bench -- study --run <run folder>      # profile a finished run folder instead (no wall/CPU/memory)
//   npm run bench -- study --preset standard -- --seeds 2   # flags after `--` go to `molap run`
//
// Wall time, CPU time and peak memory are sampled from /proc every 250 ms (Linux; elsewhere they are not
// shown); peak memory is the kernel's high-water mark of the process (VmHWM), which covers worker threads.
// Prints the machine load before and after: on a shared machine the figures are only comparable at a low load.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const binary = join(root, 'packages/cli/bin/molap.js');
const dashDash = process.argv.indexOf('--');
const args = process.argv.slice(2, dashDash >= 0 ? dashDash : undefined);
const runFlags = dashDash >= 0 ? process.argv.slice(dashDash + 1) : [];
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const json = args.includes('--json');
const existingRun = option('run');
const configFile = option('config');
const preset = option('preset', configFile || existingRun ? undefined : 'quick');
const PHASES = ['batches', 'training', 'evaluation', 'files'];
const TICKS_PER_SECOND = 100; // USER_HZ of Linux /proc/<pid>/stat

/** Resident-set high-water mark (bytes) and CPU seconds (user + system, all threads) of a process, from /proc. */
function sampleProcess(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    return { peakBytes: hwm ? Number(hwm[1]) * 1024 : undefined, cpuSeconds };
  } catch {
    return undefined; // not Linux, or the process has just ended
  }
}

/** Runs `molap run` in a scratch project; returns the run folder and the process figures. */
function runStudy() {
  const scratch = mkdtempSync(join(tmpdir(), 'molap-bench-profile-'));
  writeFileSync(join(scratch, 'molap.config.json'), configFile ? readFileSync(resolve(configFile), 'utf8') : '{}');
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const argv = [binary, 'run', ...(preset ? ['--preset', preset] : []), '--json', '--out', 'runs', ...runFlags];
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let last;
    let peakBytes;
    const timer = setInterval(() => {
      last = sampleProcess(child.pid) ?? last;
      // An ended process not yet reaped has no VmHWM: keep the highest mark seen.
      if (last?.peakBytes !== undefined) peakBytes = Math.max(peakBytes ?? 0, last.peakBytes);
    }, 250);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (text) => (stdout += text));
    child.stderr.on('data', (text) => (stderr += text));
    child.on('close', (code) => {
      clearInterval(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      if (code !== 0) return fail(new Error(`molap run exited with ${code}\n${stderr}`));
      const out = JSON.parse(stdout);
      done({ scratch, runDir: out.runDir, wallSeconds, peakBytes, cpuSeconds: last?.cpuSeconds });
    });
  });
}

/** Every job output of a run folder: { id, seconds, phases?, value }. */
function jobOutputs(runDir) {
  const jobsDir = join(runDir, 'state', 'jobs');
  return readdirSync(jobsDir, { recursive: true })
    .map(String)
    .filter((path) => path.endsWith('output.json'))
    .map((path) => JSON.parse(readFileSync(join(jobsDir, path), 'utf8')));
}

/**
 * Stage and model of a job id (see `jobId` of @molap/study): `<kind or stage>/<model>/…`, the model in its
 * file-name-safe form (`safeName`), shown as it is.
 */
function describeJob(id) {
  const [kind, model] = id.split('/');
  if (kind === 'bank') return { stage: 'pre-train modules', model: 'molap' };
  return { stage: kind, model };
}

/** Optimiser steps a training job took: the sum of the steps of its task records. */
function trainingSteps(value) {
  return (value.records ?? []).reduce((sum, record) => sum + record.steps, 0);
}

const emptyPhases = () => Object.fromEntries(PHASES.map((phase) => [phase, 0]));
function addPhases(into, job) {
  const phases = job.phases ?? emptyPhases();
  let counted = 0;
  for (const phase of PHASES) {
    into[phase] += phases[phase] ?? 0;
    counted += phases[phase] ?? 0;
  }
  into.other += Math.max(0, job.seconds - counted);
  into.seconds += job.seconds;
  into.jobs += 1;
}
const newRow = () => ({ seconds: 0, jobs: 0, ...emptyPhases(), other: 0 });

const loadBefore = loadavg()[0];
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadBefore };
let process_;
let runDir = existingRun ? resolve(existingRun) : undefined;
if (!runDir) {
  process_ = await runStudy();
  runDir = process_.runDir;
}
if (!existsSync(join(runDir, 'state', 'jobs'))) {
  process.stderr.write(`${runDir} is not a molap run folder (no state/jobs): pass the folder molap run printed\n`);
  process.exit(2);
}
const runRecord = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
const jobs = jobOutputs(runDir);
/** Runs made before jobs recorded their phases have none: their tables show only seconds. */
const phased = jobs.some((job) => job.phases !== undefined);
const byStage = new Map();
const byModel = new Map();
const total = newRow();
const training = [];
for (const job of jobs) {
  const { stage, model } = describeJob(job.id);
  if (!byStage.has(stage)) byStage.set(stage, newRow());
  if (!byModel.has(model)) byModel.set(model, newRow());
  addPhases(byStage.get(stage), job);
  addPhases(byModel.get(model), job);
  addPhases(total, job);
  if (stage === 'train') {
    const steps = trainingSteps(job.value);
    training.push({
      model,
      job: job.id,
      seconds: job.seconds,
      steps,
      stepsPerSecond: job.phases?.training > 0 ? steps / job.phases.training : undefined,
    });
  }
}
/** Jobs that raised the process's peak memory, in the order they raised it (runs of earlier versions: none). */
const peakRaisers = jobs
  .filter((job) => job.memory !== undefined && job.memory.peakBytesAfter > job.memory.peakBytesBefore)
  .map((job) => ({ job: job.id, ...job.memory }))
  .sort((a, b) => a.peakBytesAfter - b.peakBytesAfter);
if (process_) rmSync(process_.scratch, { recursive: true, force: true });
machine.loadAfter = loadavg()[0];

const profile = {
  machine,
  run: { preset: runRecord.preset, seeds: runRecord.seeds, folder: existingRun ? runDir : undefined },
  process: process_
    ? { wallSeconds: process_.wallSeconds, cpuSeconds: process_.cpuSeconds, peakBytes: process_.peakBytes }
    : undefined,
  total,
  stages: Object.fromEntries(byStage),
  models: Object.fromEntries(byModel),
  training,
  peakRaisers,
};

if (json) {
  // JSON lines: one record per row, so a profile can be appended to a log and compared later.
  const lines = [
    { kind: 'machine', ...machine, ...profile.run },
    ...(profile.process ? [{ kind: 'process', ...profile.process }] : []),
    { kind: 'total', ...total },
    ...[...byStage].map(([stage, row]) => ({ kind: 'stage', stage, ...row })),
    ...[...byModel].map(([model, row]) => ({ kind: 'model', model, ...row })),
    ...training.map((row) => ({ kind: 'training', ...row })),
    ...peakRaisers.map((row) => ({ kind: 'peak-memory', ...row })),
  ];
  for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
} else {
  const s = (seconds) => (seconds >= 90 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`);
  const pct = (part, whole) => (whole > 0 ? `${((part / whole) * 100).toFixed(0)} %` : '–');
  const out = (line) => process.stdout.write(`${line}\n`);
  out(
    `study profile: preset ${runRecord.preset}, seeds ${runRecord.seeds.join(',')}, ${machine.cores} × ${machine.cpu}, load ${loadBefore.toFixed(1)} → ${machine.loadAfter.toFixed(1)}`,
  );
  if (profile.process) {
    const { wallSeconds, cpuSeconds, peakBytes } = profile.process;
    out(
      `process: wall ${s(wallSeconds)}, CPU ${cpuSeconds === undefined ? 'n/a' : s(cpuSeconds)}, peak memory ${peakBytes === undefined ? 'n/a' : `${(peakBytes / 2 ** 20).toFixed(0)} MiB`}`,
    );
  }
  out(`jobs: ${total.jobs}, ${s(total.seconds)} in total`);
  if (!phased) out('(this run folder records no work phases: it was made before molap recorded them)');
  const table = (title, rows) => {
    out('');
    const columns = phased ? [...PHASES, 'other'] : [];
    out(`| ${[title, 'jobs', 'seconds', 'share', ...columns].join(' | ')} |`);
    out(`|${' --- |'.repeat(4 + columns.length)}`);
    for (const [name, row] of rows) {
      const cells = [name, row.jobs, s(row.seconds), pct(row.seconds, total.seconds)];
      out(`| ${[...cells, ...columns.map((phase) => pct(row[phase], row.seconds))].join(' | ')} |`);
    }
  };
  table(
    'stage',
    [...byStage].sort((a, b) => b[1].seconds - a[1].seconds),
  );
  table(
    'model',
    [...byModel].sort((a, b) => b[1].seconds - a[1].seconds),
  );
  table('all', [['all', total]]);
  out('');
  out('| training job | seconds | optimiser steps | steps per second of training |');
  out('| --- | --- | --- | --- |');
  for (const row of training.sort((a, b) => b.seconds - a.seconds)) {
    out(
      `| ${row.job} | ${s(row.seconds)} | ${row.steps} | ${row.stepsPerSecond === undefined ? '–' : row.stepsPerSecond.toFixed(1)} |`,
    );
  }
  if (peakRaisers.length > 0) {
    const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    out('');
    out('| job that raised the peak memory | peak before | peak after | rise |');
    out('| --- | --- | --- | --- |');
    for (const row of peakRaisers) {
      out(
        `| ${row.job} | ${mib(row.peakBytesBefore)} | ${mib(row.peakBytesAfter)} | ${mib(row.peakBytesAfter - row.peakBytesBefore)} |`,
      );
    }
  }
}
