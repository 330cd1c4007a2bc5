/**
 * `molap perturb <model-dir>`: the perturbation suite of the run on a saved model (`loadSavedModel` of
 * @molap/baselines, `robustnessCurves` on the fixed analysis trials of @molap/analysis): performance at each
 * magnitude and the normalised area under each curve, over the tasks the model learned.
 */
import { resolve } from 'node:path';
import { createBuiltinStrategyRegistry } from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { runOptions, seedOption, singleSeed } from '../flags.js';
import { flag } from '../options.js';
import { writeTextFile } from '../output.js';
import { createProgress, progressMode } from '../progress.js';
import { prepareRun } from '../run/prepare.js';
import { formatPerturbationCurves } from '../text/perturb.js';

export const perturbCommand = defineCommand({
  words: ['perturb'],
  summary: 'the perturbation suite on a saved model: performance against perturbation magnitude',
  details: [
    'Loads the model (saved by molap learn, or a model of a run folder: <run>/state/jobs/train/<model>/seed-<s>/files/model),',
    'evaluates every task it learned on the fixed analysis trials of the seed under each perturbation of',
    'run.perturbations (--perturbations) and prints the mean performance at each magnitude and the normalised AUC.',
  ],
  args: [{ name: 'model-dir', description: 'folder of a saved model', required: true }],
  interruptible: true,
  options: {
    perturbations: runOptions.perturbations,
    analysisTrials: runOptions.analysisTrials,
    ...seedOption,
    out: flag.string('write the curves (JSON) to this file', { value: 'file' }),
    engine: runOptions.engine,
    tfjsBackend: runOptions.tfjsBackend,
    threads: runOptions.threads,
    plugins: runOptions.plugins,
    strict: runOptions.strict,
    ...outputOptions,
    ...projectOptions,
    ...commonOptions,
  },
  examples: [
    'molap perturb models/molap',
    'molap perturb models/multitask --perturbations unit-silencing,input-noise --analysis-trials 512 --json',
    'molap perturb molap-runs/20251126-142501-quick/state/jobs/train/molap/seed-1/files/model --out curves.json',
  ],
  async run(input) {
    const { options, io, signal } = input;
    const { plan, registry, engine } = await prepareRun(input, { strict: options.strict === true });
    try {
      const seed = singleSeed(plan.seeds, 'perturb');
      const [analysis, core] = await Promise.all([import('@molap/analysis'), import('@molap/core')]);
      const context = {
        engine,
        tasks: registry,
        ...(Object.keys(plan.taskOptions).length > 0 ? { taskOptions: plan.taskOptions } : {}),
      };
      const model = await core
        .loadSavedModel(resolve(input.cwd, input.args[0]), context, await createBuiltinStrategyRegistry())
        .catch((error: unknown) => {
          throw new UsageError(
            `cannot load a model from ${input.args[0]}: ${(error as Error).message.split('\n', 1)[0]}`,
            {
              hint: 'pass a folder molap learn saved a model into, or a model of a run folder (<run>/state/jobs/train/<model>/seed-<s>/files/model)',
              cause: error,
            },
          );
        });
      try {
        const tasks = model.learnedTasks();
        const perturbations = analysis.createBuiltinPerturbationRegistry();
        const progress = await createProgress(progressMode(options), io);
        progress.step(`${model.strategy} model, ${tasks.length} tasks (${tasks.join(', ')}), seed ${seed}`);
        let curves: Awaited<ReturnType<typeof analysis.robustnessCurves>>;
        try {
          curves = await analysis.robustnessCurves(model, {
            perturbations: plan.perturbations.map(({ id, ...grid }) => ({ spec: perturbations.get(id), ...grid })),
            batches: analysis.analysisBatches(
              tasks.map((id) => registry.get(id)),
              { trials: plan.analysisTrials, seed, taskOptions: plan.taskOptions },
            ),
            noiseSeed: (taskId) => analysis.analysisNoiseSeed(seed, taskId),
            seed,
            signal,
            onCurve: (id, curve) => {
              progress.event({ type: 'curve', perturbation: id, ...curve } as { type: string });
              progress.status(`${id}: ${curve.taskId} AUC ${curve.auc.toFixed(3)}`);
            },
          });
        } catch (error) {
          progress.end('failed', signal.aborted ? 'stopped' : undefined);
          if (!signal.aborted) throw error;
          io.stderr('molap: interrupted\n');
          return ExitCode.interrupted;
        }
        progress.end('done', `${curves.length} perturbations`);
        const document = { strategy: model.strategy, seed, tasks, analysisTrials: plan.analysisTrials, curves };
        if (options.out !== undefined)
          await writeTextFile(resolve(input.cwd, options.out), `${JSON.stringify(document, null, 2)}\n`);
        if (options.json) {
          io.stdout(`${JSON.stringify(document, null, 2)}\n`);
          return ExitCode.ok;
        }
        io.stdout(formatPerturbationCurves(curves, tasks.length, plan.analysisTrials));
        return ExitCode.ok;
      } finally {
        await model.dispose();
      }
    } finally {
      await engine.dispose();
    }
  },
});
