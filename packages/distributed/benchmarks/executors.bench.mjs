#!/usr/bin/env node
// Benchmark `executors`: the wall time of one `molap run` with the local executor, then with the Redis executor
// and 1 and 2 `molap worker` processes (a redis-server started here on a free port, persistence off), and the
// overhead of going through Redis per job.
//
//   npm run bench -- executors [--preset quick] [--config molap.config.json] [--workers 1,2] [--json]
//
// Every run is the real binary (packages/cli/bin/molap.js) in a scratch project; the results.json of every
// Redis run is checked equal to the local run's (timings aside). Overhead per job = (Redis wall time with one
// worker − local wall time) / jobs, shown against the mean job time of the local run. Prints the machine load
// before and after: on a shared machine the figures are only comparable at a low load.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const binary = join(root, 'packages/cli/bin/molap.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const json = args.includes('--json');
const preset = option('preset', option('config') ? undefined : 'quick');
const configFile = option('config');
const workerCounts = option('workers', '1,2').split(',').map(Number);

const redisServer = ['redis-server', '/usr/bin/redis-server'].find((candidate) => {
  try {
    execFileSync(candidate, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!redisServer) {
  process.stderr.write('redis-server is not installed: run tools/install-redis.sh\n');
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'molap-bench-study-'));
writeFileSync(join(scratch, 'molap.config.json'), configFile ? readFileSync(resolve(configFile), 'utf8') : '{}');
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const run = (argv) =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [binary, ...argv], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (text) => (stdout += text));
    child.stderr.on('data', (text) => (stderr += text));
    child.on('close', (code) =>
      code === 0 ? done(stdout) : fail(new Error(`molap ${argv.join(' ')}: ${code}\n${stderr}`)),
    );
  });

const freePort = () =>
  new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** One timed run; returns wall seconds, the run folder and the job count. */
async function timedRun(label, extra) {
  const started = performance.now();
  const out = JSON.parse(
    await run(['run', ...(preset ? ['--preset', preset] : []), '--json', '--out', label, ...extra]),
  );
  const seconds = (performance.now() - started) / 1000;
  const jobs = readdirSync(join(out.runDir, 'state', 'jobs'), { recursive: true }).filter((p) =>
    String(p).endsWith('output.json'),
  );
  const jobSeconds = jobs.reduce(
    (sum, p) => sum + JSON.parse(readFileSync(join(out.runDir, 'state', 'jobs', String(p)), 'utf8')).seconds,
    0,
  );
  const { timings, createdBy, ...results } = JSON.parse(readFileSync(out.results, 'utf8'));
  return { seconds, jobs: jobs.length, jobSeconds, results };
}

const loadBefore = loadavg()[0];
const rows = [];
try {
  const local = await timedRun('local', []);
  rows.push({ executor: 'local', workers: 1, seconds: local.seconds, jobs: local.jobs, sameResults: true });
  for (const count of workerCounts) {
    const port = await freePort();
    const redis = spawn(
      redisServer,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((done) => setTimeout(done, 300));
    const url = `redis://127.0.0.1:${port}`;
    const workers = Array.from({ length: count }, (_, i) =>
      spawn(process.execPath, [binary, 'worker', url, '--name', `bench-${i + 1}`], {
        cwd: scratch,
        env,
        stdio: 'ignore',
      }),
    );
    try {
      const distributed = await timedRun(`redis-${count}`, ['--executor', url]);
      rows.push({
        executor: 'redis',
        workers: count,
        seconds: distributed.seconds,
        jobs: distributed.jobs,
        sameResults: isDeepStrictEqual(distributed.results, local.results),
        overheadPerJobMs: count === 1 ? ((distributed.seconds - local.seconds) / local.jobs) * 1000 : undefined,
        meanJobMs: (local.jobSeconds / local.jobs) * 1000,
      });
    } finally {
      for (const worker of workers) worker.kill('SIGKILL');
      redis.kill('SIGKILL');
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const machine = { cpus: cpus().length, loadBefore, loadAfter: loadavg()[0], preset, config: configFile ?? null };
if (json) {
  process.stdout.write(`${JSON.stringify({ machine, rows }, null, 2)}\n`);
} else {
  process.stdout.write(
    `study benchmark: ${preset ? `preset ${preset}` : ''}${configFile ? ` config ${configFile}` : ''}, ${machine.cpus} cores, load ${loadBefore.toFixed(1)} → ${machine.loadAfter.toFixed(1)}\n`,
  );
  process.stdout.write('| executor | worker processes | wall time | jobs | same results.json | overhead per job |\n');
  process.stdout.write('| --- | --- | --- | --- | --- | --- |\n');
  for (const row of rows) {
    const overhead =
      row.overheadPerJobMs === undefined
        ? ''
        : `${row.overheadPerJobMs.toFixed(0)} ms (${((row.overheadPerJobMs / row.meanJobMs) * 100).toFixed(1)} % of a mean job)`;
    process.stdout.write(
      `| ${row.executor} | ${row.workers} | ${row.seconds.toFixed(1)} s | ${row.jobs} | ${row.sameResults ? 'yes' : 'NO'} | ${overhead} |\n`,
    );
  }
}
if (rows.some((row) => !row.sameResults)) process.exit(1);
