/**
 * The files of a new task plugin package (`taskPluginFiles`): the package.json with the molap manifest
 * (apiVersion 2), one `defineTask` task with a commented template, its conformance test, the build and
 * TypeScript configs and a README. Plain text from a few names: nothing here touches the file system.
 */
import { PACKAGE_VERSION } from './version.js';

/** The names a new plugin is written with (checked by `writeTaskPlugin`). */
export interface TaskPluginNames {
  /** npm package name, e.g. `molap-task-memory-saccade` or `@my-lab/molap-task-memory-saccade`. */
  readonly packageName: string;
  /** Id of its task, e.g. `my-lab/memory-saccade` (also the task's rule identity). */
  readonly taskId: string;
  /** Name shown in `molap tasks list`, e.g. `Memory saccade`. */
  readonly displayName: string;
}

/** Versions of the build tools the plugin's package.json pins (those molap itself is built and tested with). */
export const STARTER_TOOL_VERSIONS = Object.freeze({ tsup: '8.5.1', typescript: '5.9.3', vitest: '4.1.12' });

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function packageJson({ packageName }: TaskPluginNames): string {
  const tasks = `^${PACKAGE_VERSION}`;
  return json({
    name: packageName,
    version: '0.1.0',
    description: 'Tasks for molap (multi-task learning in recurrent networks), written with defineTask.',
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    files: ['dist'],
    main: './dist/tasks.cjs',
    module: './dist/tasks.js',
    types: './dist/tasks.d.ts',
    exports: {
      '.': {
        import: { types: './dist/tasks.d.ts', default: './dist/tasks.js' },
        require: { types: './dist/tasks.d.cts', default: './dist/tasks.cjs' },
      },
      './package.json': './package.json',
    },
    molap: { apiVersion: 2, tasks: './dist/tasks.js' },
    scripts: { build: 'tsup', test: 'vitest run', typecheck: 'tsc --noEmit', prepack: 'tsup' },
    engines: { node: '>=20.19' },
    keywords: ['molap-task', 'molap'],
    peerDependencies: { '@molap/tasks': tasks },
    devDependencies: { '@molap/tasks': tasks, ...STARTER_TOOL_VERSIONS },
  });
}

const TSCONFIG = json({
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ['src', 'test'],
});

const TSUP_CONFIG = `import { defineConfig } from 'tsup';

// One entry, dist/tasks.js (and .cjs, .d.ts): the module named by the package.json "molap" field.
export default defineConfig({
  entry: { tasks: 'src/tasks.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
});
`;

function tasksModule({ taskId, displayName }: TaskPluginNames): string {
  return `/**
 * ${displayName}: a molap task. Edit the periods, the conditions and the trial below; \`npm test\` checks the
 * task against molap's task contract (\`checkTaskConformance\`), \`npm run build\` writes dist/tasks.js.
 *
 * A task is written like the methods section of a paper: name the periods, say how the condition of a
 * trial is drawn, listed and read, then describe one trial. \`defineTask\` of @molap/tasks writes the batch
 * by Yang et al.'s conventions (those of molap's 20 built-in tasks), so you never write targets, the loss
 * mask, input noise or padding yourself:
 *
 * - inputs [T, B, 1 + 2·ringSize + rules]: fixation, ring 1, ring 2, the rule block (your task's unit on);
 * - outputs [T, B, 1 + ringSize]: fixation (target 0.8 until the go cue) and the response ring (a bump at
 *   the response direction from the go cue on; 0.05 elsewhere);
 * - loss mask: 0 for the first 100 ms (MASK_GRACE_MS), 1 until the go cue, 0 for 100 ms, then 5 to the end;
 * - input noise σ_x·√(2τ/dt) on every input (options \`noise\`, \`inputNoiseSigma\`, \`tau\`).
 *
 * Times are in ms, angles in radians on [0, 2π).
 */
import {
  angleField,
  conditionFields,
  conditionGrid,
  defineTask,
  numberField,
  ringDirections,
  TWO_PI,
} from '@molap/tasks';

/** What varies from trial to trial. Keep it a plain object: \`psychometric\` mode reads it from JSON. */
export interface Condition {
  /** Cue direction, radians. */
  readonly angle: number;
  /** Delay between cue and go, ms. */
  readonly delayMs: number;
}

/** Delays drawn in training and listed in the test grid, ms. */
export const DELAYS_MS = [200, 400, 800];

export const task = defineTask({
  // Lower-kebab, best scoped ('your-lab/task-name'): unique across plugins. Also the task's rule identity.
  id: '${taskId}',
  // The task's version is this package's (package.json) unless you give it one here, e.g. version: '1.0.0'.
  meta: {
    displayName: '${displayName.replace(/'/g, "\\'")}',
    description: 'Remember where a cue flashed and look there after a delay.',
    // The paper the task comes from and where to read it (shown by molap tasks show and list --json):
    // replace them with yours, or leave both out.
    paper: 'Funahashi, Bruce & Goldman-Rakic 1989 (J Neurophysiol)',
    link: 'https://doi.org/10.1152/jn.1989.61.2.331',
    tags: ['working memory', 'delayed response'],
  },
  // Period names in temporal order; a misspelt period below fails to compile.
  periods: ['fixation', 'cue', 'delay', 'go'],
  // The duration of the fixed periods, in ms (floored to whole steps of dt), checked here once. A task with
  // options merges its users' durations over these: timing: { defaults, given: options.timing }.
  timing: { defaults: { fixation: 300, cue: 200, go: 500 } },
  conditions: {
    // random mode (training): one trial's condition, from the seeded rng only.
    sample: (rng): Condition => ({
      angle: TWO_PI * rng.uniform(),
      delayMs: DELAYS_MS[rng.integer(DELAYS_MS.length)],
    }),
    // test mode: a deterministic grid (the delays × 8 directions 2πk/8), no randomness.
    grid: () => conditionGrid({ delayMs: DELAYS_MS, angle: ringDirections(8) }),
    // psychometric mode: the fields of a condition given by the caller and what each must be; a wrong one
    // is reported by name (conditions[3].delayMs). Write parse(raw, index) yourself for anything else.
    parse: conditionFields({
      angle: angleField('the cue direction'),
      delayMs: numberField('the delay in ms', { min: 0 }),
    }),
  },
  trial(trial, { angle, delayMs }) {
    // 1. How long each period lasts: the declared durations, and this trial's delay (every period not
    //    declared above must be given here).
    trial.timing({ delay: delayMs });
    // 2. The fixation input stays on until the go period: its disappearance is the go signal.
    trial.fixateUntil('go');
    // 3. What is shown: a bump at \`angle\` on ring 1 during the cue (or any shape: \`profile: (preferred) => …\`,
    //    a function of each unit's preferred direction).
    trial.show({ ring: 1, during: 'cue', angle });
    // 4. What is expected: fixate until the go period, then report \`angle\` (or \`trial.withhold('go')\`).
    trial.respond('go', angle);
  },
  // How trials are judged. Default: Yang's criterion at the last step. When *when* the network answers
  // matters (interval timing, reaction times), import responseTimingScore from @molap/tasks and use
  // score: responseTimingScore({ toleranceMs: 100 }),
});

/** Every task of the plugin: the module named by the package.json "molap.tasks" field exports \`tasks\`. */
export const tasks = [task];
`;
}

