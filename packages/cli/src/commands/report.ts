/**
 * `molap report <run-dir>`: re-renders report.html of a run folder from its results.json (`readResults`,
 * `renderReport` of @molap/analysis) and the example trials the run kept. With `--partial`, a run that has not
 * finished (or is still running): the results and report of the models whose every job is done
 * (`assembleFinishedModels` of @molap/study), written as partial-results.json and partial-report.html.
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ExampleTrial } from '@molap/analysis';
import { errorKind, isMolapError, parseJsonText } from '@molap/core';
import { EXAMPLE_TRIALS_JSON } from '@molap/study';
import { type CliIo, commonOptions, defineCommand } from '../command.js';
import { CommandError, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { writeTextFile } from '../output.js';
import { findProject, loadPluginRegistries, loadTaskCatalog } from '../project.js';

/** Files `molap report --partial` writes into the run folder (the finished run's own names stay its own). */
export const PARTIAL_RESULTS_JSON = 'partial-results.json';
export const PARTIAL_REPORT_HTML = 'partial-report.html';

export const reportCommand = defineCommand({
  words: ['report'],
  summary: 're-render report.html of a run folder from its results.json',
  details: [
    'Reads results.json (older schema versions are migrated) and the example trials of the run, and writes the',
    'report again (after upgrading molap, or with another title or set of example tasks).',
  ],
  args: [{ name: 'run-dir', description: 'a run folder of molap run', required: true }],
  options: {
    out: flag.string('write the report here instead of <run-dir>/report.html', { value: 'file' }),
    title: flag.string('page title', { value: 'text' }),
    exampleTasks: flag.list('tasks whose example trials are shown (default the first four corpus tasks)', {
      value: 'id,…',
    }),
    partial: flag.boolean(
      `a run that has not finished, or is still running: results and report of the models whose jobs are all done (${PARTIAL_RESULTS_JSON}, ${PARTIAL_REPORT_HTML})`,
    ),
    ...commonOptions,
  },
  examples: [
    'molap report molap-runs/20251126-142501-quick',
    'molap report molap-runs/20251126-142501-quick --title "Lab meeting" --out slides/report.html',
    'molap report molap-runs/20251207-232625-standard --partial',
  ],
  async run(input) {
    const { options, io } = input;
    const dir = resolve(input.cwd, input.args[0]);
    if (options.partial) return void (await partialReport(dir, input.cwd, options, io));
    const analysis = await import('@molap/analysis');
    let results: Awaited<ReturnType<typeof analysis.readResults>>;
    try {
      results = await analysis.readResults(join(dir, analysis.RESULTS_JSON));
    } catch (error) {
      // the file is missing, damaged, of another format or a newer version: the user's to fix
      if (!isMolapError(error) || errorKind(error) !== 'bad-input') throw error;
      throw new UsageError(error.problem, {
        hint: `pass a run folder of molap run that finished (it writes ${analysis.RESULTS_JSON} at the end)`,
        cause: error,
      });
    }
    const examplesPath = join(dir, EXAMPLE_TRIALS_JSON);
    const examples = await readFile(examplesPath, 'utf8').then(
      (text) =>
        parseJsonText(text, examplesPath, 'delete it to render the report without example trials') as ExampleTrial[],
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw new CommandError(`cannot read ${join(dir, EXAMPLE_TRIALS_JSON)}: ${error.message}`, { cause: error });
      },
    );
    const html = await analysis.renderReport(results, {
      ...(examples ? { exampleTrials: examples } : {}),
      ...(options.title ? { title: options.title } : {}),
      ...(options.exampleTasks ? { exampleTasks: options.exampleTasks } : {}),
    });
    const out = options.out === undefined ? join(dir, analysis.REPORT_HTML) : resolve(input.cwd, options.out);
    await writeTextFile(out, html);
    io.stdout(`report: ${relative(input.cwd, out) || out}\n`);
  },
});

/** `--partial`: the finished models of a run folder, their results and report (see the module comment). */
async function partialReport(
  dir: string,
  cwd: string,
  options: { readonly out?: string; readonly title?: string; readonly exampleTasks?: readonly string[] },
  io: CliIo,
): Promise<void> {
  const [analysis, study] = await Promise.all([import('@molap/analysis'), import('@molap/study')]);
  let record: Awaited<ReturnType<typeof study.readRunRecord>>;
  try {
    record = await study.readRunRecord(dir, relative(cwd, dir) || dir);
  } catch (error) {
    if (!isMolapError(error) || errorKind(error) !== 'bad-input') throw error;
    throw new UsageError(error.problem, { hint: 'pass a run folder of molap run', cause: error });
  }
  const catalog = await loadTaskCatalog(await findProject(cwd), record.plan.plugins);
  const plugins = await loadPluginRegistries(catalog, io, false);
  const partial = await study.assembleFinishedModels(dir, { registry: catalog.registry, ...plugins });
  const names = partial.plan.models.map((model) => model.name);
  const total = names.length + partial.unfinished.length;
  const html = await analysis.renderReport(partial.results, {
    exampleTrials: partial.exampleTrials,
    title: `${options.title ?? 'molap run report'} (partial: ${names.length} of ${total} models)`,
    ...(options.exampleTasks ? { exampleTasks: options.exampleTasks } : {}),
  });
  const resultsFile = join(dir, PARTIAL_RESULTS_JSON);
  const out = options.out === undefined ? join(dir, PARTIAL_REPORT_HTML) : resolve(cwd, options.out);
  await analysis.writeResults(resultsFile, partial.results);
  await writeTextFile(out, html);
  const shown = (path: string) => relative(cwd, path) || path;
  io.stdout(
    [
      `${partial.jobs.done} of ${partial.jobs.total} jobs done; finished models: ${names.join(', ')}`,
      partial.unfinished.length > 0
        ? `not finished, left out: ${partial.unfinished.join(', ')}`
        : 'every model has finished: `molap run --resume` writes the final results',
      `results: ${shown(resultsFile)}`,
      `report: ${shown(out)}`,
      '',
    ].join('\n'),
  );
}
