import { closestName } from './closest-name.js';
import { checkTaskConformance } from './conformance.js';
import { hasMolapCode, TasksError } from './errors.js';
import { scoreValuesProblem } from './metrics.js';
import { SEMVER_PATTERN } from './plugin-shape.js';
import type { TaskRegistry } from './registry.js';
import { TaskRegistryError } from './registry-error.js';
import type { TaskScore } from './scores.js';
import { type Batch, TASK_API_VERSION, type Task } from './task.js';
import { isTaskFactory, taskOfFactory } from './task-factory.js';
import { validateTask } from './task-validation.js';

/** Options of `discoverTaskPlugins`. */
export interface DiscoverTaskPluginsOptions {
  /**
   * Folder of the host project. Its package.json lists the candidate packages (dependencies,
   * devDependencies, optionalDependencies), and packages are resolved from here by walking up
   * `node_modules` folders the way Node does.
   */
  readonly projectRoot: string;
  /**
   * Load exactly these packages instead of the project's dependencies (a `--tasks` flag, a config file).
   * Each must be an installed task plugin: a missing package or one without a `molap` field is an error,
   * not a skip. The project's package.json is not read.
   */
  readonly packages?: readonly string[];
  /**
   * Generate a small batch of every plugin task (both generation modes) and check it with
   * `checkTaskConformance`; a task that fails is rejected (an error naming the task, the plugin and the first
   * problem) and the plugin's other tasks load. Default true.
   */
  readonly conformance?: boolean;
}

/** A plugin package whose tasks were all loaded and checked. */
export interface LoadedTaskPlugin {
  /** Package name. */
  readonly package: string;
  readonly version: string;
  /** Folder of the installed package. */
  readonly directory: string;
  /** The module path of each kind it declares (`molap.tasks`, `molap.strategies`, …), relative to `directory`. */
  readonly manifest: Readonly<Partial<Record<PluginKind, string>>>;
  /**
   * Its tasks, in the order of its `tasks` export; each passed `validateTask` and the conformance check, no
   * id repeats. A task without a `version` of its own has the package's (`withPackageVersion`).
   */
  readonly tasks: readonly Task[];
  /**
   * Its strategies, perturbations, latent extractors and analysis stages (apiVersion 2), as exported: plain
   * plugin values
   * `{ id, version, meta, defaults, create, … }`, checked when registered (`registerDiscoveredPlugins` of
   * @molap/core).
   */
  readonly strategies: readonly object[];
  readonly perturbations: readonly object[];
  readonly extractors: readonly object[];
  readonly stages: readonly object[];
}

/** A dependency that was looked at and is not a task plugin (not an error). */
export interface SkippedPackage {
  readonly package: string;
  readonly reason: string;
}

/** What `discoverTaskPlugins` found. Nothing is printed or registered; that is the caller's job. */
export interface TaskPluginDiscovery {
  readonly loaded: readonly LoadedTaskPlugin[];
  readonly skipped: readonly SkippedPackage[];
  /**
   * One entry per broken plugin (or broken task in a plugin). A plugin whose manifest, module or task values
   * are broken is not loaded at all; a task that fails the conformance check is left out alone.
   */
  readonly errors: readonly TaskRegistryError[];
  /** Problems that do not stop loading: unknown (misspelt) keys of a `molap` field (code `manifest-key`). */
  readonly warnings: readonly TaskRegistryError[];
}

/**
 * The package.json field that makes a package a molap plugin. apiVersion 1: `tasks` only. apiVersion 2: any of
 * `tasks`, `strategies`, `perturbations`, `extractors`, `stages`, each the `./relative` path of a module inside the
 * package that exports an array under that name (one module may export several kinds).
 */
