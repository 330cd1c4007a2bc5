import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTaskConformance } from '../src/conformance.js';
import {
  discoverTaskPlugins,
  guardPluginTask,
  registerDiscovered,
  type TaskPluginDiscovery,
} from '../src/discovery.js';
import { InvalidOptionError } from '../src/errors.js';
import { performance } from '../src/metrics.js';
import { resolveTaskOptions } from '../src/options.js';
import { createTaskRegistry } from '../src/registry.js';
import { TaskRegistryError } from '../src/registry-error.js';
import { createRng } from '../src/rng.js';
import type { Batch } from '../src/task.js';
import {
  createFixtureDir,
  esmPlugin,
  type FixtureDir,
  fixtureTaskSource,
  pluginManifest,
} from './support/fixture-project.js';
import { toyTask } from './support/toy-task.js';

/**
 * One host project on the real file system with a plugin for every outcome discovery knows: good ESM,
 * good scoped CommonJS, hoisted to a parent node_modules, and one per failure mode.
 */
let project: FixtureDir;
let discovery: TaskPluginDiscovery;
const errorOf = (source: string) => {
  const found = discovery.errors.filter((error) => error.source === source);
  expect(found, `errors of ${source}`).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  project = createFixtureDir();
  const app = 'workspace/app';
  const dependencies = {
    'molap-task-good': '^1.0.0',
    '@acme/molap-task-cjs': '^2.0.0',
    'molap-task-hoisted': '^1.0.0',
    'molap-task-old': '^1.0.0',
    'molap-task-outside': '^1.0.0',
    'molap-task-missing': '^1.0.0',
    'molap-task-throws': '^1.0.0',
    'molap-task-needs-dep': '^1.0.0',
    'molap-task-no-export': '^1.0.0',
    'molap-task-invalid': '^1.0.0',
    'molap-task-twice': '^1.0.0',
    'molap-task-copy': '^1.0.0',
    'left-pad': '^1.3.0',
    'not-installed': '^1.0.0',
  };
  project.write(
    `${app}/package.json`,
    JSON.stringify({ name: 'app', dependencies, devDependencies: { 'left-pad': '^1.3.0' } }),
  );
  const at = `${app}`;
  project.install('molap-task-good', esmPlugin(['good/alpha', 'good/beta'], '1.2.0'), at);
  project.install(
    '@acme/molap-task-cjs',
    {
      manifest: { version: '2.0.0', molap: { apiVersion: 1, tasks: './lib/tasks.cjs' } },
      files: { 'lib/tasks.cjs': `module.exports = { tasks: [${fixtureTaskSource('acme/cjs')}] };\n` },
    },
    at,
  );
  // Hoisted: installed in the parent folder's node_modules, found by walking up like Node.
  project.install('molap-task-hoisted', esmPlugin(['hoisted/task']), 'workspace');
  project.install(
    'molap-task-old',
    { ...esmPlugin(['old/task']), manifest: pluginManifest('1.0.0', './dist/tasks.js', 0) },
    at,
  );
  project.install(
    'molap-task-outside',
    { ...esmPlugin(['outside/task']), manifest: pluginManifest('1.0.0', '../secret.js') },
    at,
  );
  project.install('molap-task-missing', { manifest: pluginManifest('1.0.0', './dist/missing.js') }, at);
  project.install(
    'molap-task-throws',
    { manifest: pluginManifest(), files: { 'dist/tasks.js': "throw new Error('boom at load');\n" } },
    at,
  );
  project.install(
    'molap-task-needs-dep',
    {
      manifest: pluginManifest(),
      files: { 'dist/tasks.js': "import 'some-uninstalled-dependency';\nexport const tasks = [];\n" },
    },
    at,
  );
  project.install(
    'molap-task-no-export',
    {
      manifest: pluginManifest(),
      files: { 'dist/tasks.js': `export const task = ${fixtureTaskSource('x/y')};\nexport default 1;\n` },
    },
    at,
  );
  project.install(
    'molap-task-invalid',
    {
      manifest: pluginManifest(),
      files: {
        'dist/tasks.js': `export const tasks = [${fixtureTaskSource('invalid/ok')}, { id: 'Invalid_Id', apiVersion: 1 }];\n`,
      },
    },
    at,
  );
  project.install('molap-task-twice', esmPlugin(['twice/a', 'twice/a']), at);
  project.install('molap-task-copy', esmPlugin(['copy/own', 'good/alpha']), at);
  project.install(
    'left-pad',
    { manifest: { version: '1.3.0', main: 'index.js' }, files: { 'index.js': 'module.exports = 1;' } },
    at,
  );
  discovery = await discoverTaskPlugins({ projectRoot: `${project.root}/${app}` });
});

afterAll(() => project?.remove());

