import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Engine, ModelFileError, saveModel } from '@molap/backend';
import { YANG19_TASKS } from '@molap/tasks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

import { errorKind } from '@molap/core';
import {
  BANK_JSON,
  bankLayout,
  createRandomModuleBank,
  loadModuleBank,
  MODULE_BANK_FORMAT_VERSION,
  type ModuleBank,
  pretrainModules,
  readModuleBankFiles,
  saveModuleBank,
} from '../src/index.js';
import {
  SMALL_CORPUS,
  SMALL_TASK_OPTIONS,
  singleThreadEngine,
  smallPrimitives,
  TINY_TRAINING,
} from './bank-helpers.js';

let engine: Engine;
let bank: ModuleBank;
const folders: string[] = [];
beforeAll(async () => {
  engine = await singleThreadEngine();
  bank = await pretrainModules({
    tasks: SMALL_CORPUS,
    primitives: smallPrimitives(2),
    seed: 3,
    taskOptions: SMALL_TASK_OPTIONS,
    ...TINY_TRAINING,
    engine,
  });
});
afterAll(async () => {
  await engine.dispose();
});
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-bank-'));
  folders.push(dir);
  return dir;
}

describe('saveModuleBank / loadModuleBank', () => {
  it('round-trips a pre-trained bank exactly (modules, primitives, corpus, seeds, options, log)', async () => {
    const dir = await folder();
    await saveModuleBank(dir, bank);
    const loaded = await loadModuleBank(dir);
    expect(loaded.network.parameters).toEqual(bank.network.parameters);
    expect(loaded.network.config).toEqual(bank.network.config);
    expect(loaded.primitives?.yDirections).toEqual(bank.primitives?.yDirections);
    expect(loaded.primitives?.rho).toEqual(bank.primitives?.rho);
    const { primitives: _a, network: _b, ...rest } = loaded;
    const { primitives: _c, network: _d, ...expected } = bank;
    expect(rest).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('round-trips a random bank (no primitives)', async () => {
    const dir = await folder();
    const random = createRandomModuleBank({
      layout: bankLayout(YANG19_TASKS.fdgo, SMALL_TASK_OPTIONS),
      k: 2,
      moduleSize: 3,
      seed: 9,
    });
    await saveModuleBank(dir, random);
    const loaded = await loadModuleBank(dir);
    expect(loaded.kind).toBe('random');
    expect(loaded.primitives).toBeNull();
    expect(loaded.network.parameters).toEqual(random.network.parameters);
  });

  it('reads version-1 banks (before extractor records), inferring the record from their latents', async () => {
    const dir = await folder();
    await saveModuleBank(dir, bank);
    const path = join(dir, BANK_JSON);
    const { extractor: _record, ...document } = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...document, formatVersion: 1 }));
    const loaded = await loadModuleBank(dir);
    expect(loaded.extractor).toEqual({
      id: 'cca',
      version: '1.0.0',
      options: { k: 2, rankTolerance: 1e-5, regularization: 1e-3, trialsPerTask: 32, historyTimeConstants: [] },
      teacher: null,
    });
    expect(loaded.extractor).toEqual(bank.extractor);
    // A version-2 bank must carry its record.
    await writeFile(path, JSON.stringify({ ...document, formatVersion: 2 }));
    await expect(loadModuleBank(dir)).rejects.toThrow(/version-2 bank without an extractor record/);
  });

  it('reads version-2 banks, whose extractor version was an integer n, as semver n.0.0', async () => {
    const dir = await folder();
    await saveModuleBank(dir, bank);
    const path = join(dir, BANK_JSON);
    const document = JSON.parse(await readFile(path, 'utf8'));
    expect(document.formatVersion).toBe(3);
    expect(document.extractor.version).toBe('1.0.0');
    await writeFile(
      path,
      JSON.stringify({ ...document, formatVersion: 2, extractor: { ...document.extractor, version: 4 } }),
    );
    const loaded = await loadModuleBank(dir);
    expect(loaded.extractor).toEqual({ ...bank.extractor, version: '4.0.0' });
  });

  it('refuses a bank written by a newer format version, naming the fix', async () => {
    const dir = await folder();
    await saveModuleBank(dir, bank);
    const path = join(dir, BANK_JSON);
    const document = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...document, formatVersion: MODULE_BANK_FORMAT_VERSION + 1 }));
    const error = await loadModuleBank(dir).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(errorKind(error)).toBe('bad-input');
    expect(error.code).toBe('file-version');
    expect(error.message).toMatch(
      /format version 4, newer than the versions 1 to 3 this @molap\/primitives reads .*\n {2}hint: upgrade @molap\/primitives/,
    );
  });

  it('refuses folders that are not banks, and modules that do not belong to the bank', async () => {
    const empty = await folder();
    await expect(loadModuleBank(empty)).rejects.toThrow(/cannot be read \(ENOENT\): is .* a module bank folder/);
    const dir = await folder();
    await saveModuleBank(dir, bank);
    await writeFile(join(dir, BANK_JSON), JSON.stringify({ format: 'molap-rnn', formatVersion: 1 }));
    const model = await loadModuleBank(dir).catch((e) => e);
    expect({ code: model.code, problem: model.problem }).toEqual({
      code: 'file-format',
      problem: 'is a saved network (model.json of @molap/backend), not a module bank (bank.json)',
    });
    await writeFile(join(dir, BANK_JSON), '{"format": "molap-module-bank",');
    const truncated = await loadModuleBank(dir).catch((e) => e);
    expect({ code: truncated.code, file: truncated.file }).toEqual({ code: 'file-format', file: join(dir, BANK_JSON) });
    expect(truncated.problem).toMatch(/^is not valid JSON at line 1, column 32: unexpected end of the file/);
    const other = await folder();
    await saveModuleBank(other, bank);
    const changed = {
      ...bank.network.parameters,
      recurrentBias: bank.network.parameters.recurrentBias.map((v) => v + 1),
    };
    await saveModel(join(other, 'modules'), { config: bank.network.config, parameters: changed });
    await expect(loadModuleBank(other)).rejects.toThrow(/the modules do not belong to this bank/);
  });
});

