/**
 * `molap worker <url>`: takes the jobs of `molap run --executor <url>` from Redis and runs them here
 * (`runWorker` of @molap/distributed). `--concurrency N` starts N worker processes, each with its own engine.
 */
import { hostname } from 'node:os';
import type { StudyPlan } from '@molap/study';
import { commonOptions, defineCommand, projectOptions } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { loadedPlugins, loadPluginRegistries, loadTaskCatalog, openProject, reportPluginProblems } from '../project.js';
import { workerEventLine } from '../text/worker.js';
import { startWorkerProcesses } from '../worker/processes.js';

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
      // DEFAULT_LOCK_SECONDS of @molap/distributed, which loads only when a worker starts (it brings the Redis
      // client); test/help-defaults.test.ts keeps the two in step.
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
    if (concurrency > 1) return startWorkerProcesses(process.argv.slice(2), concurrency, io, signal);
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
        const registries = await loadPluginRegistries(catalog, io, false);
        return { registry: catalog.registry, plugins: loadedPlugins(catalog), ...registries };
      },
      onEvent: (event) => io.stderr(`molap worker ${name}: ${workerEventLine(event, shown)}\n`),
    });
    return signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  },
});