const TEST = `import { checkTaskConformance, composeRules, createRng, resolveTaskOptions, yang19 } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { tasks } from '../src/tasks.js';

describe.each(tasks.map((task) => [task.id, task] as const))('%s', (_id, task) => {
  it.each([
    ['defaults', {}],
    ['dt 10 ms, 16-unit rings', { dt: 10, ringSize: 16 }],
    ['noise off', { noise: false }],
  ])('keeps the task contract (%s)', (_name, options) => {
    expect(checkTaskConformance(task, { options: { batchSize: 12, ...options } })).toEqual([]);
  });

  it('keeps it next to the Yang et al. 2019 tasks, with one composed rule block', () => {
    const rules = composeRules([...yang19, ...tasks]);
    expect(checkTaskConformance(task, { options: { batchSize: 12, rules } })).toEqual([]);
  });

  it('gives the same batch for the same seed', () => {
    const options = resolveTaskOptions(task, { batchSize: 8 });
    const a = task.generate(createRng(7), options);
    const b = task.generate(createRng(7), options);
    expect(a.inputs).toEqual(b.inputs);
    expect(a.targets).toEqual(b.targets);
  });
});
`;

function readme({ packageName, taskId, displayName }: TaskPluginNames): string {
  return `# ${packageName}

## What is this?

A [molap](https://www.npmjs.com/package/@molap/tasks) task plugin: the task \`${taskId}\` (${displayName}),
written with \`defineTask\` of \`@molap/tasks\`. The \`molap\` field of package.json
(\`{"apiVersion": 2, "tasks": "./dist/tasks.js"}\`) lets molap find it among a project's dependencies.

## When to use it

To train and test recurrent networks on this task with molap, alone or next to the Yang et al. 2019 tasks
(\`molap run\`, \`molap compare\`, \`molap learn\`): molap composes the rule inputs of every set of tasks that
share a network, so no option needs to be typed by hand.

## Install

\`\`\`sh
npm install ${packageName} @molap/tasks
\`\`\`

\`@molap/tasks\` is a peer dependency: the plugin and your project share one copy.

## Use

\`\`\`sh
npx molap tasks doctor --strict        # discovery and the conformance check of every task
npx molap tasks show ${taskId}
npx molap tasks plot ${taskId} --out trial.svg
npx molap learn --model multitask --tasks fdgo,${taskId} --out models/multitask
\`\`\`

Developing the plugin: edit \`src/tasks.ts\`, then \`npm test\` (conformance) and \`npm run build\`. To try it in a
project before publishing, \`npm install ../${packageName.split('/').pop()}\` there (a link) and run the commands above.

## API

- \`tasks\`: every task of the plugin (the module named by \`molap.tasks\`).
- \`task\`: \`${taskId}\`; \`DELAYS_MS\`: its delays, ms.

## Compatibility

Node 20.19 or later; \`@molap/tasks\` ^${PACKAGE_VERSION} (plugin manifest apiVersion 2). ESM and CommonJS.
`;
}

/**
 * The files of a new task plugin, by path relative to its folder.
 * @returns `package.json`, `README.md`, `src/tasks.ts`, `test/tasks.test.ts`, `tsup.config.ts`,
 *   `tsconfig.json`, `.gitignore`.
 */
export function taskPluginFiles(names: TaskPluginNames): Readonly<Record<string, string>> {
  return {
    'package.json': packageJson(names),
    'README.md': readme(names),
    'src/tasks.ts': tasksModule(names),
    'test/tasks.test.ts': TEST,
    'tsup.config.ts': TSUP_CONFIG,
    'tsconfig.json': TSCONFIG,
    '.gitignore': 'node_modules\ndist\n',
  };
}
