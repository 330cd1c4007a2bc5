/** Plain-text tables and files written by commands. */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative } from 'node:path';
import { CommandError, UsageError } from './errors.js';

/** A left-aligned table with a header row; cells are padded to the widest entry of their column. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** `value` with `digits` decimals, without trailing zeros ("20", "0.05"). */
export const formatNumber = (value: number, digits = 3): string =>
  Number.isInteger(value) ? String(value) : String(Number(value.toFixed(digits)));

/** Human-readable byte size. */
export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} kB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/**
 * Runs `write` after creating the folder of `path`; turns file-system errors into one-line failures.
 * Writers are atomic (temporary file in the same folder, then rename): a failed write leaves no partial file.
 */
export async function writeOutput(path: string, write: (path: string) => Promise<void>): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await write(path);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n', 1)[0] : String(cause);
    throw new CommandError(`cannot write ${path}: ${message}`, { cause });
  }
}

/**
 * Checks, before any work, that `path` can be written later: its folder exists or can be made and is
 * writable, and `path` is not a folder. Refuses with exit 2 naming the option, so a long computation never
 * ends in "cannot write".
 * @param option the flag that named the path, e.g. '--out'.
 * @param shown the path as the user gave it (messages).
 */
export async function checkWritable(path: string, option: string, shown = path): Promise<void> {
  const refuse = (why: string): never => {
    throw new UsageError(`${option} ${shown} cannot be written: ${why}`, {
      hint: `choose a file in a folder you can write to, e.g. ${option} results/table.json`,
    });
  };
  const folder = dirname(path);
  try {
    await mkdir(folder, { recursive: true });
  } catch (cause) {
    refuse(`its folder cannot be made (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) refuse('it is a folder');
  try {
    await access(info ? path : folder, constants.W_OK);
  } catch {
    refuse(info ? 'the file is read-only' : 'its folder is not writable');
  }
}

/** Writes a text file atomically (creating its folder). */
export async function writeTextFile(path: string, text: string): Promise<void> {
  const { writeFileAtomic } = await import('@molap/backend');
  await writeOutput(path, (target) => writeFileAtomic(target, text));
}

/** `path` for messages: relative to `cwd` when inside it (`.` for `cwd` itself), else as it is. */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * `text` as one word of a POSIX shell: unchanged when it holds only safe characters, else in single quotes
 * (a `'` inside becomes `'\''`), so a printed command can be pasted as it is (paths with spaces, `$`, quotes).
 */
export function shellQuote(text: string): string {
  if (text !== '' && /^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `value` as indented JSON and a newline (the `--json` output of commands), through `replacer` if given. */
export const json = (value: unknown, replacer?: (key: string, value: unknown) => unknown): string =>
  `${JSON.stringify(value, replacer, 2)}\n`;

/** A `JSON.stringify` replacer writing NaN as null (JSON has no NaN). */
export const nanToNull = (_key: string, value: unknown): unknown =>
  typeof value === 'number' && Number.isNaN(value) ? null : value;
