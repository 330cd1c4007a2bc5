/**
 * analyseModels on a real tiny run: MoLaP, random-modules and three baselines, two corpus tasks, one held-out
 * task, two seeds.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StrategyContext } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalysisOutput, type AnalysisProgress, analyseModels } from '../src/analyse.js';
import { validateResults } from '../src/results-file.js';
import type { Results } from '../src/schema.js';
import { createTestContext, tinyRunOptions, withTemporaryDir } from './helpers.js';

let context: StrategyContext;
let output: AnalysisOutput;
beforeAll(async () => {
  context = await createTestContext();
  output = await analyseModels(tinyRunOptions(context));
}, 60_000);
afterAll(async () => {
  await context.engine.dispose();
});

/** The results without wall-clock times. */
function timeless(results: Results) {
  return { ...results, timings: { total: 0, stages: {} } };
}

describe('analyseModels', () => {
  it('returns results that match the schema, with every analysis for every model', () => {
    const { results } = output;
    expect(validateResults(results)).toEqual([]);
    expect(results.corpus).toEqual(['fdgo', 'dm1']);
    expect(results.heldOut).toEqual(['reactgo']);
    expect(results.seed).toBe(1);
    expect(Object.keys(results.models)).toEqual(['molap', 'random-modules', 'multitask', 'independent', 'ewc']);
    for (const model of Object.values(results.models)) {
      const modular = model.modules !== null;
      expect(Object.keys(model.perTask)).toEqual(['fdgo', 'dm1']);
      for (const entry of Object.values(model.perTask)) {
        expect(entry.perSeed.map((seed) => seed.seed)).toEqual([1, 2]);
        expect(entry.updates).toBe(entry.trainableParams * entry.steps);
        expect(entry.curve.length).toBeGreaterThan(1);
      }
      expect(Object.keys(model.robustness)).toEqual([
        'recurrent-weight-noise',
        'unit-silencing',
        'input-noise',
        'state-noise',
        'module-lesion',
      ]);
      if (modular) {
        expect(model.modules).toEqual([4, 4, 4, 4]);
        expect(model.robustness['module-lesion'].magnitudes).toEqual([0, 0.125, 0.25, 0.5]);
        expect(model.robustness['module-lesion'].auc).not.toBeNull();
      } else {
        expect(model.robustness['module-lesion'].skipped).toMatch(/no separate modules/);
      }
      const silencing = model.robustness['unit-silencing'];
      expect(silencing.magnitudes).toEqual([0, 0.25, 0.5]);
      expect(silencing.perTask.fdgo.perSeed).toHaveLength(2);
      expect(Object.keys(model.generalisation)).toEqual(['reactgo']);
      expect(model.dimensionality?.participationRatio).toBeGreaterThanOrEqual(1);
      expect(model.dimensionality?.participationRatio).toBeLessThanOrEqual(16);
      expect(model.dimensionality?.varianceExplained).toHaveLength(16);
      expect(model.taskVariance.map((entry) => entry.seed)).toEqual([1, 2]);
      expect(model.taskVariance[0].tasks).toEqual(['fdgo', 'dm1']);
      expect(model.taskVariance[0].variance).toHaveLength(16);
    }
    const { molap, multitask, independent } = results.models;
    expect(molap.strategy).toBe('molap');
    expect(results.models['random-modules'].strategy).toBe('random-modules');
    expect(molap.frozenSharedParams).toBeGreaterThan(0);
    expect(molap.perTask.fdgo.trainableParams).toBeLessThan(multitask.perTask.fdgo.trainableParams);
    expect(molap.generalisation.reactgo.trainableParams).toBe(molap.perTask.fdgo.trainableParams);
    expect(multitask.generalisationVariants['rule-inputs'].tasks.reactgo.trainableParams).toBe(16);
    expect(multitask.generalisation.reactgo.trainableParams).toBe(multitask.perTask.fdgo.trainableParams);
    expect(independent.totalParams).toBe(2 * independent.perTask.fdgo.trainableParams);
    const [efficiency, robustness, generalisation] = results.claims;
    expect(efficiency.molap).toBe('molap');
    expect(efficiency.comparisons.map((comparison) => comparison.baseline)).toEqual([
      'random-modules',
      'multitask',
      'independent',
      'ewc',
    ]);
    expect(robustness.comparisons[0].detail).toMatch(/module-lesion/);
    expect(robustness.comparisons[1].detail).not.toMatch(/module-lesion/);
    expect(generalisation.comparisons.map((comparison) => comparison.baseline)).toContain('multitask (rule-inputs)');
    expect(results.timings.total).toBeGreaterThan(0);
    expect(output.exampleTrials.map((trial) => `${trial.model}/${trial.taskId}`)).toEqual([
      'molap/fdgo',
      'molap/dm1',
      'random-modules/fdgo',
      'random-modules/dm1',
      'multitask/fdgo',
      'multitask/dm1',
      'independent/fdgo',
      'independent/dm1',
      'ewc/fdgo',
      'ewc/dm1',
    ]);
  });

  it('resumes from its work folder, stage by stage, with the same results; an interrupted run finishes the same', async () => {
    await withTemporaryDir(async (dir) => {
      const all = tinyRunOptions(context, dir);
      const options = { ...all, models: [all.models[0], all.models[3]], seeds: [1] };
      const first = await analyseModels(options);
      expect(await readdir(join(dir, 'molap', 'seed-1'))).toEqual(
        expect.arrayContaining(['train.json', 'robustness.json', 'states.json', 'task-variance.json', 'model']),
      );
      const events: AnalysisProgress[] = [];
      const again = await analyseModels(options, { onProgress: (event) => void events.push(event) });
      expect(events.every((event) => event.type === 'stage-end' && event.resumed)).toBe(true);
      expect(timeless(again.results)).toEqual(timeless(first.results));
      expect(again.results.timings.stages).toEqual(first.results.timings.stages);

      await withTemporaryDir(async (other) => {
        const controller = new AbortController();
        const interrupted = analyseModels(
          { ...options, workDir: other },
          {
            signal: controller.signal,
            onProgress: (event) => {
              if (event.type === 'stage-end' && event.model === 'independent' && event.stage === 'robustness') {
                controller.abort();
              }
            },
          },
        );
        await expect(interrupted).rejects.toThrow(/abort/i);
        const resumed: AnalysisProgress[] = [];
        const finished = await analyseModels(
          { ...options, workDir: other },
          { onProgress: (event) => void resumed.push(event) },
        );
        expect(timeless(finished.results)).toEqual(timeless(first.results));
        const resumedStages = resumed.filter((event) => event.type === 'stage-end' && event.resumed);
        expect(resumedStages.map((event) => `${event.model}/${event.stage}`)).toContain('independent/train');
      });

      await expect(analyseModels({ ...options, seeds: [2] })).rejects.toThrow(/another configuration/);
    });
  }, 60_000);

  it('gives the same results without a work folder (deterministic), and can skip analyses', async () => {
    const all = tinyRunOptions(context);
    const options = { ...all, models: [all.models[0], all.models[2]], seeds: [1] };
    const a = await analyseModels({ ...options, analyses: { taskVariance: false, generalisation: false } });
    expect(validateResults(a.results)).toEqual([]);
    expect(a.results.models.multitask.taskVariance).toEqual([]);
    expect(a.results.models.multitask.generalisation).toEqual({});
    expect(a.results.models.multitask.generalisationVariants['rule-inputs'].tasks).toEqual({});
    const b = await analyseModels({ ...options, analyses: { taskVariance: false, generalisation: false } });
    expect(timeless(b.results)).toEqual({ ...timeless(a.results) });
  }, 60_000);

  it('checks its options at the boundary', async () => {
    const options = tinyRunOptions(context);
    await expect(analyseModels({ ...options, heldOut: ['dm2'] })).rejects.toThrow(/held-out task 'dm2' is not one/);
    await expect(analyseModels({ ...options, heldOut: ['fdgo', 'dm1', 'reactgo'] })).rejects.toThrow(
      /keep at least one/,
    );
    await expect(analyseModels({ ...options, seeds: [] })).rejects.toThrow(/at least one seed/);
    await expect(analyseModels({ ...options, models: [options.models[2], options.models[2]] })).rejects.toThrow(
      /two models are named 'multitask'/,
    );
    await expect(analyseModels({ ...options, tasks: ['fdgo', 'nope'], heldOut: [] })).rejects.toThrow(/nope/);
    await expect(analyseModels({ ...options, budget: { ...options.budget, batchSize: 0 } })).rejects.toThrow(
      /batchSize/,
    );
  });
});