export interface MolapPluginManifest {
  /** Manifest version: 1 or 2 (`MANIFEST_API_VERSIONS`). */
  readonly apiVersion: number;
  /** Module exporting `tasks`: tasks, or task factories (`TaskFactory`, created with their defaults). */
  readonly tasks?: string;
  /** Module exporting `strategies` (apiVersion 2). */
  readonly strategies?: string;
  /** Module exporting `perturbations` (apiVersion 2). */
  readonly perturbations?: string;
  /** Module exporting `extractors` (apiVersion 2). */
  readonly extractors?: string;
  /** Module exporting `stages`, analysis stages of a study (apiVersion 2). */
  readonly stages?: string;
}

/** npm package names (scoped or not); anything else could escape `node_modules` when joined to a path. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const BUILD_HINT = 'is the package built and is the file listed in "files"?';
const MANIFEST_EXAMPLE = `"molap": {"apiVersion": ${TASK_API_VERSION}, "tasks": "./dist/tasks.js"}`;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n', 1)[0];

/** The node built-ins discovery needs, loaded on first use so that importing `@molap/tasks` stays platform-free. */
async function nodeModules() {
  const [fs, path, url] = await Promise.all([import('node:fs/promises'), import('node:path'), import('node:url')]);
  return { fs, path, url };
}
type Node = Awaited<ReturnType<typeof nodeModules>>;

async function readJson(node: Node, file: string): Promise<Json> {
  const parsed: unknown = JSON.parse(await node.fs.readFile(file, 'utf8'));
  if (!isRecord(parsed)) throw new TasksError('file-format', `${file} does not hold a JSON object`);
  return parsed;
}

