/**
 * A command of `molap`: its words (`tasks list`), flags, positional arguments, help text with examples,
 * and the function that maps the parsed arguments to library calls.
 */
import type { Writable } from 'node:stream';
import { type ArgumentSpec, flag, flagLabel, type OptionSpecs, type ParsedCommandLine } from './options.js';

/** Where the command writes: injectable so tests and embedders can capture output. */
export interface CliIo {
  /** Results. */
  stdout(text: string): void;
  /** Progress, warnings and errors. */
  stderr(text: string): void;
  /** The stream behind `stderr`, when there is one: a terminal gets a live spinner (see `createProgress`). */
  readonly stderrStream?: Writable & { readonly isTTY?: boolean };
}

/** What a command's `run` receives. */
export interface CommandInput<S extends OptionSpecs> extends ParsedCommandLine<S> {
  readonly io: CliIo;
  /** Folder relative paths are resolved against. */
  readonly cwd: string;
  /** Aborted on Ctrl-C for `interruptible` commands (never aborted for the others). */
  readonly signal: AbortSignal;
}

/** A command. `run` resolves to an exit code (anything else means 0) or throws (see `errors.ts`). */
export interface CommandSpec<S extends OptionSpecs = OptionSpecs> {
  /** The words that select it, e.g. `['tasks', 'list']`. */
  readonly words: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** More lines for its help, when needed. */
  readonly details?: readonly string[];
  readonly args: readonly ArgumentSpec[];
  readonly options: S;
  /** Keep every argument after the first positional untouched (`rest`), for forwarding. */
  readonly passThrough?: boolean;
  /**
   * Ctrl-C aborts `signal` so the command can stop at a checkpoint and say how to resume (a second Ctrl-C
   * ends the process at once). Other commands end at once on Ctrl-C.
   */
  readonly interruptible?: boolean;
  /** Full command lines, shown under "Examples". */
  readonly examples: readonly string[];
  run(input: CommandInput<S>): Promise<unknown>;
}

/** Identity with the type inference of the flags. */
export const defineCommand = <S extends OptionSpecs>(spec: CommandSpec<S>): CommandSpec<S> => spec;

/** Flags every command takes. */
export const commonOptions = {
  help: flag.boolean('show this help (also -h)'),
  debug: flag.boolean('print the stack trace of an error'),
};

/** Flags of commands that read `molap.config.json` and the project's task plugins. */
export const projectOptions = {
  project: flag.string(
    'project folder, where task plugins and molap.config.json are looked up (default: the nearest folder, from here upwards, with a package.json or molap.config.json)',
    { value: 'dir' },
  ),
  config: flag.string('config file (default: molap.config.json in the project folder)', { value: 'file' }),
  preset: flag.string('apply this preset of the config file over its values', { value: 'name' }),
};

/** Flags of commands with machine-readable output and progress. */
export const outputOptions = {
  json: flag.boolean('machine-readable output: JSON on stdout, progress as JSON lines on stderr'),
  quiet: flag.boolean('no progress on stderr (results and errors only)'),
};

const wrap = (text: string, width: number, indent: string): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
};

/** Two columns: label and wrapped text. */
export function columns(rows: readonly (readonly [string, string])[], width = 100): string {
  const labelWidth = Math.min(Math.max(...rows.map(([label]) => label.length)), 34);
  const indent = ' '.repeat(labelWidth + 4);
  return rows
    .map(([label, text]) => {
      const pad = label.length > labelWidth ? `\n${indent}` : ' '.repeat(labelWidth - label.length + 2);
      return `  ${label}${pad}${wrap(text, width - indent.length, indent)}`;
    })
    .join('\n');
}

/** The `--help` text of a command. */
export function commandHelp(command: CommandSpec): string {
  const name = `molap ${command.words.join(' ')}`;
  const required = Object.entries(command.options)
    .filter(([, spec]) => spec.required)
    .map(([key, spec]) => flagLabel(key, spec));
  const args = command.args.map((arg) => (arg.required ? `<${arg.name}>` : `[${arg.name}]`));
  const usage = [name, ...args, ...required, '[options]', ...(command.passThrough ? ['[-- script options]'] : [])];
  const sections = [`${name}: ${command.summary}`];
  if (command.details) sections.push(command.details.join('\n'));
  sections.push(`Usage:\n  ${usage.join(' ')}`);
  if (command.args.length > 0) {
    sections.push(`Arguments:\n${columns(command.args.map((arg) => [`<${arg.name}>`, arg.description]))}`);
  }
  const options = Object.entries(command.options).map(([key, spec]): [string, string] => {
    const notes = [
      spec.defaultText ? `default ${spec.defaultText}` : '',
      spec.config ? `config ${spec.config.join('.')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return [flagLabel(key, spec), notes ? `${spec.description} (${notes})` : spec.description];
  });
  sections.push(`Options:\n${columns(options)}`);
  if (command.examples.length > 0)
    sections.push(`Examples:\n${command.examples.map((line) => `  ${line}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}