describe('discoverTaskPlugins over a project', () => {
  it('loads good ESM, scoped CommonJS and hoisted plugins, in package.json order', () => {
    expect(
      discovery.loaded.map((plugin) => [plugin.package, plugin.version, plugin.tasks.map((task) => task.id)]),
    ).toEqual([
      ['molap-task-good', '1.2.0', ['good/alpha', 'good/beta']],
      ['@acme/molap-task-cjs', '2.0.0', ['acme/cjs']],
      ['molap-task-hoisted', '1.0.0', ['hoisted/task']],
    ]);
    expect(discovery.loaded[2].directory).toBe(`${project.root}/workspace/node_modules/molap-task-hoisted`);
  });

  it('skips dependencies that are not plugins or not installed', () => {
    expect(discovery.skipped).toEqual([
      { package: 'left-pad', reason: 'has no "molap" field in its package.json (not a task plugin)' },
      {
        package: 'not-installed',
        reason: expect.stringMatching(/^is not installed \(no node_modules\/not-installed from .* upwards\)$/),
      },
    ]);
  });

  it('reports a wrong apiVersion', () => {
    const error = errorOf('molap-task-old@1.0.0');
    expect(error).toBeInstanceOf(TaskRegistryError);
    expect(error.code).toBe('api-version');
    expect(error.message).toMatch(
      /^declares molap\.apiVersion 0, expected 1 or 2\n {2}source: molap-task-old@1\.0\.0\n {2}hint: /,
    );
  });

  it('reports a tasks path outside the package', () => {
    const error = errorOf('molap-task-outside@1.0.0');
    expect(error.code).toBe('invalid-manifest');
    expect(error.problem).toBe(
      'molap.tasks must be a "./relative" path to a module inside the package, got "../secret.js"',
    );
    expect(error.hint).toContain('"tasks": "./dist/tasks.js"');
  });

  it('reports a missing file with the build hint', () => {
    const error = errorOf('molap-task-missing@1.0.0');
    expect(error.code).toBe('missing-file');
    expect(error.problem).toMatch(/^cannot find \.\/dist\/missing\.js \(.*molap-task-missing\/dist\/missing\.js\)$/);
    expect(error.hint).toBe('is the package built and is the file listed in "files"?');
  });

  it('reports a module that throws while loading, and one with a missing import', () => {
    const throws = errorOf('molap-task-throws@1.0.0');
    expect(throws.code).toBe('import-failed');
    expect(throws.problem).toBe('cannot import ./dist/tasks.js: boom at load');
    expect(throws.hint).toMatch(/node -e "import\('file:\/\/.*\/molap-task-throws\/dist\/tasks\.js'\)"$/);
    expect((throws.cause as Error).message).toBe('boom at load');
    const needsDep = errorOf('molap-task-needs-dep@1.0.0');
    expect(needsDep.code).toBe('import-failed');
    expect(needsDep.problem).toContain('some-uninstalled-dependency');
    expect(needsDep.hint).toContain('Are its dependencies and its peer @molap/tasks installed?');
  });

  it('reports a module without a tasks array', () => {
    const error = errorOf('molap-task-no-export@1.0.0');
    expect(error.code).toBe('bad-export');
    expect(error.problem).toBe('./dist/tasks.js does not export a "tasks" array (its exports: default, task)');
  });

  it('rejects a plugin with an invalid task as a whole', () => {
    const error = errorOf('molap-task-invalid@1.0.0');
    expect(error.code).toBe('invalid-plugin');
    expect(error.taskId).toBe('Invalid_Id');
    expect(error.problem).toMatch(/^tasks\[1\] \('Invalid_Id'\) is invalid: id 'Invalid_Id' must be lower-kebab/);
    expect(error.problem).toContain('generate must be a function');
    expect(discovery.loaded.some((plugin) => plugin.package === 'molap-task-invalid')).toBe(false);
  });

  it('rejects duplicate ids within a plugin and across plugins, naming the first provider', () => {
    expect(errorOf('molap-task-twice@1.0.0').problem).toBe(
      "duplicate task id 'twice/a': tasks[1] ('twice/a') repeats an id of the same plugin",
    );
    const copy = errorOf('molap-task-copy@1.0.0');
    expect(copy.code).toBe('duplicate-id');
    expect(copy.problem).toBe("duplicate task id 'good/alpha': already provided by molap-task-good@1.2.0");
  });

  it('has one error per broken plugin and nothing else', () => {
    expect(discovery.errors.map((error) => error.source)).toEqual([
      'molap-task-old@1.0.0',
      'molap-task-outside@1.0.0',
      'molap-task-missing@1.0.0',
      'molap-task-throws@1.0.0',
      'molap-task-needs-dep@1.0.0',
      'molap-task-no-export@1.0.0',
      'molap-task-invalid@1.0.0',
      'molap-task-twice@1.0.0',
      'molap-task-copy@1.0.0',
    ]);
  });
});

