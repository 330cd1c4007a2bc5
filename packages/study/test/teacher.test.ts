/**
 * MoLaP's modules taught by the run's own multitask network (the 'teacher' extractor in a study): the bank
 * job of a seed reads the multitask model of that seed, the bank records which network taught it, and plans
 * that cannot have a teacher are refused before any work.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '@molap/backend';
import { loadModuleBank, loadTeacher, teacherChecksum } from '@molap/primitives';
import { createTaskRegistry, type TaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MolapConfig } from '../src/config.js';

import { studyJobs } from '../src/jobs.js';
import { planStudy } from '../src/plan.js';
import { runStudy } from '../src/run-study.js';
import { createBuiltinStrategyRegistry } from '../src/strategies.js';
import { recordedRunFolder } from './run-folder.js';

let root: string;
let engine: Engine;
let registry: TaskRegistry;
let config: MolapConfig;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-teacher-'));
  engine = await createEngine({ engine: 'native', threads: 1 });
  registry = createTaskRegistry({ tasks: yang19 });
  const tiny = JSON.parse(await readFile(new URL('fixtures/tiny-study.config.json', import.meta.url), 'utf8'));
  config = {
    ...tiny,
    run: {
      ...tiny.run,
      seeds: [1],
      models: ['molap', 'multitask'],
      bank: { ...tiny.run.bank, extractor: 'teacher', latents: { k: 4 } },
      perturbations: [{ id: 'unit-silencing', magnitudes: [0, 0.5], draws: 1 }],
    },
  };
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const plan = (run: MolapConfig['run'] = {}) =>
  planStudy({ ...config, run: { ...config.run, ...run } }, undefined, {
    registry,
    strategyContext: { engine, tasks: registry },
  });

describe('a study with the teacher extractor', () => {
  it('trains the multitask model first, builds the bank from it and records which network taught it', async () => {
    const studyPlan = await plan();
    expect(studyPlan.bank).toMatchObject({ extractor: 'teacher', teacher: 'multitask' });
    const jobs = studyJobs(studyPlan, await createBuiltinStrategyRegistry(), 'pretrained-bank');
    expect(jobs.slice(0, 3).map((job) => job.id)).toEqual([
      'train/multitask/seed-1',
      'bank/seed-1',
      'train/molap/seed-1',
    ]);
    expect(jobs.filter((job) => job.id === 'train/multitask/seed-1')).toHaveLength(1);
    expect(jobs[1].inputs).toEqual(['train/multitask/seed-1']);

    const runDir = await recordedRunFolder(root, studyPlan, config);
    const { results } = await runStudy(studyPlan, { runDir, engine, registry });
    expect(Object.keys(results.models)).toEqual(['molap', 'multitask']);
    const jobsDir = join(runDir, 'state', 'jobs');
    const bank = await loadModuleBank(join(jobsDir, 'bank', 'seed-1', 'files', 'bank'));
    const teacher = await loadTeacher(join(jobsDir, 'train', 'multitask', 'seed-1', 'files', 'model'));
    expect(bank.extractor?.id).toBe('teacher');
    expect(bank.extractor?.teacher?.sha256).toBe(teacherChecksum(teacher.parameters));
    expect(bank.extractor?.teacher?.taskIds).toEqual(['fdgo', 'dm1']);
  }, 120_000);

  it('refuses plans that cannot have a teacher, before any work', async () => {
    await expect(plan({ models: ['molap', 'independent'] })).rejects.toThrow(
      /has no model to be that teacher \(one that learns every corpus task together from scratch/,
    );
    await expect(plan({ bank: { ...config.run?.bank, teacher: 'molap' } })).rejects.toThrow(
      /model "molap" cannot teach the bank/,
    );
    await expect(plan({ bank: { ...config.run?.bank, teacher: 'ewc' } })).rejects.toThrow(
      /not one of the run's models/,
    );
    await expect(plan({ bank: { ...config.run?.bank, extractor: 'cca', teacher: 'multitask' } })).rejects.toThrow(
      /reads no teacher/,
    );
    await expect(plan({ bank: { ...config.run?.bank, extractor: 'teachr' } })).rejects.toThrow(
      /Did you mean 'teacher'/,
    );
  });
});
