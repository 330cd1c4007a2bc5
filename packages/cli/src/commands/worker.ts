/**
 * `molap worker <url>`: takes the jobs of `molap run --executor <url>` from Redis and runs them here
 * (`runWorker` of @molap/distributed). `--concurrency N` starts N worker processes, each with its own engine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { StudyPlan } from '@molap/study';
import { commonOptions, defineCommand, projectOptions } from '../command.js';
import { CommandError, ExitCode, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { loadedPlugins, loadTaskCatalog, openProject, reportPluginProblems } from '../project.js';

export const workerCommand = defineCommand({
  words: ['worker'],
  summary: 'run the jobs of distributed studies (molap run --executor <url>) on this machine',
  details: [
    'Connects to Redis, takes the jobs of the runs listed there one run after the other, runs them with the',
    'installed molap packages and sends their outputs back; the coordinator writes the run folder. Jobs are data',
    '(no code travels); a worker whose molap version or task plugins differ from the coordinator refuses the run',
    'and says what differs. Ctrl-C finishes the job in hand, then stops. See docs/distributed.md.',
  ],
  args: [
    {
      name: 'url',
      description: 'redis://host:port or rediss://…, with a password if needed (default $MOLAP_REDIS_URL)',
      required: false,
    },
  ],
  interruptible: true,
  options: {
    concurrency: flag.integer('worker processes to start here (each runs one job at a time with its own engine)', {
      value: 'n',
      min: 1,
      defaultText: '1',
    }),
    threads: flag.integer('threads of the native engine of each worker (default: the run’s)', { value: 'n', min: 1 }),
    queue: flag.string('serve only this run (its queue is in <run folder>/state/distributed.json)', { value: 'name' }),
    lockSeconds: flag.integer('seconds a job of a silent worker (killed, machine gone) waits before another takes it', {
      value: 's',
      min: 1,
      defaultText: '60',
    }),
    once: flag.boolean('stop when the run served ends, instead of waiting for the next one'),
    name: flag.string('name of this worker in messages (default <host>:<pid>)', { value: 'text' }),
    ...projectOptions,
    ...commonOptions,
  },
  examples: [
    'molap worker redis://localhost:6379',
    'molap worker redis://:secret@head-node:6379 --concurrency 4 --threads 1',
    'MOLAP_REDIS_URL=rediss://:secret@redis.lab.example:6380 molap worker --once',
  ],
  async run(input) {
    const { options, io, signal } = input;
    const distributed = await import('@molap/distributed');
    const url = distributed.redisUrlFrom(input.args[0]);
    if (url === undefined) {
      throw new UsageError('molap worker needs the URL of a Redis server', {
        hint: `molap worker redis://host:6379, or set ${distributed.REDIS_URL_ENV}`,
      });
    }
    distributed.parseRedisUrl(url);
    const concurrency = options.concurrency ?? 1;
    if (concurrency > 1) return startProcesses(process.argv.slice(2), concurrency, io, signal);
    const { project } = await openProject(input, { builtinPresets: [] });
    const shown = distributed.shownUrl(url);
    const name = options.name ?? `${hostname()}:${process.pid}`;
    io.stderr(`molap worker ${name}: connecting to ${shown}\n`);
    await distributed.runWorker({
      url,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(options.lockSeconds === undefined ? {} : { lockSeconds: options.lockSeconds }),
      name,
      once: options.once === true,
      signal,
      loadTasks: async (plan: StudyPlan) => {
        const catalog = await loadTaskCatalog(project, plan.plugins);
        reportPluginProblems(catalog, io, false);
        return { registry: catalog.registry, plugins: loadedPlugins(catalog) };
      },
      onEvent: (event) => {
        const line =
          event.type === 'waiting'
            ? `waiting for a run on ${shown}`
            : event.type === 'serving'
              ? `serving run ${event.runName} (queue ${event.queue})`
              : event.type === 'job-start'
                ? `job ${event.job}`
                : event.type === 'job-end'
                  ? `job ${event.job} done in ${event.seconds.toFixed(1)} s`
                  : event.type === 'job-error'
                    ? `job ${event.job} failed: ${event.error.split('\n')[0]}`
                    : `run of queue ${event.queue} ended`;
        io.stderr(`molap worker ${name}: ${line}\n`);
      },
    });
    return signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  },
});

/** `--concurrency N`: N child processes of this command with `--concurrency 1`; ends when all have ended. */
async function startProcesses(
  argv: readonly string[],
  count: number,
  io: { stderr(text: string): void },
  signal: AbortSignal,
): Promise<number> {
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  if (!existsSync(cli)) {
    throw new CommandError('--concurrency needs the built CLI (dist/cli.js)', { hint: 'run `npm run build` first' });
  }
  const args = [...argv];
  const at = args.findIndex((arg) => arg === '--concurrency' || arg.startsWith('--concurrency='));
  args.splice(at, args[at] === '--concurrency' ? 2 : 1, '--concurrency', '1');
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'] }),
  );
  signal.addEventListener('abort', () => {
    for (const child of children) child.kill('SIGINT');
  });
  io.stderr(`molap worker: started ${count} worker processes (${children.map((child) => child.pid).join(', ')})\n`);
  const codes = await Promise.all(
    children.map((child) => new Promise<number>((done) => child.on('exit', (code) => done(code ?? 1)))),
  );
  return codes.find((code) => code !== 0) ?? ExitCode.ok;
}
