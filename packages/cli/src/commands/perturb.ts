/**
 * `molap perturb <model-dir>`: the perturbation suite of the run on a saved model (`perturbSavedModel` of
 * @molap/study, the same measurement as a study's robustness stage): performance at each magnitude and the
 * normalised area under each curve, over the tasks the model learned.
 */
import { resolve } from 'node:path';
import { perturbSavedModel, type SavedModelRobustness } from '@molap/study';
import { commonOptions, defineCommand, outputOptions, projectOptions } from '../command.js';
import { ExitCode } from '../errors.js';
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
    const { plan, registry, engine, plugins } = await prepareRun(input, { strict: options.strict === true });
    try {
      const seed = singleSeed(plan.seeds, 'perturb');
      const progress = await createProgress(progressMode(options), io);
      let document: SavedModelRobustness;
      try {
        document = await perturbSavedModel({
          plan,
          registry,
          engine,
          strategies: plugins.strategies,
          perturbations: plugins.perturbations,
          seed,
          model: resolve(input.cwd, input.args[0]),
          shown: input.args[0],
          signal,
          onStart: ({ strategy, tasks }) =>
            progress.step(`${strategy} model, ${tasks.length} tasks (${tasks.join(', ')}), seed ${seed}`),
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
      progress.end('done', `${document.curves.length} perturbations`);
      if (options.out !== undefined)
        await writeTextFile(resolve(input.cwd, options.out), `${JSON.stringify(document, null, 2)}\n`);
      if (options.json) {
        io.stdout(`${JSON.stringify(document, null, 2)}\n`);
        return ExitCode.ok;
      }
      io.stdout(formatPerturbationCurves(document.curves, document.tasks.length, plan.analysisTrials));
      return ExitCode.ok;
    } finally {
      await engine.dispose();
    }
  },
});
