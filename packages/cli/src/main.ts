/**
 * The `molap` command line: picks the command from the first words of argv, parses its flags, runs it,
 * and turns errors into one line (plus a hint) and an exit code.
 */
import { errorKind, isMolapError } from '@molap/core';
import { unknownNameProblem } from '@molap/tasks';
import { type CliIo, type CommandSpec, columns, commandHelp } from './command.js';
import { bench } from './commands/bench.js';
import { compareCommand } from './commands/compare.js';
import { CONFIG_COMMANDS } from './commands/config.js';
import { learnCommand } from './commands/learn.js';
import { newTaskCommand } from './commands/new.js';
import { perturbCommand } from './commands/perturb.js';
import { pretrainCommand } from './commands/pretrain.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { TASKS_COMMANDS } from './commands/tasks.js';
import { workerCommand } from './commands/worker.js';
import { CommandError, ExitCode, UsageError } from './errors.js';
import { parseCommandLine } from './options.js';
import { PACKAGE_VERSION } from './version.js';

/** Every command, in the order `molap --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  runCommand as CommandSpec,
  workerCommand as CommandSpec,
  pretrainCommand as CommandSpec,
  learnCommand as CommandSpec,
  perturbCommand as CommandSpec,
  reportCommand as CommandSpec,
  ...(TASKS_COMMANDS as readonly CommandSpec[]),
  newTaskCommand as CommandSpec,
  compareCommand as CommandSpec,
  bench as CommandSpec,
  ...(CONFIG_COMMANDS as readonly CommandSpec[]),
];

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrStream: process.stderr,
};

/** `molap --version`. */
export const versionLine = () => `molap/${PACKAGE_VERSION} node-${process.version} ${process.platform}-${process.arch}`;

function overview(): string {
  const rows = COMMANDS.map((command): [string, string] => [`molap ${command.words.join(' ')}`, command.summary]);
  return [
    `molap ${PACKAGE_VERSION}: multi-task learning in recurrent neural networks (MoLaP and baselines)`,
    `Usage:\n  molap <command> [options]\n  molap <command> --help     options and examples of a command`,
    `Commands:\n${columns(rows)}`,
    'Options:\n  --help, -h     show this help\n  --version, -v  print the version',
    'Exit codes: 0 ok, 1 failure, 2 usage error (unknown command, flag, task id, bad value, bad config), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).',
  ].join('\n\n');
}

const words = (command: CommandSpec) => command.words.join(' ');

/** The command named by the first words of argv, and the arguments after them. */
function route(argv: readonly string[]): { command: CommandSpec; rest: readonly string[] } | undefined {
  let best: CommandSpec | undefined;
  for (const command of COMMANDS) {
    if (command.words.every((word, i) => argv[i] === word) && (!best || command.words.length > best.words.length)) {
      best = command;
    }
  }
  return best && { command: best, rest: argv.slice(best.words.length) };
}

/** Help of a group (`molap tasks`): its commands. */
function groupHelp(group: string): string {
  const rows = COMMANDS.filter((command) => command.words[0] === group).map((command): [string, string] => [
    `molap ${words(command)}`,
    command.summary,
  ]);
  return `Commands of molap ${group}:\n${columns(rows)}\n\nRun \`molap ${group} <command> --help\` for its options and examples.\n`;
}

function unknownCommand(argv: readonly string[]): UsageError {
  const group = COMMANDS.some((command) => command.words.length > 1 && command.words[0] === argv[0]);
  const typed = group ? argv.slice(0, 2).join(' ') : argv[0];
  const names = group
    ? COMMANDS.filter((command) => command.words[0] === argv[0]).map(words)
    : [...new Set(COMMANDS.map((command) => command.words[0]))];
  return new UsageError(unknownNameProblem('command', typed, names), {
    hint: group ? `the commands are ${names.join(', ')}` : 'run `molap --help` to see the commands',
  });
}

/** How the process lets a command handle Ctrl-C (see `CommandSpec.interruptible`). */
export interface InterruptControls {
  /** Aborted on Ctrl-C once `interruptible()` was called. */
  readonly signal: AbortSignal;
  /** Called when the command chosen handles Ctrl-C itself. */
  interruptible(): void;
}

const never: InterruptControls = { signal: new AbortController().signal, interruptible() {} };

async function dispatch(argv: readonly string[], io: CliIo, cwd: string, controls: InterruptControls): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    io.stderr(`${overview()}\n`);
    return ExitCode.usage;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${versionLine()}\n`);
    return ExitCode.ok;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(`${overview()}\n`);
    return ExitCode.ok;
  }
  if (first === 'help') return dispatch([...argv.slice(1), '--help'], io, cwd, controls); // `molap help tasks plot`
  const routed = route(argv);
  if (!routed) {
    const isGroup = COMMANDS.some((command) => command.words.length > 1 && command.words[0] === first);
    if (isGroup && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
      if (argv.length === 1) {
        io.stderr(groupHelp(first));
        return ExitCode.usage;
      }
      io.stdout(groupHelp(first));
      return ExitCode.ok;
    }
    throw unknownCommand(argv);
  }
  const { command, rest } = routed;
  const firstPositional = rest.findIndex((arg) => !arg.startsWith('-'));
  const own = command.passThrough && firstPositional >= 0 ? rest.slice(0, firstPositional) : rest;
  const ownArgs = own.includes('--') ? own.slice(0, own.indexOf('--')) : own;
  if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
    io.stdout(commandHelp(command));
    return ExitCode.ok;
  }
  const parsed = parseCommandLine(rest, { name: words(command), ...command });
  if (command.interruptible) controls.interruptible();
  const signal = command.interruptible ? controls.signal : never.signal;
  const code = await command.run({ ...parsed, io, cwd, signal });
  return typeof code === 'number' ? code : ExitCode.ok;
}

/**
 * The exit code an error maps to, by its kind, never by its name or message: the command's own errors say
 * theirs; molap errors of every package (recognised by their brand) are 2 when the input was wrong and 1
 * when the work failed; anything else is a failure (1).
 */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommandError) return error.exitCode;
  return errorKind(error) === 'bad-input' ? ExitCode.usage : ExitCode.failure;
}

/** One line (plus hint lines); the stack and causes with `--debug`. */
function formatError(error: unknown, debug: boolean): string {
  const lines: string[] = [];
  if (error instanceof CommandError) {
    lines.push(`molap: ${error.message}`);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
  } else if (isMolapError(error)) {
    lines.push(`molap: ${error.message}`);
  } else {
    lines.push(`molap: ${error instanceof Error ? error.message : String(error)}`);
  }
  const known = error instanceof CommandError || isMolapError(error);
  if (debug) {
    for (let current: unknown = error; current instanceof Error; current = current.cause) {
      lines.push(current === error ? (current.stack ?? '') : `caused by: ${current.stack ?? current.message}`);
    }
  } else if (!known) {
    lines.push('  hint: run again with --debug to see the stack trace');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the `molap` command line.
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @param io where output goes (default: the process's stdout and stderr).
 * @param cwd folder relative paths are resolved against (default `process.cwd()`).
 * @param controls Ctrl-C handling of interruptible commands (default: they are never interrupted).
 * @returns the exit code (see {@link ExitCode}).
 */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  cwd = process.cwd(),
  controls: InterruptControls = never,
): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv, io, cwd, controls);
  } catch (error) {
    io.stderr(formatError(error, debug));
    return exitCodeOf(error);
  }
}
