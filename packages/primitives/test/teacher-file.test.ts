/**
 * `loadTeacher` from real folders: strategy.json and model.json are read through the one document check, so
 * a damaged, foreign or newer file is a molap error naming the file, never a bare SyntaxError.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '@molap/backend';
import { errorKind, writeStrategyDocument } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTeacher } from '../src/index.js';
import { plantedTeacher } from './teacher-helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-teacher-file-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const teacher = plantedTeacher();

/** A saved strategy folder holding the teacher: strategy.json and network/. */
async function savedStrategy(name: string): Promise<string> {
  const dir = join(root, name);
  await saveModel(join(dir, 'network'), { config: teacher.config, parameters: teacher.parameters });
  await writeStrategyDocument(dir, {
    strategy: 'multitask',
    strategyVersion: '1.0.0',
    options: {},
    learnedTasks: ['go', 'anti'],
    state: {},
  });
  return dir;
}

describe('loadTeacher reads strategy.json and model.json through the document check', () => {
  it('a saved strategy folder reads, with the checksum model.json records', async () => {
    const dir = await savedStrategy('valid');
    const loaded = await loadTeacher(dir);
    expect(loaded.taskIds).toEqual(['go', 'anti']);
    expect(loaded.source.strategy).toBe('multitask');
    const document = JSON.parse(await readFile(join(dir, 'network', 'model.json'), 'utf8'));
    expect(loaded.fileSha256).toBe(document.weights.sha256);
    expect(loaded.parameters.recurrentWeights).toEqual(teacher.parameters.recurrentWeights);
  });

  it('a damaged strategy.json is file-format naming the file (not a SyntaxError)', async () => {
    const dir = await savedStrategy('damaged');
    await writeFile(join(dir, 'strategy.json'), '{"format": "molap-strategy", ');
    const error = await loadTeacher(dir).catch((e) => e);
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect({ code: error.code, kind: errorKind(error), file: error.file }).toEqual({
      code: 'file-format',
      kind: 'bad-input',
      file: join(dir, 'strategy.json'),
    });
    expect(error.problem).toMatch(/^is not valid JSON at line 1/);
  });

  it('a bank.json in place of strategy.json says it is a module bank', async () => {
    const dir = await savedStrategy('bank');
    await writeFile(join(dir, 'strategy.json'), JSON.stringify({ format: 'molap-module-bank', formatVersion: 3 }));
    const error = await loadTeacher(dir).catch((e) => e);
    expect({ code: error.code, problem: error.problem }).toEqual({
      code: 'file-format',
      problem: 'is a module bank (bank.json of @molap/primitives), not a saved model (strategy.json)',
    });
  });

  it('a newer strategy.json or model.json is file-version: upgrade', async () => {
    const dir = await savedStrategy('newer');
    const strategyPath = join(dir, 'strategy.json');
    const strategy = JSON.parse(await readFile(strategyPath, 'utf8'));
    await writeFile(strategyPath, JSON.stringify({ ...strategy, formatVersion: 99 }));
    const newerStrategy = await loadTeacher(dir).catch((e) => e);
    expect({ code: newerStrategy.code, hint: newerStrategy.hint }).toEqual({
      code: 'file-version',
      hint: 'upgrade @molap/core (or the @molap/cli that uses it) to read it',
    });
    await writeFile(strategyPath, JSON.stringify(strategy));
    const modelPath = join(dir, 'network', 'model.json');
    const model = JSON.parse(await readFile(modelPath, 'utf8'));
    await writeFile(modelPath, JSON.stringify({ ...model, formatVersion: 2 }));
    const newerModel = await loadTeacher(dir).catch((e) => e);
    expect({ code: newerModel.code, file: newerModel.file }).toEqual({ code: 'file-version', file: modelPath });
  });
});
