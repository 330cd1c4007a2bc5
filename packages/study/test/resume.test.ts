/**
 * A study as jobs: the graph of a plan, the contents of the results, job-by-job resumption (an interrupted
 * study finishes with the same results), skipped analyses.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Results, validateResults } from '@molap/analysis';
import { createEngine, type Engine } from '@molap/backend';
import { createTaskRegistry, type TaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MolapConfig } from '../src/config.js';
import type { StudyEvent } from '../src/events.js';

import { studyJobs } from '../src/jobs.js';
import { planStudy, type StudyPlan } from '../src/plan.js';
import { runStudy } from '../src/run-study.js';
import { createBuiltinStrategyRegistry } from '../src/strategies.js';
import { recordedRunFolder } from './run-folder.js';

let root: string;
let engine: Engine;
let registry: TaskRegistry;
let config: MolapConfig;
let golden: Results;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-study-'));
  engine = await createEngine({ engine: 'native', threads: 1 });
  registry = createTaskRegistry({ tasks: yang19 });
  const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
  config = JSON.parse(await fixture('tiny-study.config.json'));
  golden = JSON.parse(await fixture('tiny-study.results.json'));
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

/** A plan of the tiny study config with some run settings changed. */
const plan = (run: MolapConfig['run'] = {}) =>
  planStudy({ ...config, run: { ...config.run, ...run } }, undefined, {
    registry,
    strategyContext: { engine, tasks: registry },
  });

const folder = (studyPlan: StudyPlan): Promise<string> => recordedRunFolder(root, studyPlan, config);

const timeless = ({ timings: _t, createdBy: _c, ...results }: Results) => results;

describe('studyJobs', () => {
  it('makes one job per bank, training, stage and held-out task, each after its inputs', async () => {
    const jobs = studyJobs(
      await plan({ models: ['molap', 'multitask'], seeds: [1] }),
      await createBuiltinStrategyRegistry(),
      'pretrained-bank',
    );
    expect(jobs.map((job) => job.id)).toEqual([
      'bank/seed-1',
      'train/molap/seed-1',
      'robustness/molap/seed-1',
      'dimensionality/molap/seed-1',
      'task-variance/molap/seed-1',
      'generalisation/molap/seed-1/own/reactgo',
      'train/multitask/seed-1',
      'robustness/multitask/seed-1',
      'dimensionality/multitask/seed-1',
      'task-variance/multitask/seed-1',
      'generalisation/multitask/seed-1/own/reactgo',
      'generalisation/multitask/seed-1/rule-inputs/reactgo',
    ]);
    expect(jobs[1].inputs).toEqual(['bank/seed-1']);
    expect(jobs[6].inputs).toEqual([]);
    expect(jobs[11].inputs).toEqual(['train/multitask/seed-1']);
    expect(JSON.parse(JSON.stringify(jobs))).toEqual(jobs); // plain data
  });
});

describe('runStudy', () => {
  it('resumes job by job: an interrupted study finishes with the results of an uninterrupted one', async () => {
    const studyPlan = await plan({ models: ['molap', 'random-modules', 'multitask'] });
    const runDir = await folder(studyPlan);
    const controller = new AbortController();
    let ended = 0;
    const interrupted = runStudy(studyPlan, {
      runDir,
      engine,
      registry,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'stage-end' && ++ended === 7) controller.abort();
      },
    });
    await expect(interrupted).rejects.toThrow(/abort/i);
    expect(await readdir(join(runDir, 'state', 'jobs'))).toEqual(expect.arrayContaining(['bank', 'train']));
    const events: StudyEvent[] = [];
    const finished = await runStudy(studyPlan, { runDir, engine, registry, onEvent: (event) => events.push(event) });
    const resumed = events.filter((event) => event.type === 'stage-end' && event.resumed);
    expect(resumed).toHaveLength(7);
    expect(events.filter((event) => event.type === 'bank-start')).toEqual([]); // both banks were built before
    const expected = { ...golden, models: Object.fromEntries(Object.entries(golden.models).slice(0, 3)) };
    const { claims: _a, ...ours } = timeless(finished.results);
    const { claims: _b, ...theirs } = expected;
    expect(ours).toEqual(theirs);
    expect(validateResults(finished.results)).toEqual([]);
    expect(finished.results.timings.stages.pretrain).toBeGreaterThan(0);

    const again: StudyEvent[] = [];
    const repeat = await runStudy(studyPlan, { runDir, engine, registry, onEvent: (event) => again.push(event) });
    expect(again.every((event) => event.type === 'stage-end' && event.resumed)).toBe(true);
    expect(repeat.results).toEqual(finished.results);
  }, 120_000);

  it('skips the analyses the plan turns off', async () => {
    const studyPlan = await plan({
      models: ['multitask'],
      seeds: [1],
      analyses: { taskVariance: false, generalisation: false, robustness: false },
    });
    const { results } = await runStudy(studyPlan, { runDir: await folder(studyPlan), engine, registry });
    expect(validateResults(results)).toEqual([]);
    expect(results.perturbations).toEqual([]);
    expect(results.models.multitask.taskVariance).toEqual([]);
    expect(results.models.multitask.generalisation).toEqual({});
    expect(results.models.multitask.generalisationVariants['rule-inputs'].tasks).toEqual({});
    expect(results.models.multitask.dimensionality).not.toBeNull();
  }, 60_000);
});
