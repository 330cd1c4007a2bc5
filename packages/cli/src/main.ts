import { cac } from 'cac';
import { PACKAGE_VERSION } from './version.js';

/** Exit codes of the `molap` command. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** Where the command writes: injectable so tests and embedders can capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the `molap` command line.
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @returns the exit code (see {@link ExitCode}).
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const cli = cac('molap');
  cli.version(PACKAGE_VERSION);
  cli.help();
  let matched = false;
  try {
    cli.parse(['node', 'molap', ...argv], { run: false });
    if (cli.options.help || cli.options.version) return ExitCode.ok;
    if (cli.matchedCommand) {
      matched = true;
      await cli.runMatchedCommand();
      return ExitCode.ok;
    }
    io.stderr(`molap: unknown command ${JSON.stringify(argv[0] ?? '')}. Run \`molap --help\` to see the commands.\n`);
    return ExitCode.usage;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`molap: ${message}\n`);
    return matched ? ExitCode.failure : ExitCode.usage;
  }
}
