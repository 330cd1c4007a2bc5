/**
 * `molap report <run-dir>`: re-renders report.html of a run folder from its results.json (`readResults`,
 * `renderReport` of @molap/analysis) and the example trials the run kept.
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ExampleTrial } from '@molap/analysis';
import { errorKind, isMolapError, parseJsonText } from '@molap/core';
import { EXAMPLE_TRIALS_JSON } from '@molap/study';
import { commonOptions, defineCommand } from '../command.js';
import { CommandError, UsageError } from '../errors.js';
import { flag } from '../options.js';
import { writeTextFile } from '../output.js';

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
    ...commonOptions,
  },
  examples: [
    'molap report molap-runs/20251126-142501-quick',
    'molap report molap-runs/20251126-142501-quick --title "Lab meeting" --out slides/report.html',
  ],
  async run(input) {
    const { options, io } = input;
    const dir = resolve(input.cwd, input.args[0]);
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