describe('discoverTaskPlugins with an explicit list', () => {
  it('loads the named packages and turns skips into errors', async () => {
    const result = await discoverTaskPlugins({
      projectRoot: `${project.root}/workspace/app`,
      packages: ['@acme/molap-task-cjs', 'left-pad', 'nowhere', '../escape'],
    });
    expect(result.loaded.map((plugin) => plugin.package)).toEqual(['@acme/molap-task-cjs']);
    expect(result.skipped).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.problem])).toEqual([
      ['not-found', 'left-pad has no "molap" field in its package.json (not a task plugin)'],
      ['not-found', expect.stringMatching(/^nowhere is not installed/)],
      ['not-found', '../escape is not a valid npm package name'],
    ]);
    expect(result.errors[1].hint).toBe('run npm install nowhere in the project');
  });

  it('checks its options', async () => {
    await expect(discoverTaskPlugins({} as never)).rejects.toThrow('projectRoot must be a folder path, got undefined');
    await expect(discoverTaskPlugins({ projectRoot: '.', packages: 'molap-task-x' as never })).rejects.toThrow(
      'packages must be an array of package names',
    );
  });

  it('throws at the boundary when the project has no package.json', async () => {
    const empty = createFixtureDir();
    try {
      await expect(discoverTaskPlugins({ projectRoot: empty.root })).rejects.toThrow(
        /^cannot read the project's package\.json at .*package\.json: ENOENT/,
      );
    } finally {
      empty.remove();
    }
  });
});

describe('registerDiscovered', () => {
  it('registers loaded plugins with name@version and leaves out a plugin that clashes with the registry', () => {
    const registry = createTaskRegistry().register(toyTask('hoisted/task'), { source: '@molap/tasks' });
    const errors = registerDiscovered(registry, discovery);
    expect(registry.ids()).toEqual(['hoisted/task', 'good/alpha', 'good/beta', 'acme/cjs']);
    expect(registry.source('acme/cjs')).toBe('@acme/molap-task-cjs@2.0.0');
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^duplicate task id 'hoisted\/task': already provided by @molap\/tasks\n {2}source: molap-task-hoisted@1\.0\.0/,
      ),
    ]);
  });

  it('generates batches from a discovered task', () => {
    const task = discovery.loaded[1].tasks[0];
    const batch = task.generate({} as never, { dt: 20 } as never);
    expect(batch.taskId).toBe('acme/cjs');
    expect([...batch.trialSteps]).toEqual([2]);
  });
});