async function exists(node: Node, file: string): Promise<boolean> {
  try {
    await node.fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Finds `<dir>/node_modules/<name>/package.json` from `from` upwards, as Node's resolution does. */
async function locatePackage(node: Node, name: string, from: string): Promise<string | undefined> {
  let dir = from;
  for (;;) {
    const candidate = node.path.join(dir, 'node_modules', name);
    if (await exists(node, node.path.join(candidate, 'package.json'))) return candidate;
    const parent = node.path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The host project's direct dependencies, in package.json order, without repeats. */
async function projectDependencies(node: Node, projectRoot: string): Promise<string[]> {
  const file = node.path.join(projectRoot, 'package.json');
  let manifest: Json;
  try {
    manifest = await readJson(node, file);
  } catch (cause) {
    throw new TaskRegistryError(`cannot read the project's package.json at ${file}: ${firstLine(cause)}`, {
      code: 'bad-project',
      cause,
      hint: 'pass projectRoot: the folder that holds your package.json, or list plugins explicitly with { packages: [...] }',
    });
  }
  const names = DEPENDENCY_FIELDS.flatMap((field) => (isRecord(manifest[field]) ? Object.keys(manifest[field]) : []));
  return [...new Set(names)];
}

type Outcome = (
  | { readonly kind: 'loaded'; readonly plugin: LoadedTaskPlugin; readonly errors?: TaskRegistryError[] }
  | { readonly kind: 'skipped'; readonly skip: SkippedPackage }
  | { readonly kind: 'failed'; readonly errors: TaskRegistryError[] }
) & { warnings?: TaskRegistryError[] };

/** Versions of the `molap` field this package reads: 1 (tasks only) and 2 (tasks and the other plugin kinds). */
export const MANIFEST_API_VERSIONS = [1, 2] as const;
/** The kinds of plugin a package can provide (apiVersion 2); apiVersion 1 provides tasks only. */
export const PLUGIN_KINDS = ['tasks', 'strategies', 'perturbations', 'extractors', 'stages'] as const;
/** One kind of plugin. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];
/** Batch size of the conformance check at discovery: small, so discovery stays fast. */
const DISCOVERY_CONFORMANCE_BATCH = 4;

/** A `manifest-key` warning for each key of the `molap` field that molap does not read. */
function unknownKeys(molap: Json, source: string, apiVersion: 1 | 2): TaskRegistryError[] {
  const known: readonly string[] = ['apiVersion', ...(apiVersion === 1 ? ['tasks'] : PLUGIN_KINDS)];
  return Object.keys(molap)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const guess = closestName(key, known);
      return new TaskRegistryError(
        `unknown key "${key}" in the "molap" field of package.json${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`,
        {
          code: 'manifest-key',
          source,
          hint: `molap reads only ${known.map((k) => `"${k}"`).join(', ')} in apiVersion ${apiVersion}: ${guess === undefined ? (apiVersion === 1 && (PLUGIN_KINDS as readonly string[]).includes(key) ? 'declare "apiVersion": 2 to provide it' : 'remove the key') : `rename it to "${guess}"`}`,
        },
      );
    });
}

const fail = (problem: string, details: ConstructorParameters<typeof TaskRegistryError>[1]): Outcome => ({
  kind: 'failed',
  errors: [new TaskRegistryError(problem, details)],
});

/** Loads one package; `explicit` turns "not installed" and "not a plugin" from skips into errors. */
async function loadPackage(
  node: Node,
  name: string,
  projectRoot: string,
  explicit: boolean,
  conformance: boolean,
): Promise<Outcome> {
  const notPlugin = (reason: string, hint: string): Outcome =>
    explicit
      ? fail(`${name} ${reason}`, { code: 'not-found', source: name, hint })
      : { kind: 'skipped', skip: { package: name, reason } };
  if (!PACKAGE_NAME.test(name)) {
    return notPlugin('is not a valid npm package name', 'check the spelling of the package name');
  }
  const directory = await locatePackage(node, name, projectRoot);
  if (directory === undefined) {
    const guess = explicit ? closestName(name, await knownPackages(node, projectRoot)) : undefined;
    return notPlugin(
      `is not installed (no node_modules/${name} from ${projectRoot} upwards)`,
      guess === undefined
        ? `run npm install${explicit ? ` ${name}` : ''} in the project`
        : `did you mean "${guess}"? (it is installed); otherwise run npm install ${name} in the project`,
    );
  }
  let manifest: Json;
  try {
    manifest = await readJson(node, node.path.join(directory, 'package.json'));
  } catch (cause) {
    return fail(`cannot read the package.json of ${name}: ${firstLine(cause)}`, {
      code: 'invalid-manifest',
      source: name,
      cause,
    });
  }
  const version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  const source = `${name}@${version}`;
  const molap = manifest.molap;
  if (molap === undefined) {
    return notPlugin(
      'has no "molap" field in its package.json (not a task plugin)',
      `a plugin declares ${MANIFEST_EXAMPLE}`,
    );
  }
  if (!isRecord(molap)) {
    return fail(`the "molap" field of package.json must be an object, got ${JSON.stringify(molap)}`, {
      code: 'invalid-manifest',
      source,
      hint: `declare ${MANIFEST_EXAMPLE}`,
    });
  }
  if (!(MANIFEST_API_VERSIONS as readonly unknown[]).includes(molap.apiVersion)) {
    return fail(
      `declares molap.apiVersion ${JSON.stringify(molap.apiVersion)}, expected ${MANIFEST_API_VERSIONS.join(' or ')}`,
      {
        code: 'api-version',
        source,
        hint: `this @molap/tasks reads plugin manifests of API ${MANIFEST_API_VERSIONS.join(' and ')} (task API ${TASK_API_VERSION}): install a version of ${name} made for it (its peerDependencies name the @molap/tasks range)`,
      },
    );
  }
  const apiVersion = molap.apiVersion as (typeof MANIFEST_API_VERSIONS)[number];
  const warnings = unknownKeys(molap, source, apiVersion);
  const kinds = (apiVersion === 1 ? (['tasks'] as const) : PLUGIN_KINDS).filter(
    (kind: PluginKind) => molap[kind] !== undefined,
  ) as PluginKind[];
  if (kinds.length === 0 && !explicit) {
    return {
      kind: 'skipped',
      skip: { package: name, reason: `its "molap" field declares no ${apiVersion === 1 ? 'tasks' : 'plugins'}` },
      warnings,
    };
  }
  const values: Partial<Record<PluginKind, unknown[]>> = {};
  for (const kind of kinds.length === 0 ? (['tasks'] as PluginKind[]) : kinds) {
    const loaded = await importKind(node, directory, source, molap[kind], kind);
    if (!Array.isArray(loaded)) return loaded;
    values[kind] = loaded;
  }
  const tasks: unknown[] = [];
  const errors: TaskRegistryError[] = [];
  const seen = new Set<string>();
  (values.tasks ?? []).forEach((value: unknown, index: number) => {
    // A task factory ({ id, version, meta, defaults, create }) stands for the task it creates with its defaults.
    const factory = isTaskFactory(value);
    const task = factory ? taskOfFactory(value) : value;
    const problems = Array.isArray(task) ? task : validateTask(task);
    const id = isRecord(value) && typeof value.id === 'string' ? value.id : undefined;
    const label = `${factory ? 'the task factory ' : ''}${id === undefined ? `tasks[${index}]` : `tasks[${index}] ('${id}')`}`;
    tasks.push(task);
    if (problems.length > 0) {
      errors.push(
        new TaskRegistryError(`${label} is invalid: ${problems.join('; ')}`, {
          code: 'invalid-plugin',
          source,
          taskId: id,
          hint: factory
            ? 'a task factory is { id, version?, meta, defaults, create(options) => Task } (taskFactory of @molap/tasks makes one)'
            : 'each task must satisfy the Task interface of @molap/tasks; checkTaskConformance(task) checks generated batches too',
        }),
      );
    } else if (id !== undefined && seen.has(id)) {
      errors.push(
        new TaskRegistryError(`duplicate task id '${id}': ${label} repeats an id of the same plugin`, {
          code: 'duplicate-id',
          source,
          taskId: id,
          hint: 'give each task of the plugin its own id',
        }),
      );
    }
    if (id !== undefined) seen.add(id);
  });
  if (errors.length > 0) return { kind: 'failed', errors, warnings };
  let accepted = tasks as Task[];
  const rejected: TaskRegistryError[] = [];
  if (conformance) {
    accepted = accepted.filter((task) => {
      // Batches unchecked by the guard: the conformance check looks at them in more detail.
      const problems = checkTaskConformance(guardPluginTask(task, source, { checkBatches: false }), {
        options: { batchSize: DISCOVERY_CONFORMANCE_BATCH },
      });
      if (problems.length === 0) return true;
      rejected.push(
        new TaskRegistryError(
          `task '${task.id}' fails the conformance check: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
          {
            code: 'nonconforming-task',
            source,
            taskId: task.id,
            hint: `the task is left out, the plugin's other tasks load: fix or update ${source} (checkTaskConformance(task) of @molap/tasks lists every problem)`,
          },
        ),
      );
      return false;
    });
  }
  const plugin: LoadedTaskPlugin = {
    package: name,
    version,
    directory,
    manifest: Object.fromEntries(kinds.map((kind) => [kind, molap[kind] as string])),
    tasks: accepted.map((task) => withPackageVersion(task, version)),
    strategies: (values.strategies ?? []) as object[],
    perturbations: (values.perturbations ?? []) as object[],
    extractors: (values.extractors ?? []) as object[],
    stages: (values.stages ?? []) as object[],
  };
  return { kind: 'loaded', plugin, errors: rejected, warnings };
}

/**
 * The task with its package's version as its own (`Task.version`) when it gives none and the package's is
 * semver: a frozen copy of the task's fields whose `layout` and `generate` call the task's. A task with a
 * version of its own is returned as it is.
 */
export function withPackageVersion(task: Task, packageVersion: string): Task {
  if (task.version !== undefined || !SEMVER_PATTERN.test(packageVersion)) return task;
  return Object.freeze({
    ...task,
    version: packageVersion,
    layout: (options) => task.layout(options),
    generate: (rng, options) => task.generate(rng, options),
  } satisfies Task);
}

/** Imports the module `entry` of a plugin and returns its export of `kind` (an array), or a failed outcome. */
async function importKind(
  node: Node,
  directory: string,
  source: string,
  entry: unknown,
  kind: PluginKind,
): Promise<unknown[] | Outcome> {
  const example = kind === 'tasks' ? MANIFEST_EXAMPLE : `"molap": {"apiVersion": 2, "${kind}": "./dist/${kind}.js"}`;
  const entryPath = typeof entry === 'string' ? node.path.resolve(directory, entry) : undefined;
  if (
    typeof entry !== 'string' ||
    entryPath === undefined ||
    !entry.startsWith('./') ||
    node.path.relative(directory, entryPath).startsWith('..')
  ) {
    return fail(
      `molap.${kind} must be a "./relative" path to a module inside the package, got ${JSON.stringify(entry)}`,
      { code: 'invalid-manifest', source, hint: `declare ${example}` },
    );
  }
  if (!(await exists(node, entryPath))) {
    return fail(`cannot find ${entry} (${entryPath})`, { code: 'missing-file', source, hint: BUILD_HINT });
  }
  const entryUrl = node.url.pathToFileURL(entryPath).href;
  let module: Json;
  try {
    module = await import(/* @vite-ignore */ entryUrl);
  } catch (cause) {
    const missingModule = isRecord(cause) && cause.code === 'ERR_MODULE_NOT_FOUND';
    return fail(`cannot import ${entry}: ${firstLine(cause)}`, {
      code: 'import-failed',
      source,
      cause,
      hint: missingModule
        ? `a module it imports is missing: ${BUILD_HINT} Are its dependencies and its peer @molap/tasks installed?`
        : `the module threw while loading; import it directly to see the whole error: node -e "import('${entryUrl}')"`,
    });
  }
  const values = Array.isArray(module[kind])
    ? module[kind]
    : isRecord(module.default) && Array.isArray(module.default[kind])
      ? module.default[kind]
      : undefined;
  if (values === undefined) {
    const found = Object.keys(module).filter((key) => key !== '__esModule');
    return fail(
      `${entry} does not export a "${kind}" array (its exports: ${found.length === 0 ? 'none' : found.join(', ')})`,
      {
        code: 'bad-export',
        source,
        hint: `export the plugin's ${kind} as "export const ${kind} = [mine, …]" (module.exports = { ${kind} } in CommonJS)`,
      },
    );
  }
  return values as unknown[];
}

/** Names of the project's dependencies and of the packages installed in its node_modules (for suggestions). */
async function knownPackages(node: Node, projectRoot: string): Promise<string[]> {
  const names = new Set<string>();
  try {
    for (const name of await projectDependencies(node, projectRoot)) names.add(name);
  } catch {
    // no readable package.json: suggest from node_modules only
  }
  try {
    for (const entry of await node.fs.readdir(node.path.join(projectRoot, 'node_modules'))) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const scoped of await node.fs.readdir(node.path.join(projectRoot, 'node_modules', entry))) {
          names.add(`${entry}/${scoped}`);
        }
      } else names.add(entry);
    }
  } catch {
    // no node_modules
  }
  return [...names];
}

