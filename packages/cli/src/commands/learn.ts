/**
 * `molap learn`: one model of the run learns every task of the run and is saved. MoLaP learns on a saved
 * module bank (`molap pretrain`), random-modules on a random bank of the same shape, the baselines from
 * scratch (`createMolap` of @molap/composer, `create` of the @molap/baselines strategies, then
 * `learn` and `save`). Interrupted (Ctrl-C), the same command resumes from the learning checkpoints.
 */
import { access, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { claimCheckpoints, createBuiltinStrategyRegistry, type Json, jobFailure, randomModuleBank } from '@molap/study';
import { closestName } from '@molap/tasks';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { formatNumber, formatTable, writeOutput } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { prepareRun } from '../run/prepare.js';
import { seedOption, singleSeed } from './pretrain.js';
import { runOptions } from './run.js';

/** Checkpoint folder of a model learning into `out` (removed once the model is saved). */
export const learningCheckpoints = (out: string) => join(out, 'learning-checkpoints');

const { tasks, budget, steps, batchSize, evalEvery, evalTrials, criterion, hiddenSize, engine, tfjsBackend, threads } =
  runOptions;

export const learnCommand = defineCommand({
  words: ['learn'],
  summary: 'one model (MoLaP on a saved bank, random modules or a baseline) learns the tasks and is saved',
  details: [
    'Learns every task of run.tasks (--tasks) with the per-task budget of the run, and saves the model into --out.',
    'The model is one of run.models (--model; default molap), with its options from the config. MoLaP needs the',
    'module bank `molap pretrain` saved (--bank). Ctrl-C stops at a checkpoint: the same command resumes.',
  ],
  args: [],
  interruptible: true,
  options: {
    model: flag.string('the model: a name of run.models (molap, random-modules, multitask, …)', {
      value: 'name',
      defaultText: 'molap',
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
    const out = resolve(input.cwd, options.out);
    const saved = await access(join(out, 'strategy.json')).then(
      () => true,
      () => false,
    );
    if (saved) {
      throw new UsageError(`${options.out} already holds a saved model`, { hint: 'choose another --out folder' });
    }
    const {
      plan,
      registry,
      engine: runEngine,
    } = await prepareRun(input, { strict: options.strict === true, ignoreHeldOut: true });
    try {
      const seed = singleSeed(plan.seeds, 'learn');
      const name = options.model ?? 'molap';
      const spec = plan.models.find((model) => model.name === name);
      if (spec === undefined) {
        const names = plan.models.map((model) => model.name);
        const guess = closestName(name, names);
        throw new UsageError(`unknown model "${name}"${guess ? `. Did you mean "${guess}"?` : ''}`, {
          hint: `the models of the run are ${names.join(', ')} (run.models)`,
        });
      }
      const [composer, core, primitives] = await Promise.all([
        import('@molap/composer'),
        import('@molap/core'),
        import('@molap/primitives'),
      ]);
      const context = {
        engine: runEngine,
        tasks: registry,
        ...(Object.keys(plan.taskOptions).length > 0 ? { taskOptions: plan.taskOptions } : {}),
      };
      const strategies = await createBuiltinStrategyRegistry();
      const strategy = strategies.get(spec.strategy);
      const inputs: Record<string, unknown> = {};
      for (const { name: inputName } of strategy.inputs ?? []) {
        if (inputName === composer.PRETRAINED_BANK_INPUT) {
          if (options.bank === undefined) {
            throw new UsageError(`molap learn --model ${spec.name} needs the module bank to learn on: --bank <dir>`, {
              hint: 'build one with `molap pretrain --out <dir>`',
            });
          }
          inputs[inputName] = await primitives.loadModuleBank(resolve(input.cwd, options.bank));
        } else if (inputName === composer.RANDOM_BANK_INPUT) {
          inputs[inputName] = await randomModuleBank(plan, registry, plan.corpus[0], seed);
        } else {
          throw new UsageError(`model "${spec.name}" needs the input '${inputName}', which molap learn cannot make`);
        }
      }
      const model = await strategy.create(context, spec.options, { seed, corpus: plan.corpus, inputs });
      try {
        const schedule = strategy.meta.schedule;
        const progress = await createProgress(progressMode(options), io);
        progress.step(`${spec.name} learns ${plan.tasks.join(', ')} (seed ${seed})`);
        const identity = {
          model: spec.name,
          strategy: spec.strategy,
          options: spec.options,
          seed,
          tasks: plan.tasks,
          budget: plan.budget,
          taskOptions: plan.taskOptions,
          engine: runEngine.name,
        };
        await claimCheckpoints(learningCheckpoints(out), identity as unknown as Json, {
          restart: options.restart === true,
          shown: join(options.out, 'learning-checkpoints'),
        });
        let records: Awaited<ReturnType<typeof model.learn>>;
        try {
          records = await model.learn(plan.tasks, core.budgetFor(plan.budget, schedule, plan.tasks.length), {
            seed,
            signal,
            checkpointDir: learningCheckpoints(out),
            onProgress: (taskId, point) => {
              progress.event({ type: 'curve', model: spec.name, taskId, point } as { type: string });
              progress.status(`${taskId}: ${point.trials} trials, performance ${point.performance.toFixed(2)}`);
            },
          });
          signal.throwIfAborted();
        } catch (error) {
          progress.end('failed', signal.aborted ? 'stopped' : undefined);
          if (!signal.aborted) {
            const job = { id: 'learn', kind: 'train' as const, seed, model: spec.name, inputs: [] };
            throw jobFailure(error, job, plan, strategies, 'then run the command again with --restart');
          }
          io.stderr(
            `molap: interrupted; run the same command again to resume from the checkpoints in ${options.out}\n`,
          );
          return ExitCode.interrupted;
        }
        await writeOutput(join(out, 'model'), () => model.save(out));
        await rm(learningCheckpoints(out), { recursive: true, force: true });
        progress.end('done', `saved the model in ${options.out}`);
        if (options.json) {
          io.stdout(
            `${JSON.stringify({ model: spec.name, strategy: model.strategy, records, parameters: model.parameterCount() }, null, 2)}\n`,
          );
        } else {
          const rows = records.map((record) => [
            record.taskId,
            record.performance.toFixed(3),
            record.trialsToCriterion === null ? '–' : String(record.trialsToCriterion),
            formatNumber(record.trainableParameters, 0),
            formatNumber(record.parameterUpdates, 0),
          ]);
          io.stdout(formatTable(['task', 'performance', 'trials to criterion', 'trainable', 'updates'], rows));
        }
        return ExitCode.ok;
      } finally {
        await model.dispose();
      }
    } finally {
      await runEngine.dispose();
    }
  },
});
