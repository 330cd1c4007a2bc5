/**
 * `molap learn`: one model of the run learns every task of the run and is saved (`learnModelInto` of
 * @molap/study). MoLaP learns on a saved module bank (`molap pretrain`), random-modules on a random bank of the
 * same shape, the baselines from scratch. Interrupted (Ctrl-C), the same command resumes from the learning
 * checkpoints.
 */
import { resolve } from 'node:path';
import { DEFAULT_LEARN_MODEL, learnModelInto } from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode } from '../errors.js';
import { RESTART_HINT, runOptions, seedOption, singleSeed } from '../flags.js';
import { flag } from '../options.js';
import { json } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { resumeVerb, unlessStopped } from '../run/failure.js';
import { prepareRun } from '../run/prepare.js';
import { formatLearned } from '../text/learn.js';

const { tasks, budget, steps, batchSize, evalEvery, evalTrials, criterion, hiddenSize, engine, tfjsBackend, threads } =
  runOptions;

export const learnCommand = defineCommand({
  words: ['learn'],
  summary: 'one model (MoLaP on a saved bank, random modules or a baseline) learns the tasks and is saved',
  details: [
    'Learns every task of run.tasks (--tasks) with the per-task budget of the run, and saves the model into --out.',
    `The model is one of run.models (--model; default ${DEFAULT_LEARN_MODEL}), with its options from the config. MoLaP needs the`,
    'module bank `molap pretrain` saved (--bank). Ctrl-C stops at a checkpoint: the same command resumes.',
  ],
  args: [],
  interruptible: true,
  options: {
    model: flag.string('the model: a name of run.models (molap, random-modules, multitask, …)', {
      value: 'name',
      defaultText: DEFAULT_LEARN_MODEL,
    }),
    bank: flag.string('module bank folder of MoLaP (from molap pretrain)', { value: 'dir' }),
    restart: flag.boolean('drop the learning checkpoints in --out and start from step 0'),
    out: flag.string('folder to save the model into', { value: 'dir', required: true }),
    tasks,
    ...seedOption,
    budget,
    steps,
    batchSize,
    evalEvery,
    evalTrials,
    criterion,
    hiddenSize,
    engine,
    tfjsBackend,
    threads,
    plugins: runOptions.plugins,
    strict: runOptions.strict,
    maxMemory: runOptions.maxMemory,
    ...outputOptions,
    ...projectOptions,
    ...commonOptions,
  },
  examples: [
    'molap learn --bank banks/quick --tasks fdgo,fdanti,delayanti --out models/molap',
    'molap learn --model multitask --tasks fdgo,dm1 --steps 500 --out models/multitask',
    'molap learn --model random-modules --preset standard --out models/random',
  ],
  async run(input) {
    const { options, io, signal } = input;
    const { plan, registry, engine, plugins } = await prepareRun(input, {
      strict: options.strict === true,
      ignoreHeldOut: true,
    });
    try {
      const seed = singleSeed(plan.seeds, 'learn');
      const progress = await createProgress(progressMode(options), io);
      const learned = await unlessStopped(
        learnModelInto({
          plan,
          registry,
          engine,
          strategies: plugins.strategies,
          seed,
          ...(options.model === undefined ? {} : { model: options.model }),
          ...(options.bank === undefined ? {} : { bank: resolve(input.cwd, options.bank) }),
          out: resolve(input.cwd, options.out),
          shown: options.out,
          restart: options.restart === true,
          retry: RESTART_HINT,
          signal,
          onStart: (start) => progress.step(`${start.model} learns ${start.tasks.join(', ')} (seed ${start.seed})`),
          onProgress: (taskId, point) => {
            progress.event({ type: 'curve', model: options.model ?? DEFAULT_LEARN_MODEL, taskId, point } as {
              type: string;
            });
            progress.status(`${taskId}: ${point.trials} trials, performance ${point.performance.toFixed(2)}`);
          },
        }),
        { progress, signal, io, stopped: resumeVerb(options.out) },
      );
      if (learned === undefined) return ExitCode.interrupted;
      progress.end('done', `saved the model in ${options.out}`);
      io.stdout(options.json ? json(learned) : formatLearned(learned));
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