/** A bank folder's three files as a page reads them (a fetch or a file picker), named as in the folder. */
async function bankFiles(dir: string) {
  const [bankText, modelJson, weights] = await Promise.all([
    readFile(join(dir, BANK_JSON), 'utf8'),
    readFile(join(dir, 'modules', 'model.json'), 'utf8'),
    readFile(join(dir, 'modules', 'weights.bin')),
  ]);
  return {
    bankPath: join(dir, BANK_JSON),
    bank: bankText,
    modules: {
      jsonPath: join(dir, 'modules', 'model.json'),
      weightsPath: join(dir, 'modules', 'weights.bin'),
      json: modelJson,
      weights: new Uint8Array(weights),
    },
  };
}

describe('readModuleBankFiles (the files of a bank folder, without a file system)', () => {
  it('decodes them into the bank loadModuleBank loads', async () => {
    const dir = await folder();
    await saveModuleBank(dir, bank);
    expect(await readModuleBankFiles(await bankFiles(dir))).toEqual(await loadModuleBank(dir));
  });

  it('refuses damaged weights and modules of another bank with the errors of loadModuleBank', async () => {
    const corrupt = await folder();
    await saveModuleBank(corrupt, bank);
    const weights = await readFile(join(corrupt, 'modules', 'weights.bin'));
    weights[12] = weights[12]! ^ 0xff;
    await writeFile(join(corrupt, 'modules', 'weights.bin'), weights);
    const other = await folder();
    await saveModuleBank(other, bank);
    const changed = { ...bank.network.parameters, outputBias: bank.network.parameters.outputBias.map((v) => v + 1) };
    await saveModel(join(other, 'modules'), { config: bank.network.config, parameters: changed });
    for (const [dir, problem] of [
      [corrupt, /SHA-256 checksum mismatch/],
      [other, /the modules do not belong to this bank/],
    ] as const) {
      const fromDisk = await loadModuleBank(dir).catch((e) => e);
      const fromFiles = await readModuleBankFiles(await bankFiles(dir)).catch((e) => e);
      expect(fromFiles).toBeInstanceOf(ModelFileError);
      expect(fromFiles.problem).toMatch(problem);
      expect({ file: fromFiles.file, problem: fromFiles.problem }).toEqual({
        file: fromDisk.file,
        problem: fromDisk.problem,
      });
    }
  });
});

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
describe.runIf(existsSync(dist))('pretrainModules in worker threads (the build)', () => {
  it('uses the workers and gives the same bank, bit for bit, with 1 and 2 workers', async () => {
    const built = (await import(dist)) as typeof import('../src/index.js');
    const options = {
      tasks: SMALL_CORPUS,
      primitives: smallPrimitives(3),
      seed: 11,
      taskOptions: SMALL_TASK_OPTIONS,
      ...TINY_TRAINING,
    };
    const starts: unknown[] = [];
    const parallel = await built.pretrainModules({
      ...options,
      workers: 2,
      engineOptions: { engine: 'native' },
      onProgress: (event) => event.type === 'start' && starts.push(event),
    });
    expect(starts).toEqual([{ type: 'start', modules: 3, mode: 'workers', workers: 2 }]);
    const serial = await built.pretrainModules({ ...options, workers: 1 });
    expect(parallel.network.parameters).toEqual(serial.network.parameters);
    expect(parallel.log.map((l) => l.heldOutR2)).toEqual(serial.log.map((l) => l.heldOutR2));
  });
});

/**
 * Plugin tasks in the pre-training workers. Run with plain Node in a child process: the plugin imports
 * @molap/tasks like any installed package, which this test process would resolve to TypeScript sources.
 */
describe.runIf(existsSync(dist))('pretrainModules in worker threads with plugin tasks', () => {
  it('loads the plugins of the discovery in every worker, with the bank of one thread', async () => {
    const project = await mkdtemp(join(tmpdir(), 'molap-plugin-workers-'));
    try {
      await mkdir(join(project, 'node_modules'));
      const fixture = fileURLToPath(new URL('./fixtures/molap-task-reach', import.meta.url));
      await symlink(fixture, join(project, 'node_modules', 'molap-task-reach'), 'dir');
      const tasksDist = fileURLToPath(new URL('../../tasks/dist/index.js', import.meta.url));
      const script = fileURLToPath(new URL('./fixtures/pretrain-with-plugins.mjs', import.meta.url));
      const { stdout } = await execFileAsync(
        process.execPath,
        [script, pathToFileURL(dist).href, pathToFileURL(tasksDist).href],
        { cwd: project },
      );
      expect(JSON.parse(stdout)).toEqual({
        errors: [],
        starts: [{ type: 'start', modules: 2, mode: 'workers', workers: 2 }],
        // The rule block is composed for the corpus: the 20 Yang rules, then the plugin's.
        rules: ['lab/delayed-reach'],
        same: true,
      });
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  }, 120_000);
});
