/**
 * `molap bench <suite>`: runs a benchmark script of an installed molap package. Suites are the files
 * `benchmarks/<suite>.bench.mjs` that the packages ship (their package.json `files` lists `benchmarks`);
 * each imports its package's `dist`, so it measures the installed build. Arguments after the suite name go
 * to the script unchanged (`--json`, `--reps 50`, …).
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unknownNameProblem } from '@molap/tasks';
import { commonOptions, defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { formatTable } from '../output.js';

/** The molap packages whose benchmark suites `molap bench` runs. */
export const BENCHMARKED_PACKAGES = [
  '@molap/tasks',
  '@molap/backend',
  '@molap/primitives',
  '@molap/composer',
  '@molap/baselines',
  '@molap/analysis',
] as const;

/** A benchmark script of an installed package. */
export interface BenchmarkSuite {
  readonly name: string;
  readonly package: string;
  readonly file: string;
}

/** The suites of the installed molap packages, found through this package's dependency resolution. */
export async function findBenchmarkSuites(): Promise<BenchmarkSuite[]> {
  const suites: BenchmarkSuite[] = [];
  for (const pkg of BENCHMARKED_PACKAGES) {
    let folder: string;
    try {
      folder = join(dirname(fileURLToPath(import.meta.resolve(`${pkg}/package.json`))), 'benchmarks');
    } catch {
      continue;
    }
    const files = await readdir(folder).catch(() => [] as string[]);
    for (const file of files.sort()) {
      const match = /^(.+)\.bench\.mjs$/.exec(file);
      if (match) suites.push({ name: match[1], package: pkg, file: join(folder, file) });
    }
  }
  return suites;
}

export const bench = defineCommand({
  words: ['bench'],
  summary: 'run a benchmark suite of the installed molap packages (rnn, tasks, …); no suite lists them',
  details: [
    'Everything after the suite name goes to the script: `molap bench rnn --json --engines native`.',
    'Take figures on an idle machine; the scripts print the load average next to their results.',
  ],
  args: [{ name: 'suite', description: 'suite name, e.g. rnn (backend) or tasks (task generation)', required: false }],
  options: { ...commonOptions },
  passThrough: true,
  examples: [
    'molap bench',
    'molap bench rnn --json',
    'molap bench tasks --reps 50',
    'molap bench rnn --engines native --sizes 256x64x100',
  ],
  async run(input) {
    const suites = await findBenchmarkSuites();
    const wanted = input.args[0];
    if (wanted === undefined) {
      input.io.stdout(
        formatTable(
          ['suite', 'package', 'script'],
          suites.map((s) => [s.name, s.package, s.file]),
        ),
      );
      return ExitCode.ok;
    }
    const suite = suites.find((s) => s.name === wanted);
    if (!suite) {
      const names = suites.map((s) => s.name);
      throw new UsageError(unknownNameProblem('benchmark suite', wanted, names), {
        hint: `the suites are ${suites.map((s) => s.name).join(', ') || '(none installed)'}`,
      });
    }
    const child = spawn(process.execPath, [suite.file, ...input.rest], { stdio: ['inherit', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (text: string) => input.io.stdout(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => input.io.stderr(text));
    return new Promise<number>((resolveCode, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolveCode(code ?? (signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.failure)),
      );
    });
  },
});