/**
 * Finds installed task plugins: packages whose package.json has a `molap` field
 * (`{"apiVersion": 1, "tasks": "./dist/tasks.js"}`) among the host project's direct dependencies (or the
 * packages named in `options.packages`), imports each plugin's module and checks its `tasks` export.
 * A broken plugin becomes an entry of `errors` and discovery goes on with the others; a task id provided
 * by two plugins is an error for the second one. Packages are taken in package.json order.
 * @throws TaskRegistryError `bad-project` only when the project's package.json cannot be read.
 */
export async function discoverTaskPlugins(options: DiscoverTaskPluginsOptions): Promise<TaskPluginDiscovery> {
  if (typeof options?.projectRoot !== 'string' || options.projectRoot === '') {
    throw new TaskRegistryError(`projectRoot must be a folder path, got ${JSON.stringify(options?.projectRoot)}`, {
      code: 'bad-project',
      hint: 'pass { projectRoot: process.cwd() } or the folder that holds your package.json',
    });
  }
  if (
    options.packages !== undefined &&
    (!Array.isArray(options.packages) || options.packages.some((name) => typeof name !== 'string'))
  ) {
    throw new TaskRegistryError('packages must be an array of package names', {
      code: 'bad-project',
      hint: "pass { packages: ['molap-task-foo', '@acme/molap-task-bar'] } or leave it out to use the project's dependencies",
    });
  }
  const node = await nodeModules();
  const projectRoot = node.path.resolve(options.projectRoot);
  const explicit = options.packages !== undefined;
  const names = options.packages ? [...new Set(options.packages)] : await projectDependencies(node, projectRoot);
  const loaded: LoadedTaskPlugin[] = [];
  const skipped: SkippedPackage[] = [];
  const errors: TaskRegistryError[] = [];
  const warnings: TaskRegistryError[] = [];
  const provider = new Map<string, string>();
  for (const name of names) {
    const outcome = await loadPackage(node, name, projectRoot, explicit, options.conformance !== false);
    warnings.push(...(outcome.warnings ?? []));
    if (outcome.kind === 'skipped') skipped.push(outcome.skip);
    else if (outcome.kind === 'failed') errors.push(...outcome.errors);
    else {
      const { plugin } = outcome;
      errors.push(...(outcome.errors ?? []));
      const source = `${plugin.package}@${plugin.version}`;
      const clashes = plugin.tasks.filter((task) => provider.has(task.id));
      if (clashes.length > 0) {
        for (const task of clashes) errors.push(duplicateAcrossPlugins(task.id, provider.get(task.id)!, source));
        continue;
      }
      for (const task of plugin.tasks) provider.set(task.id, source);
      loaded.push(plugin);
    }
  }
  return { loaded, skipped, errors, warnings };
}

