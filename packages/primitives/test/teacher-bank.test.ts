import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '@molap/backend';
import { errorKind } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BANK_JSON,
  type BuildModuleBankOptions,
  buildModuleBank,
  checkBankExtractor,
  IcaConvergenceError,
  loadModuleBank,
  type PretrainProgress,
  saveModuleBank,
  teacherChecksum,
} from '../src/index.js';
import { SMALL_CORPUS, SMALL_TASK_OPTIONS, singleThreadEngine, TINY_TRAINING } from './bank-helpers.js';
import { plantedTeacher } from './teacher-helpers.js';

let engine: Engine;
const folders: string[] = [];
beforeAll(async () => {
  engine = await singleThreadEngine();
});
afterAll(async () => {
  await engine.dispose();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-teacher-bank-'));
  folders.push(dir);
  return dir;
}

const teacher = plantedTeacher();
const base: BuildModuleBankOptions = {
  tasks: SMALL_CORPUS,
  seed: 9,
  taskOptions: SMALL_TASK_OPTIONS,
  extractor: 'teacher',
  latents: { k: 2, trialsPerTask: 16 },
  teacher,
  ...TINY_TRAINING,
  poolBatchesPerTask: 2,
  engine,
};

describe('banks from teacher latents', () => {
  it('are bit-identical when built twice, and record extractor, options and teacher', async () => {
    const one = await buildModuleBank(base);
    const two = await buildModuleBank(base);
    expect(two.network.parameters).toEqual(one.network.parameters);
    expect(two.log.map((l) => l.heldOutR2)).toEqual(one.log.map((l) => l.heldOutR2));
    expect(one.extractor).toMatchObject({
      id: 'teacher',
      version: '1.0.0',
      options: { k: 2, rotation: 'none', trialsPerTask: 16 },
      teacher: { sha256: teacherChecksum(teacher.parameters), hiddenSize: 6, taskIds: ['fdgo', 'delaygo', 'dm1'] },
    });
    expect(one.primitives?.method).toBe('teacher');
    for (const log of one.log) expect(Number.isFinite(log.heldOutR2)).toBe(true);
  });

  it('save and load with their record; a bank from one extractor is not taken for another', async () => {
    const bank = await buildModuleBank(base);
    const dir = await folder();
    await saveModuleBank(dir, bank);
    const loaded = await loadModuleBank(dir);
    expect(loaded.extractor).toEqual(bank.extractor);
    expect(loaded.primitives).toEqual(bank.primitives);
    expect(loaded.network.parameters).toEqual(bank.network.parameters);
    const sha = teacherChecksum(teacher.parameters);
    expect(() => checkBankExtractor(loaded, { id: 'teacher', options: { k: 2 }, teacherSha256: sha })).not.toThrow();
    expect(() => checkBankExtractor(loaded, { id: 'teacher-cca' })).toThrow(
      /built with extractor 'teacher' \(expected 'teacher-cca'\)/,
    );
    expect(() => checkBankExtractor(loaded, { id: 'teacher', options: { rotation: 'ica' } })).toThrow(
      /option rotation = "none" \(expected "ica"\)/,
    );
    const other = teacherChecksum(plantedTeacher({ seed: 2 }).parameters);
    expect(() => checkBankExtractor(loaded, { id: 'teacher', teacherSha256: other })).toThrow(/teacher [0-9a-f]{12}…/);
    const cca = await buildModuleBank({ ...base, extractor: 'cca', latents: { k: 2, trialsPerTask: 16 } });
    expect(cca.extractor).toMatchObject({ id: 'cca', teacher: null });
    expect(() => checkBankExtractor(cca, { id: 'teacher' })).toThrow(/built with extractor 'cca'/);
    // An edited bank.json whose record names another extractor than its latents is refused.
    const document = JSON.parse(await readFile(join(dir, BANK_JSON), 'utf8'));
    await writeFile(
      join(dir, BANK_JSON),
      JSON.stringify({ ...document, extractor: { ...document.extractor, id: 'cca' } }),
    );
    await expect(loadModuleBank(dir)).rejects.toThrow(
      /records the extractor 'cca' but its latents are 'teacher' latents/,
    );
  });

  it('teacher-cca banks build from the same teacher and differ from teacher banks', async () => {
    const bank = await buildModuleBank({ ...base, extractor: 'teacher-cca' });
    expect(bank.extractor?.id).toBe('teacher-cca');
    expect(bank.primitives?.method).toBe('teacher-cca');
    expect(() => checkBankExtractor(bank, { id: 'teacher' })).toThrow(/built with extractor 'teacher-cca'/);
  });
});

describe('banks from teacher latents: bad input is refused before any module trains', () => {
  /**
   * Runs `options`; expects `message` in a molap error of kind 'bad-input' (exit code 2 of the CLI), no
   * pre-training event and nothing in the checkpoint folder.
   */
  async function refused(
    options: Partial<BuildModuleBankOptions>,
    message: RegExp | (new (...args: never[]) => Error),
  ) {
    const dir = join(await folder(), 'bank');
    const events: PretrainProgress[] = [];
    const error = await buildModuleBank({
      ...base,
      ...options,
      checkpointDir: dir,
      onProgress: (event) => events.push(event),
    }).catch((caught: unknown) => caught);
    expect(() => {
      throw error;
    }).toThrow(message as RegExp);
    expect(errorKind(error)).toBe('bad-input');
    expect(events).toEqual([]);
    expect(existsSync(dir) ? await readdir(dir) : []).toEqual([]);
  }

  it('an unknown extractor names the registered ones and the closest', async () => {
    await refused(
      { extractor: 'teachr' },
      /unknown latent extractor 'teachr'. Did you mean 'teacher'\? Known latent extractor ids: cca, pca, teacher, teacher-cca\.\n {2}hint: register one with registry\.register/,
    );
  });

  it('a teacher extractor without a teacher says how to get one', async () => {
    await refused(
      { teacher: undefined },
      /needs a trained teacher, and none was given\n {2}hint: train the multitask RNN/,
    );
  });

  it('a teacher trained on other tasks, or on another layout', async () => {
    await refused(
      { teacher: plantedTeacher({ taskIds: ['fdgo', 'delaygo', 'dm1', 'dmsgo'] }) },
      /it also learned dmsgo, which would leak into the modules\n {2}hint: train the teacher on exactly the corpus tasks/,
    );
    await refused({ teacher: plantedTeacher({ taskIds: ['fdgo', 'dm1'] }) }, /it never learned delaygo/);
    const wide = plantedTeacher();
    await refused(
      { teacher: { ...wide, config: { ...wide.config, inputSize: 85, outputSize: 33 } } },
      /the teacher has 85 inputs and 33 outputs but the corpus tasks have 37 and 9/,
    );
  });

  it('k above the numerical rank of the teacher states', async () => {
    await refused(
      { latents: { k: 4, trialsPerTask: 16 } },
      /k = 4 exceeds the numerical rank of the teacher's states \(3/,
    );
  });

  it('ICA that does not converge reports its iterations and the fix', async () => {
    await refused({ latents: { k: 3, trialsPerTask: 16, rotation: 'ica', icaMaxIterations: 1 } }, IcaConvergenceError);
    expect(new IcaConvergenceError(1, 0.5, 1e-6)).toMatchObject({ code: 'ica-not-converged', kind: 'bad-input' });
    await refused(
      { latents: { k: 3, trialsPerTask: 16, rotation: 'ica', icaMaxIterations: 1 } },
      /did not converge in 1 iterations .*raise ica\.maxIterations/,
    );
  });

  it('unknown extractor options and bad training options', async () => {
    await refused({ latents: { k: 2, history: [100] } }, /unknown 'teacher' extractor option 'history'/);
    await refused({ steps: -1 }, /pre-training option steps must be an integer >= 0/);
  });
});

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
describe.runIf(existsSync(dist))('teacher banks in worker threads (the build)', () => {
  it('are bit-identical with 1 and 2 workers', async () => {
    const built = (await import(dist)) as typeof import('../src/index.js');
    const { engine: _engine, ...options } = base;
    const starts: unknown[] = [];
    const parallel = await built.buildModuleBank({
      ...options,
      latents: { k: 3, trialsPerTask: 16 },
      workers: 2,
      engineOptions: { engine: 'native' },
      onProgress: (event) => event.type === 'start' && starts.push(event),
    });
    expect(starts).toEqual([{ type: 'start', modules: 3, mode: 'workers', workers: 2 }]);
    const serial = await built.buildModuleBank({ ...options, latents: { k: 3, trialsPerTask: 16 }, workers: 1 });
    expect(parallel.network.parameters).toEqual(serial.network.parameters);
    expect(parallel.log.map((l) => l.heldOutR2)).toEqual(serial.log.map((l) => l.heldOutR2));
  });
});
