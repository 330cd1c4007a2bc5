import { join } from 'node:path';
import { readNpz } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, molap, type Scratch } from './support.js';

let scratch: Scratch;
beforeAll(() => {
  scratch = createScratch('molap-cli-config-');
  scratch.write('good/molap.config.json', {
    $schema: './molap.config.schema.json',
    tasks: { options: { batchSize: 8, noise: false } },
    backend: { engine: 'native', threads: 1 },
    compare: { tasks: ['fdgo', 'dm1'], budget: 'quick', seeds: [1, 2], out: 'runs/table.json' },
    presets: {
      tiny: { tasks: { options: { batchSize: 2 } }, compare: { budget: { steps: 5 }, seeds: [3] } },
      paper: { compare: { budget: 'standard' } },
    },
  });
  scratch.write('good/sub/.keep', '');
  scratch.write('bad-json/molap.config.json', '{ "tasks": { "options": { "dt": 20, } } }');
  scratch.write('unknown-key/molap.config.json', { compare: { tasks: ['fdgo'], sedds: [1] } });
  scratch.write('unknown-top/molap.config.json', { task: {} });
  scratch.write('wrong-type/molap.config.json', { compare: { seeds: [1, '2'] } });
  scratch.write('wrong-enum/molap.config.json', { backend: { engine: 'nativ' } });
  scratch.write('bad-preset/molap.config.json', { presets: { tiny: { compare: { budget: { stesp: 5 } } } } });
  scratch.write('bad-strategy/molap.config.json', {
    compare: { strategies: ['multitask', { strategy: 'ewc', option: {} }] },
  });
});
afterAll(() => scratch.remove());

const inFolder = (folder: string, ...args: string[]) => molap(args, { cwd: join(scratch.root, folder) });
const firstLine = (text: string) => text.split('\n', 1)[0];

describe.concurrent('molap.config.json', () => {
  it('is found in the project folder and shown as the commands see it', async () => {
    const result = await inFolder('good/sub', 'config', 'show');
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config).toEqual({
      tasks: { options: { batchSize: 8, noise: false } },
      backend: { engine: 'native', threads: 1 },
      compare: {
        tasks: ['fdgo', 'dm1'],
        budget: { preset: 'quick' },
        seeds: [1, 2],
        out: join(scratch.root, 'good/runs/table.json'),
      },
    });
    expect(result.stderr).toContain('presets: tiny, paper');
  });

  it('applies a preset over the file: objects merge, arrays and values are replaced', async () => {
    const result = await inFolder('good', 'config', 'show', '--preset', 'tiny');
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config.tasks.options).toEqual({ batchSize: 2, noise: false });
    expect(config.compare.budget).toEqual({ preset: 'quick', steps: 5 });
    expect(config.compare.seeds).toEqual([3]);
    const paper = JSON.parse((await inFolder('good', 'config', 'show', '--preset', 'paper')).stdout);
    expect(paper.compare.budget).toEqual({ preset: 'standard' });
  });

  it('feeds task commands; flags override the preset, which overrides the file', async () => {
    const fromFile = await inFolder('good', 'tasks', 'export', 'fdgo', '--mode', 'random', '--json', '--out', 'a.npz');
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ noise: false, shape: { batchSize: 8 } });
    const fromPreset = await inFolder(
      'good',
      'tasks',
      'export',
      'fdgo',
      '--mode',
      'random',
      '--preset',
      'tiny',
      '--json',
      '--out',
      'b.npz',
    );
    expect(JSON.parse(fromPreset.stdout).shape.batchSize).toBe(2);
    const fromFlags = await inFolder(
      'good',
      ...[
        'tasks',
        'export',
        'fdgo',
        '--mode',
        'random',
        '--preset',
        'tiny',
        '--batch-size',
        '3',
        '--noise',
        '--out',
        'c.npz',
      ],
    );
    expect(fromFlags.code).toBe(0);
    expect(fromFlags.stdout).toContain('noise on: 3 trials');
    const batch = await readNpz(join(scratch.root, 'good/c.npz'));
    expect(batch.batchSize).toBe(3);
  }, 90_000); // four CLI runs one after the other: 3 s alone, over 30 s on a loaded machine

  it('reads an explicit --config file; a missing one exits 2', async () => {
    const result = await molap(['config', 'show', '--config', join(scratch.root, 'good/molap.config.json')], {
      cwd: scratch.root,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).compare.seeds).toEqual([1, 2]);
    const missing = await inFolder('good', 'config', 'show', '--config', 'other.json');
    expect(missing.code).toBe(2);
    expect(firstLine(missing.stderr)).toMatch(/^molap: cannot read the config file other\.json: ENOENT/);
  });

  it.each([
    ['bad-json', /^molap: molap\.config\.json is not valid JSON at line 1, column 37: unexpected '}'$/],
    ['unknown-key', /^molap: molap\.config\.json: unknown key "compare\.sedds"\. Did you mean "seeds"\?$/],
    ['unknown-top', /^molap: molap\.config\.json: unknown key "task"\. Did you mean "tasks"\?$/],
    ['wrong-type', /^molap: molap\.config\.json: compare\.seeds\[1\] must be an integer, got "2"$/],
    [
      'wrong-enum',
      /^molap: molap\.config\.json: backend\.engine must be one of native, tfjs, got "nativ"\. Did you mean "native"\?$/,
    ],
    [
      'bad-preset',
      /^molap: molap\.config\.json: unknown key "presets\.tiny\.compare\.budget\.stesp"\. Did you mean "steps"\?$/,
    ],
    [
      'bad-strategy',
      /^molap: molap\.config\.json: unknown key "compare\.strategies\[1\]\.option"\. Did you mean "options"\?$/,
    ],
  ])('rejects a malformed config (%s) with exit 2 and one line', async (folder, message) => {
    const result = await inFolder(folder, 'tasks', 'list');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(firstLine(result.stderr)).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists the known keys in the hint of an unknown key', async () => {
    const result = await inFolder('unknown-key', 'config', 'show');
    expect(result.stderr).toContain('hint: the keys of compare are strategies, tasks, budget, seeds, parallelism, out');
  });

  it('exits 2 on an unknown preset, naming the closest', async () => {
    const result = await inFolder('good', 'config', 'show', '--preset', 'tiy');
    expect(result.code).toBe(2);
    expect(firstLine(result.stderr)).toBe('molap: unknown preset "tiy". Did you mean "tiny"?');
    expect(result.stderr).toContain('hint: the presets of molap.config.json are tiny, paper');
  });

  it('prints the JSON Schema of the file', async () => {
    const result = await molap(['config', 'schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'tasks', 'backend', 'compare', 'run', 'presets']);
  });
});

describe('the task options section', () => {
  it('has one key per TaskOptions default set per run, with the default read from @molap/tasks', async () => {
    const { DEFAULT_TASK_OPTIONS } = await import('@molap/tasks');
    const { taskOptionsSchema } = await import('@molap/study');
    // mode and conditions are chosen per use (training, evaluation, psychometric), never in a config
    const perRun = Object.keys(DEFAULT_TASK_OPTIONS).filter((key) => key !== 'mode');
    expect(Object.keys(taskOptionsSchema.shape).sort()).toEqual(perRun.sort());
    for (const key of perRun.filter((key) => key !== 'rules')) {
      const value = (DEFAULT_TASK_OPTIONS as unknown as Record<string, unknown>)[key];
      expect(taskOptionsSchema.shape[key as keyof typeof taskOptionsSchema.shape].description).toContain(
        `(default ${String(value)})`,
      );
    }
  });
});