const duplicateAcrossPlugins = (id: string, first: string, source: string): TaskRegistryError =>
  new TaskRegistryError(`duplicate task id '${id}': already provided by ${first}`, {
    code: 'duplicate-id',
    source,
    taskId: id,
    hint: `task ids are unique across all plugins: uninstall one of the two packages, or ask the authors to scope their ids (scope/name)`,
  });

/**
 * The task with its `layout` and `generate` guarded: an error they throw (a bug in the plugin) becomes a
 * `TaskRegistryError` with code `task-failed` naming the task, what it was doing and the plugin (`source`),
 * with the original error as `cause`, so a host far from the plugin (a training run, a worker) can say
 * which plugin failed. `InvalidOptionError`s (bad options given by the user) pass through unchanged. Every
 * batch is checked as it is generated (array lengths; inputs, targets and mask finite; mask ≥ 0: one pass,
 * 0.9 ms for dm1's 1.19 million values at B = 64 on a 2-core EPYC), and a batch's score is guarded the same way (a throw, or values outside
 * [0, 1], name the plugin). The result is a frozen copy of the task's own fields (tasks are plain values)
 * with the guarded methods.
 * @param options.checkBatches false to leave batches unchecked (default true), where they are checked in
 *   more detail anyway (discovery's conformance check).
 */
