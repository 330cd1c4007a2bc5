/**
 * `molap pretrain`: MoLaP's module bank on its own (`pretrainBankInto` of @molap/study: sample the corpus,
 * extract the latent primitives, pre-train the modules in parallel, save the bank), then describes it.
 * Interrupted (Ctrl-C), the same command resumes from the pre-training checkpoints.
 */
import { resolve } from 'node:path';
import { describeModuleBank, summarizeModuleBank } from '@molap/primitives';
import { pretrainBankInto } from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode } from '../errors.js';
import { RESTART_HINT, runOptions, seedOption, singleSeed } from '../flags.js';
import { flag } from '../options.js';
import { json } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { resumeVerb, unlessStopped } from '../run/failure.js';
import { prepareRun } from '../run/prepare.js';
import { bankProgress } from '../text/bank.js';

const { tasks, heldOut, modules, moduleSize, pretrainSteps, workers, tfjsBackend, threads, plugins, strict } =
  runOptions;

export const pretrainCommand = defineCommand({
  words: ['pretrain'],
  summary: "pre-train MoLaP's module bank on the corpus and save it (the first stage of molap run)",
  details: [
    'The corpus is run.tasks minus run.heldOut (--tasks, --held-out); the bank options come from run.bank of',
    'molap.config.json over the preset (--preset quick|standard|paper). Ctrl-C stops at a checkpoint: the same',
    'command resumes. `molap learn --bank <dir>` learns tasks on the saved bank.',
  ],
  args: [],
  interruptible: true,
  options: {
    restart: flag.boolean('drop the pre-training checkpoints in --out and start from step 0'),
    out: flag.string('folder to save the bank into', { value: 'dir', required: true }),
    tasks,
    heldOut,
    ...seedOption,
    modules,
    moduleSize,
    pretrainSteps,
    workers,
    engine: runOptions.engine,
    tfjsBackend,
    threads,
    plugins,
    strict,
    maxMemory: runOptions.maxMemory,
    ...outputOptions,
    ...projectOptions,
    ...commonOptions,
  },
  examples: [
    'molap pretrain --out banks/quick',
    'molap pretrain --preset standard --seed 2 --out banks/standard-2',
    'molap pretrain --tasks fdgo,fdanti,dm1 --held-out dm1 --modules 4 --module-size 16 --out banks/small',
  ],
  async run(input) {
    const { options, io, signal } = input;
    const { plan, registry, engine, plugins } = await prepareRun(input, { strict: options.strict === true });
    try {
      const seed = singleSeed(plan.seeds, 'pretrain');
      const progress = await createProgress(progressMode(options), io);
      const bank = await unlessStopped(
        pretrainBankInto({
          plan,
          registry,
          engine,
          extractors: plugins.extractors,
          seed,
          out: resolve(input.cwd, options.out),
          shown: options.out,
          restart: options.restart === true,
          retry: RESTART_HINT,
          onBankEvent: bankProgress(plan, progress),
          signal,
        }),
        { progress, signal, io, stopped: resumeVerb(options.out) },
      );
      if (bank === undefined) return ExitCode.interrupted;
      progress.end('done', `saved the bank in ${options.out}`);
      io.stdout(options.json ? json(summarizeModuleBank(bank)) : `${describeModuleBank(bank)}\n`);
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
