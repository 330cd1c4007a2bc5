/**
 * `molap run`: the whole study in a run folder (`planStudy`, `startRunFolder` and `runStudy` of @molap/study):
 * pre-train MoLaP's modules, learn every task with every model, perturb, generalise, analyse, write
 * results.json and report.html, print a summary. Ctrl-C stops at the next checkpoint; `molap run --resume
 * <dir>` continues and ends with the same results.
 */
import * as study from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode } from '../errors.js';
import { runOptions } from '../flags.js';
import { flag } from '../options.js';
import { json, nanToNull, shownPath } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { createRunDisplay, executorStatusReporter } from '../run/display.js';
import { printDryRun } from '../run/estimate.js';
import { studyFailure, unlessStopped } from '../run/failure.js';
import { openRunFolder, openRunSession, resumeCommand, sessionExecutor } from '../run/session.js';
import { formatSummary } from '../run/summary.js';

export const runCommand = defineCommand({
  words: ['run'],
  summary: 'the whole study: pre-train MoLaP, learn the tasks, compare, perturb, generalise, report',
  details: [
    'Samples the corpus, extracts latent primitives and pre-trains the modules (parallel), learns every task with',
    'MoLaP, random modules and the baselines, runs the perturbation suite, the held-out tasks and the',
    'dimensionality analyses, and writes results.json and report.html into a new run folder',
    '(<out>/<timestamp>-<preset>/). Presets: quick (default; a few minutes on 2 cores), standard (the reported',
    'comparison; up to an hour), paper (all 20 Yang tasks; big machines). Flags and molap.config.json ("run": {...})',
    'override every preset value. Ctrl-C or SIGTERM stops at the next checkpoint (exit 130 or 143); --resume <dir> continues and',
    'ends with the same results as an uninterrupted run.',
  ],
  args: [],
  interruptible: true,
  options: {
    resume: flag.string('continue the run in this folder, from its last checkpoints, with its recorded config', {
      value: 'dir',
    }),
    dryRun: flag.boolean('print the plan (every option resolved, as JSON) and exit without running'),
    executor: flag.string(
      'where the jobs run: local (this process), or redis://host:port / rediss://… for `molap worker` processes anywhere; `redis` alone reads the URL from MOLAP_REDIS_URL (docs/distributed.md)',
      { value: 'where', defaultText: 'local' },
    ),
    jobs: flag.integer(
      'jobs of the study that run at once on this machine, each in a worker thread with its share of the engine threads (--threads); results are the same for any count',
      { value: 'n', min: 1, defaultText: 'one per 2 engine threads on the native engine (1 on 2 cores); 1 on tfjs' },
    ),
    out: flag.string('folder the run folder is created in', {
      value: 'dir',
      defaultText: study.DEFAULT_RUNS_FOLDER,
      config: ['run', 'out'],
    }),
    ...runOptions,
    ...outputOptions,
    ...projectOptions,
    ...commonOptions,
  },
  examples: [
    'molap run',
    'molap run --preset standard',
    'molap run --tasks fdgo,fdanti,delaygo --held-out delaygo --steps 200 --seeds 1,2',
    'molap run --resume molap-runs/20251126-142501-quick',
    'molap run --preset standard --executor redis://localhost:6379',
    'molap run --preset standard --dry-run',
    'molap run --jobs 1 --threads 2',
    'molap run --json --quiet > summary.json',
  ],
  async run(input) {
    const { options, io, cwd, signal } = input;
    const session = await openRunSession(input);
    const { plan, engine } = session;
    try {
      const mode = progressMode(options);
      if (options.dryRun) return void (await printDryRun(plan, io, mode, session.plugins, session.jobs));
      const runDir = await openRunFolder(session, cwd);
      const where = shownPath(cwd, runDir);
      const resume = resumeCommand(where, session.executor);
      const progress = await createProgress(mode, io);
      const display = await createRunDisplay(plan, progress, mode, session.plugins);
      display.begin({
        runDir,
        where,
        resumed: session.record !== undefined,
        engine: engine.name,
        jobs: session.jobs.jobs,
      });
      const started = performance.now();
      const output = await unlessStopped(
        study.runStudy(plan, {
          runDir,
          engine,
          registry: session.catalog.registry,
          ...session.plugins,
          onEvent: display.handle,
          signal,
          ...(await sessionExecutor(session, runDir, executorStatusReporter(progress, mode))),
        }),
        {
          progress,
          signal,
          io,
          stopped: `molap: interrupted; the run folder keeps every checkpoint. Continue with:\n  ${resume}\n`,
          describe: (error) => studyFailure(error, resume),
        },
      );
      if (output === undefined) return ExitCode.interrupted;
      display.finish((performance.now() - started) / 1000, output);
      io.stdout(
        options.json
          ? json(study.summariseStudy(runDir, plan, output), nanToNull)
          : `${formatSummary(output.results)}\nreport: ${shownPath(cwd, output.reportFile)}\n`,
      );
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
