/**
 * `molap pretrain`: MoLaP's module bank on its own. Samples the corpus (run.tasks minus run.heldOut),
 * extracts the latent primitives and pre-trains the modules in parallel (`sampleCorpus`, `extractLatents`,
 * `pretrainModules` of @molap/primitives), then saves the bank (`saveModuleBank`) and describes it.
 * Interrupted (Ctrl-C), the same command resumes from the pre-training checkpoints.
 */
import { access, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type BankEvent,
  buildPretrainedBank,
  claimCheckpoints,
  createBuiltinStrategyRegistry,
  formatSeconds,
  type Json,
  jobFailure,
} from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { writeOutput } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { prepareRun } from '../run/prepare.js';
import { runOptions } from './run.js';

/** Checkpoint folder of a bank being pre-trained into `out` (removed once the bank is saved). */
export const pretrainingCheckpoints = (out: string) => join(out, 'pretraining-checkpoints');

/** The single seed a verb works with. */
export function singleSeed(seeds: readonly number[], verb: string): number {
  if (seeds.length !== 1) {
    throw new UsageError(`molap ${verb} works with one seed, got ${seeds.join(', ')}`, { hint: 'pass --seed <s>' });
  }
  return seeds[0];
}

/** The seed flag of the verbs: one seed, stored as run.seeds. */
export const seedOption = {
  seed: flag.integers('seed (run.seeds of the config, which must then name one seed)', {
    value: 's',
    min: 0,
    defaultText: '1',
    config: ['run', 'seeds'],
  }),
};

const {
  tasks,
  heldOut,
  modules,
  moduleSize,
  pretrainSteps,
  workers,
  engine: engineFlag,
  tfjsBackend,
  threads,
  plugins,
  strict,
} = runOptions;

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
    engine: engineFlag,
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
    const out = resolve(input.cwd, options.out);
    if (
      await access(join(out, 'bank.json')).then(
        () => true,
        () => false,
      )
    ) {
      throw new UsageError(`${options.out} already holds a module bank`, { hint: 'choose another --out folder' });
    }
    const { plan, registry, engine } = await prepareRun(input, { strict: options.strict === true });
    try {
      const seed = singleSeed(plan.seeds, 'pretrain');
      const primitives = await import('@molap/primitives');
      const mode = progressMode(options);
      const progress = await createProgress(mode, io);
      const k = (plan.bank.latents.k as number | undefined) ?? primitives.DEFAULT_LATENT_COUNT;
      const { steps } = primitives.resolveModuleTraining(plan.bank.training, plan.bank.preset);
      const moduleSteps = new Map<number, number>();
      let started = 0;
      const onBankEvent = (event: BankEvent) => {
        progress.event(event);
        if (event.type === 'bank-start') {
          started = performance.now();
          progress.status(event.step === 'pretrain' ? `pre-train ${k} modules` : event.step);
        } else if (event.type === 'bank-end') {
          progress.step(`${event.step}: ${event.detail} in ${formatSeconds(event.seconds)}`);
        } else if (event.progress.type === 'loss' || event.progress.type === 'module-end') {
          moduleSteps.set(event.progress.module, event.progress.type === 'loss' ? event.progress.step : steps);
          const fraction = [...moduleSteps.values()].reduce((sum, n) => sum + n, 0) / (k * steps || 1);
          const elapsed = (performance.now() - started) / 1000;
          const left = fraction > 0.02 ? `, about ${formatSeconds((elapsed * (1 - fraction)) / fraction)} left` : '';
          progress.status(`pre-train ${k} modules: ${Math.round(fraction * 100)} %${left}`);
        }
      };
      const { workers: _workers, ...bankOptions } = plan.bank;
      await claimCheckpoints(
        pretrainingCheckpoints(out),
        { seed, corpus: plan.corpus, bank: bankOptions, taskOptions: plan.taskOptions, engine: engine.name } as Json,
        { restart: options.restart === true, shown: join(options.out, 'pretraining-checkpoints') },
      );
      const strategies = await createBuiltinStrategyRegistry();
      let bank: Awaited<ReturnType<typeof buildPretrainedBank>>;
      try {
        bank = await buildPretrainedBank({
          plan,
          registry,
          engine,
          model: 'bank',
          seed,
          corpus: plan.corpus,
          checkpointDir: pretrainingCheckpoints(out),
          onBankEvent,
          signal,
        });
      } catch (error) {
        progress.end('failed', signal.aborted ? 'stopped' : undefined);
        if (!signal.aborted) {
          const job = { id: 'pretrain', kind: 'bank' as const, seed, inputs: [] };
          throw jobFailure(error, job, plan, strategies, 'then run the command again with --restart');
        }
        io.stderr(`molap: interrupted; run the same command again to resume from the checkpoints in ${options.out}\n`);
        return ExitCode.interrupted;
      }
      await writeOutput(join(out, 'bank.json'), async () => {
        await primitives.saveModuleBank(out, bank);
      });
      await rm(pretrainingCheckpoints(out), { recursive: true, force: true });
      progress.end('done', `saved the bank in ${options.out}`);
      io.stdout(
        options.json
          ? `${JSON.stringify(primitives.summarizeModuleBank(bank), null, 2)}\n`
          : `${primitives.describeModuleBank(bank)}\n`,
      );
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
