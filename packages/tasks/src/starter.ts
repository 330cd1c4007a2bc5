/**
 * The starter of a task plugin (`molap new task <name>`, or a program): checks the package name and the task
 * id, then writes a new plugin package (`taskPluginFiles`) into a new or empty folder. Nothing is written
 * when a name, the id or the folder is wrong.
 */
import { InvalidOptionError } from './errors.js';
import { type TaskPluginNames, taskPluginFiles } from './starter-files.js';
import { TASK_ID_PATTERN } from './task-validation.js';
import { yang19 } from './yang19/index.js';

/** Options of `writeTaskPlugin`. */
export interface WriteTaskPluginOptions {
  /**
   * npm package name of the plugin: lower case, URL-safe, at most 214 characters, optionally scoped
   * (`molap-task-memory-saccade`, `@my-lab/molap-task-memory-saccade`).
   */
  readonly name: string;
  /** Folder to write into (must not exist, or be empty). Relative paths are resolved against `cwd`. */
  readonly dir: string;
  /** Folder `dir` is relative to. Default `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Id of the task. Default: from the name without the `molap-task-` prefix, with the npm scope as the id's
   * scope (`@my-lab/molap-task-memory-saccade` → `my-lab/memory-saccade`).
   */
  readonly taskId?: string;
}

/** What `writeTaskPlugin` wrote. */
export interface WrittenTaskPlugin extends TaskPluginNames {
  /** Absolute folder of the plugin. */
  readonly dir: string;
  /** Paths of the files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
}

/** The conventional prefix of task plugin packages (for search on npm; discovery does not use it). */
export const TASK_PLUGIN_PREFIX = 'molap-task-';

const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const RESERVED_NAMES = new Set(['node_modules', 'favicon.ico']);

/** The task id a package name gives by default (see `WriteTaskPluginOptions.taskId`). */
export function defaultTaskId(name: string): string {
  const scoped = /^@([^/]+)\/(.+)$/.exec(name);
  const bare = (scoped ? scoped[2] : name).replace(/^molap-task-/, '') || (scoped ? scoped[2] : name);
  return scoped ? `${scoped[1]}/${bare}` : bare;
}

async function checkPackageName(name: unknown): Promise<string> {
  const fix = (why: string) =>
    new InvalidOptionError(
      'name',
      name,
      `${why}: the plugin's npm package name must be lower case, URL-safe and at most 214 characters, optionally scoped, e.g. molap-task-memory-saccade or @my-lab/molap-task-memory-saccade.`,
    );
  if (typeof name !== 'string' || name === '') throw fix('It is empty');
  if (name.length > 214) throw fix(`It has ${name.length} characters`);
  if (name !== name.toLowerCase()) throw fix('It has capital letters');
  if (!PACKAGE_NAME.test(name)) throw fix('It has characters npm does not allow, or starts with . or _');
  const { builtinModules } = await import('node:module');
  const last = name.split('/').pop() as string;
  if (RESERVED_NAMES.has(name) || builtinModules.includes(name))
    throw fix('It is reserved (a Node.js built-in module or a name npm refuses)');
  if (last === '.' || last === '..') throw fix('It names no folder');
  return name;
}

function checkTaskId(taskId: string, fromName: boolean): string {
  const made = fromName ? 'Made from the package name, it' : 'It';
  if (!TASK_ID_PATTERN.test(taskId)) {
    throw new InvalidOptionError(
      'taskId',
      taskId,
      `${made} is not a task id: ids are lower-kebab ('memory-saccade') or 'scope/name' with both parts lower-kebab ('my-lab/memory-saccade'). Pass one as taskId (molap new task --id).`,
    );
  }
  if (yang19.some((task) => task.id === taskId)) {
    throw new InvalidOptionError(
      'taskId',
      taskId,
      `${made} is the id of a built-in Yang et al. 2019 task: pass another as taskId (molap new task --id), scoped to your lab ('my-lab/${taskId}').`,
    );
  }
  return taskId;
}

const displayNameOf = (taskId: string) => {
  const words = (taskId.split('/').pop() as string).replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * Writes a new task plugin package into `dir`: package.json with the molap manifest (apiVersion 2), one
 * `defineTask` task with a commented template, a conformance test, tsup and TypeScript configs, a README.
 * The name, the task id and the folder are checked before anything is written.
 * @throws InvalidOptionError (bad input) for a name npm refuses, a task id that breaks the id rules or is a
 *   built-in task's, or a folder that is a file or is not empty.
 */
export async function writeTaskPlugin(options: WriteTaskPluginOptions): Promise<WrittenTaskPlugin> {
  const packageName = await checkPackageName(options?.name);
  const taskId = checkTaskId(options.taskId ?? defaultTaskId(packageName), options.taskId === undefined);
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new InvalidOptionError('dir', options.dir, 'Pass the folder to write the plugin into.');
  }
  const dir = path.resolve(options.cwd ?? process.cwd(), options.dir);
  const found = await fs.stat(dir).catch(() => undefined);
  if (found && !found.isDirectory()) {
    throw new InvalidOptionError('dir', dir, 'It is a file: pass a new folder (or an empty one) with --dir.');
  }
  const present = found ? (await fs.readdir(dir)).sort() : [];
  if (present.length > 0) {
    const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? ', …' : '');
    throw new InvalidOptionError(
      'dir',
      dir,
      `The folder is not empty (it holds ${shown}); nothing was written. Pass a new folder with --dir, or empty this one first.`,
    );
  }
  const names: TaskPluginNames = { packageName, taskId, displayName: displayNameOf(taskId) };
  const files = taskPluginFiles(names);
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, text, { flag: 'wx' }); // never over a file that appeared meanwhile
  }
  return { ...names, dir, files: Object.keys(files).sort() };
}