describe('guardPluginTask', () => {
  const options = resolveTaskOptions(toyTask(), { batchSize: 4, rules: ['toy/reach'] });

  it('names the task and the plugin when a batch of the run is bad: NaN, a negative mask weight, a wrong length', () => {
    const corrupt = (edit: (batch: Batch) => Batch) => {
      const task = toyTask();
      return guardPluginTask(
        { ...task, generate: (rng, opts) => edit(task.generate(rng, opts)) },
        'molap-task-toy@1.0.0',
      );
    };
    const withNaN = corrupt((batch) => {
      const inputs = batch.inputs.slice();
      inputs[5] = Number.NaN;
      return { ...batch, inputs };
    });
    expect(() => withNaN.generate(createRng(1), options)).toThrow(
      expect.objectContaining({
        code: 'task-failed',
        source: 'molap-task-toy@1.0.0',
        taskId: toyTask().id,
        problem: expect.stringMatching(/^task 'toy\/reach' generated a bad batch: inputs\[5\] is NaN/),
      }),
    );
    const negativeMask = corrupt((batch) => {
      const mask = batch.mask.slice();
      mask[0] = -1;
      return { ...batch, mask };
    });
    expect(() => negativeMask.generate(createRng(1), options)).toThrow(
      /generated a bad batch: mask\[0\] is -1 \(a mask weight must be at least 0\)/,
    );
    const short = corrupt((batch) => ({ ...batch, targets: batch.targets.subarray(1) }));
    expect(() => short.generate(createRng(1), options)).toThrow(
      /generated a bad batch: targets must be a Float32Array of \d+ elements \(\[T=\d+, B=4, …\]\), got Float32Array of \d+/,
    );
  });

  it("names the plugin when a batch's score throws or leaves [0, 1], and keeps one score per task", () => {
    const task = toyTask();
    const scored = (values: (batch: Batch) => ArrayLike<number>) =>
      guardPluginTask(
        {
          ...task,
          generate: (rng, opts) => ({
            ...task.generate(rng, opts),
            score: { id: 'toy/score', description: 'x', score: (_outputs, batch) => values(batch) },
          }),
        },
        'molap-task-toy@1.0.0',
      );
    const batch = scored(() => {
      throw new Error('no response channel');
    }).generate(createRng(1), options);
    const outputs = new Float32Array(batch.steps * batch.batchSize * batch.outputSize);
    expect(() => performance(outputs, batch)).toThrow(
      expect.objectContaining({
        code: 'task-failed',
        source: 'molap-task-toy@1.0.0',
        problem: "the score 'toy/score' of task 'toy/reach' threw: no response channel",
      }),
    );
    const outside = scored((b) => new Float32Array(b.batchSize).fill(1.5)).generate(createRng(1), options);
    expect(() => performance(outputs, outside)).toThrow(
      expect.objectContaining({
        source: 'molap-task-toy@1.0.0',
        problem:
          "the score 'toy/score' of task 'toy/reach' must give 4 values in [0, 1] (one per trial), got 1.5 for trial 0",
      }),
    );
    const fine = scored((b) => new Float32Array(b.batchSize).fill(1));
    const shared = {
      id: 'toy/score',
      description: 'x',
      score: (_o: unknown, b: Batch) => new Float32Array(b.batchSize),
    };
    const sameScore = guardPluginTask(
      { ...task, generate: (rng, opts) => ({ ...task.generate(rng, opts), score: shared }) },
      'x@1.0.0',
    );
    expect(sameScore.generate(createRng(1), options).score).toBe(sameScore.generate(createRng(2), options).score);
    // The task's own score is guarded once: task.score is what its batches carry, so it still conforms.
    const own = {
      id: 'toy/own',
      description: 'x',
      score: (_o: unknown, b: Batch) => new Float32Array(b.batchSize).fill(1),
    };
    const withOwn = guardPluginTask(
      { ...task, score: own, generate: (rng, opts) => ({ ...task.generate(rng, opts), score: own }) },
      'x@1.0.0',
    );
    expect(withOwn.score).not.toBe(own);
    expect(withOwn.generate(createRng(1), options).score).toBe(withOwn.score);
    expect(checkTaskConformance(withOwn, { options: { batchSize: 4, rules: ['toy/reach'] } })).toEqual([]);
    expect(performance(outputs, fine.generate(createRng(1), options)).mean).toBe(1);
  });

  it('leaves a working task unchanged: same fields, same batches', () => {
    const task = toyTask();
    const guarded = guardPluginTask(task, 'molap-task-toy@1.0.0');
    expect(Object.isFrozen(guarded)).toBe(true);
    expect({ ...guarded, layout: null, generate: null }).toEqual({ ...task, layout: null, generate: null });
    expect(guarded.layout(options)).toEqual(task.layout(options));
    expect(guarded.generate(createRng(3), options)).toEqual(task.generate(createRng(3), options));
  });

  it('names the task and the plugin when generate or layout throws, and keeps the cause', () => {
    const bug = new Error('the stimulus table is missing');
    const task = {
      ...toyTask(),
      generate: () => {
        throw bug;
      },
    };
    const guarded = guardPluginTask(task, 'molap-task-toy@1.0.0');
    let error: unknown;
    try {
      guarded.generate(createRng(1), options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TaskRegistryError);
    const failure = error as TaskRegistryError;
    expect(failure.code).toBe('task-failed');
    expect(failure.problem).toBe("task 'toy/reach' failed while generating trials: the stimulus table is missing");
    expect(failure.source).toBe('molap-task-toy@1.0.0');
    expect(failure.taskId).toBe('toy/reach');
    expect(failure.hint).toMatch(/bug in the plugin: update or fix molap-task-toy@1\.0\.0/);
    expect(failure.cause).toBe(bug);
    const badLayout = guardPluginTask(
      {
        ...toyTask(),
        layout: () => {
          throw new TypeError('no rings');
        },
      },
      'x@1.0.0',
    );
    expect(() => badLayout.layout(options)).toThrow(/failed while building its channel layout: no rings/);
  });

  it("lets option errors through unchanged (they are the user's to fix)", () => {
    const invalid = new InvalidOptionError('rules', ['fdgo'], 'include the task');
    const guarded = guardPluginTask(
      {
        ...toyTask(),
        generate: () => {
          throw invalid;
        },
      },
      'x@1.0.0',
    );
    expect(() => guarded.generate(createRng(1), options)).toThrow(invalid);
  });

  it('is what registerDiscovered registers', () => {
    const registry = createTaskRegistry();
    registerDiscovered(registry, discovery);
    expect(() => registry.get('good/alpha').generate(null as never, null as never)).toThrow(
      expect.objectContaining({ code: 'task-failed', source: 'molap-task-good@1.2.0' }),
    );
  });
});