export function guardPluginTask(task: Task, source: string, options: { readonly checkBatches?: boolean } = {}): Task {
  const checkBatches = options.checkBatches ?? true;
  const fail = (doing: string, error: unknown): never => {
    if (hasMolapCode(error, 'invalid-option', 'task-failed')) {
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new TaskRegistryError(`task '${task.id}' failed while ${doing}: ${message}`, {
      code: 'task-failed',
      source,
      taskId: task.id,
      hint: `this is a bug in the plugin: update or fix ${source} (checkTaskConformance(task) of @molap/tasks reproduces it)`,
      cause: error,
    });
  };
  const guardedScores = new WeakMap<TaskScore, TaskScore>();
  if (task.score !== undefined && checkBatches) {
    guardedScores.set(task.score, guardScore(task.score, task.id, source));
  }
  return Object.freeze({
    ...task,
    ...(task.score !== undefined && checkBatches ? { score: guardedScores.get(task.score)! } : {}),
    layout(options) {
      try {
        return task.layout(options);
      } catch (error) {
        return fail('building its channel layout', error);
      }
    },
    generate(rng, options) {
      let batch: Batch;
      try {
        batch = task.generate(rng, options);
      } catch (error) {
        return fail('generating trials', error);
      }
      const problem = checkBatches ? runTimeBatchProblem(batch) : undefined;
      if (problem !== undefined) {
        throw new TaskRegistryError(`task '${task.id}' generated a bad batch: ${problem}`, {
          code: 'task-failed',
          source,
          taskId: task.id,
          hint: `this is a bug in the plugin: update or fix ${source} (checkTaskConformance(task, { options }) of @molap/tasks with these task options reproduces it)`,
        });
      }
      if (batch.score === undefined || !checkBatches) return batch;
      // One guarded score per score of the task, so batches of one task keep sharing one score (mixBatches),
      // the task's own (`task.score`, guarded below) included.
      let guarded = guardedScores.get(batch.score);
      if (guarded === undefined) {
        guarded = guardScore(batch.score, task.id, source);
        guardedScores.set(batch.score, guarded);
      }
      return { ...batch, score: guarded };
    },
  } satisfies Task);
}

/**
 * What is wrong with a batch a plugin task generated during a run (undefined when nothing): the arrays'
 * lengths for its [T, B, channels] shape, and inputs, targets and mask finite with the mask at least 0.
 * One pass over the three arrays: what `checkTaskConformance` checks at discovery on a small batch, for the
 * batches of a run (other options, other seeds), so that a NaN names the task and the plugin instead of
 * surfacing as a diverged training.
 */
function runTimeBatchProblem(batch: Batch): string | undefined {
  const { steps: T, batchSize: B, inputSize, outputSize } = batch;
  const arrays: [string, Float32Array | undefined, number][] = [
    ['inputs', batch.inputs, T * B * inputSize],
    ['targets', batch.targets, T * B * outputSize],
    ['mask', batch.mask, T * B * outputSize],
  ];
  for (const [name, array, length] of arrays) {
    if (!(array instanceof Float32Array) || array.length !== length) {
      return `${name} must be a Float32Array of ${length} elements ([T=${T}, B=${B}, …]), got ${array?.constructor?.name} of ${array?.length}`;
    }
    const isMask = name === 'mask';
    // Fast path: one sum (a NaN or ±Infinity makes it non-finite; 10⁶ float32 values cannot overflow a
    // float64) and the smallest value; the index is looked for only when something is wrong.
    let sum = 0;
    let smallest = 0;
    for (let i = 0; i < array.length; i++) {
      const value = array[i]!;
      sum += value;
      if (value < smallest) smallest = value;
    }
    if (Number.isFinite(sum) && !(isMask && smallest < 0)) continue;
    for (let i = 0; i < array.length; i++) {
      const value = array[i]!;
      if (!Number.isFinite(value) || (isMask && value < 0)) {
        return `${name}[${i}] is ${value}${isMask && Number.isFinite(value) ? ' (a mask weight must be at least 0)' : ''}`;
      }
    }
  }
  return undefined;
}

/** `score` with what it throws or returns wrong reported as a bug of the plugin `source` (task id and package). */
function guardScore(score: TaskScore, taskId: string, source: string): TaskScore {
  const failure = (problem: string, cause?: unknown) =>
    new TaskRegistryError(`the score '${score.id}' of task '${taskId}' ${problem}`, {
      code: 'task-failed',
      source,
      taskId,
      hint: `this is a bug in the plugin's score: update or fix ${source}`,
      ...(cause === undefined ? {} : { cause }),
    });
  return {
    ...score,
    score(outputs, batch) {
      let values: ArrayLike<number>;
      try {
        values = score.score(outputs, batch);
      } catch (error) {
        throw failure(`threw: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      const problem = scoreValuesProblem(values, batch.batchSize);
      if (problem !== undefined) throw failure(problem);
      return values;
    },
  };
}

/**
 * Registers the tasks of every loaded plugin, with `name@version` as their source and guarded by
 * `guardPluginTask` (an error a plugin task throws names the task and the plugin). A plugin with an id
 * that the registry already holds (a built-in task, a plugin registered earlier) is left out whole.
 * @returns one `duplicate-id` error per clashing id (empty when everything was registered).
 */
export function registerDiscovered(registry: TaskRegistry, discovery: TaskPluginDiscovery): TaskRegistryError[] {
  const errors: TaskRegistryError[] = [];
  for (const plugin of discovery.loaded) {
    const source = `${plugin.package}@${plugin.version}`;
    const clashes = plugin.tasks.filter((task) => registry.has(task.id));
    if (clashes.length > 0) {
      for (const task of clashes) {
        errors.push(duplicateAcrossPlugins(task.id, registry.source(task.id) ?? 'an earlier registration', source));
      }
      continue;
    }
    for (const task of plugin.tasks) registry.register(guardPluginTask(task, source), { source });
  }
  return errors;
}

/**
 * What a worker thread needs to load the same plugins as the main thread, as JSON: where each loaded plugin
 * is installed, the module of each kind, and the ids the main thread accepted (tasks rejected by the
 * conformance check stay out).
 */
export interface PluginSource {
  readonly package: string;
  readonly version: string;
  readonly directory: string;
  readonly manifest: Readonly<Partial<Record<PluginKind, string>>>;
  readonly taskIds: readonly string[];
  readonly strategyIds: readonly string[];
}

const idOf = (value: object): string => String((value as { id?: unknown }).id);

/** The plugin sources of a discovery (structured-cloneable), for `loadPluginSources` in worker threads. */
export function pluginSources(discovery: Pick<TaskPluginDiscovery, 'loaded'>): PluginSource[] {
  return discovery.loaded.map((plugin) => ({
    package: plugin.package,
    version: plugin.version,
    directory: plugin.directory,
    manifest: { ...plugin.manifest },
    taskIds: plugin.tasks.map((task) => task.id),
    strategyIds: plugin.strategies.map(idOf),
  }));
}

/**
 * Loads the plugins of `sources` again (in a worker thread): imports the same modules from the same folders
 * and keeps the tasks the main thread accepted, without running discovery or the conformance check again.
 * Register the result like a discovery: `registerDiscovered(registry, loaded)`.
 * @throws TaskRegistryError when a module can no longer be imported (the installation changed meanwhile).
 */
export async function loadPluginSources(sources: readonly PluginSource[]): Promise<TaskPluginDiscovery> {
  const node = await nodeModules();
  const loaded: LoadedTaskPlugin[] = [];
  for (const source of sources) {
    const name = `${source.package}@${source.version}`;
    const values: Partial<Record<PluginKind, unknown[]>> = {};
    for (const kind of Object.keys(source.manifest) as PluginKind[]) {
      const result = await importKind(node, source.directory, name, source.manifest[kind], kind);
      if (!Array.isArray(result)) {
        throw result.kind === 'failed' ? result.errors[0] : new Error(`cannot load ${kind} of ${name}`);
      }
      values[kind] = result;
    }
    const tasks = (values.tasks ?? []).map((value) => (isTaskFactory(value) ? taskOfFactory(value) : value)) as Task[];
    loaded.push({
      package: source.package,
      version: source.version,
      directory: source.directory,
      manifest: source.manifest,
      tasks: tasks
        .filter((task) => source.taskIds.includes(task.id))
        .map((task) => withPackageVersion(task, source.version)),
      strategies: (values.strategies ?? []) as object[],
      perturbations: (values.perturbations ?? []) as object[],
      extractors: (values.extractors ?? []) as object[],
      stages: (values.stages ?? []) as object[],
    });
  }
  return { loaded, skipped: [], errors: [], warnings: [] };
}
