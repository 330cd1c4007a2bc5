/** Robustness curves on real trained baselines: magnitude 0 is the unperturbed model, bigger perturbations hurt. */
import { independent, multitask, psp, type Strategy } from '@molap/baselines';
import { createMolap } from '@molap/composer';
import type { EvaluationOptions, MultiTaskModel, StrategyContext } from '@molap/core';
import { bankLayout, createRandomModuleBank } from '@molap/primitives';
import type { Batch } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisBatches, analysisNoiseSeed } from '../src/analyse-model.js';
import { mean } from '../src/curves.js';
import { BUILTIN_PERTURBATIONS, moduleLesion, unitSilencing } from '../src/perturbations.js';
import { drawSeed, resolvePerturbationRun, robustnessCurves } from '../src/robustness.js';
import { createTestContext, sameFloats, TINY_BUDGET, TINY_NETWORK } from './helpers.js';

const TASKS = ['fdgo', 'reactgo'];
let context: StrategyContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context.engine.dispose();
});

const batches = (trials: number) =>
  analysisBatches(
    TASKS.map((id) => context.tasks.get(id)),
    { trials, seed: 4 },
  );
const noiseSeed = (taskId: string) => analysisNoiseSeed(4, taskId);

/** Random-modules: MoLaP's modular network on a random bank of 4 modules of 4 units. */
const randomModules = {
  create: async (context: StrategyContext) =>
    createMolap(
      createRandomModuleBank({ layout: bankLayout(context.tasks.get('fdgo')), k: 4, moduleSize: 4, seed: 5 }),
      context,
    ),
};

describe.each([
  ['multitask', multitask],
  ['independent', independent],
  ['psp', psp],
  ['random-modules', randomModules],
] as const)('%s at magnitude 0', (_, strategy) => {
  let model: MultiTaskModel;
  beforeAll(async () => {
    model = await (strategy as Pick<Strategy, 'create'>).create(context, TINY_NETWORK);
    await model.learn(TASKS, TINY_BUDGET, { seed: 2 });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('reproduces the unperturbed evaluation exactly, for every perturbation, and never changes the model', async () => {
    const fixed = batches(24);
    const unperturbed = new Map<string, Float32Array>();
    for (const [taskId, batch] of fixed) {
      unperturbed.set(taskId, (await model.evaluate(taskId, batch, { noiseSeed: noiseSeed(taskId) })).outputs);
    }
    for (const spec of BUILTIN_PERTURBATIONS) {
      const perturbation = spec.create(0, 9, model);
      for (const [taskId, batch] of fixed) {
        const result = await model.evaluate(taskId, batch, {
          noiseSeed: noiseSeed(taskId),
          ...(perturbation ? { perturbation } : {}),
        });
        expect(sameFloats(result.outputs, unperturbed.get(taskId)), `${spec.id} on ${taskId}`).toBe(true);
      }
    }
    const curves = await robustnessCurves(model, {
      perturbations: BUILTIN_PERTURBATIONS.map((spec) => ({ spec, draws: 2 })),
      batches: fixed,
      noiseSeed,
      seed: 3,
    });
    expect(curves.find((curve) => curve.id === 'module-lesion')?.skipped === undefined).toBe(
      model.modules !== undefined,
    );
    for (const curve of curves) {
      if (curve.skipped) {
        expect(curve.id).toBe('module-lesion');
        expect(curve.skipped).toMatch(/no separate modules/);
        continue;
      }
      for (const task of curve.tasks) {
        const baseline = await model.evaluate(task.taskId, fixed.get(task.taskId)!, {
          noiseSeed: noiseSeed(task.taskId),
        });
        for (const draw of task.draws) expect(draw[0]).toBe(baseline.performance);
      }
    }
    for (const [taskId, batch] of fixed) {
      const again = await model.evaluate(taskId, batch, { noiseSeed: noiseSeed(taskId) });
      expect(sameFloats(again.outputs, unperturbed.get(taskId))).toBe(true);
    }
  });
});

describe('a trained multitask network', () => {
  it('loses performance on average as the perturbations grow', async () => {
    const model = await multitask.create(context, { hiddenSize: 32 });
    const records = await model.learn(
      TASKS,
      { steps: 300, batchSize: 16, evalEvery: 0, evalTrials: 64, criterion: 0.9 },
      { seed: 1 },
    );
    for (const record of records) expect(record.performance).toBeGreaterThan(0.8);
    const curves = await robustnessCurves(model, {
      perturbations: BUILTIN_PERTURBATIONS.map((spec) => ({ spec })),
      batches: batches(64),
      noiseSeed,
      seed: 1,
    });
    await model.dispose();
    const steps: number[] = [];
    for (const curve of curves.filter((entry) => entry.skipped === undefined)) {
      const performance = curve.tasks[0].performance.map((_, i) =>
        mean(curve.tasks.map((task) => task.performance[i])),
      );
      expect(performance.at(-1), curve.id).toBeLessThanOrEqual(performance[0]);
      for (let i = 1; i < performance.length; i++) steps.push(performance[i] - performance[i - 1]);
      for (const task of curve.tasks) expect(task.auc).toBeLessThanOrEqual(task.performance[0]);
    }
    expect(mean(steps)).toBeLessThan(0);
    const weights = curves.find((entry) => entry.id === 'recurrent-weight-noise')!;
    const silencing = curves.find((entry) => entry.id === 'unit-silencing')!;
    for (const curve of [weights, silencing]) {
      for (const task of curve.tasks) expect(task.performance.at(-1)).toBeLessThan(task.performance[0] - 0.2);
    }
  }, 60_000);
});

describe('module lesions', () => {
  it('silence every unit of the lesioned modules (all modules: all states 0)', async () => {
    const model = await randomModules.create(context);
    await model.learn(
      ['fdgo'],
      { steps: 60, batchSize: 16, evalEvery: 0, evalTrials: 32, criterion: 0.9 },
      { seed: 1 },
    );
    const batch = batches(32).get('fdgo')!;
    const all = await model.evaluate('fdgo', batch, {
      noiseSeed: 1,
      perturbation: { kind: 'module-lesion', modules: [0, 1, 2, 3] },
      keepStates: true,
    });
    expect(all.states?.every((value) => value === 0)).toBe(true);
    const [curve] = await robustnessCurves(model, {
      perturbations: [{ spec: moduleLesion, magnitudes: [0, 0.25, 0.5, 1], draws: 2 }],
      batches: new Map([['fdgo', batch]]),
      noiseSeed,
      seed: 2,
    });
    expect(curve.skipped).toBeUndefined();
    expect(curve.tasks[0].performance[3]).toBe(all.performance);
    await model.dispose();
  });
});

describe('draw seeds', () => {
  it('differ between draws and perturbations, and silencing draws are nested across magnitudes', () => {
    const seeds = [0, 1, 2].map((draw) => drawSeed(1, 'unit-silencing', draw));
    expect(new Set(seeds).size).toBe(3);
    expect(drawSeed(1, 'unit-silencing', 0)).not.toBe(drawSeed(1, 'recurrent-weight-noise', 0));
    expect(drawSeed(1, 'unit-silencing', 0)).toBe(seeds[0]);
    expect(unitSilencing.create(0.2, seeds[0], { strategy: 'x', hiddenSize: 10 })).toEqual({
      kind: 'unit-silencing',
      fraction: 0.2,
      seed: seeds[0],
    });
  });
});

describe('the suite', () => {
  it('evaluates the unperturbed model once per task, and each perturbed point once', async () => {
    const model = await multitask.create(context, TINY_NETWORK);
    await model.learn(TASKS, TINY_BUDGET, { seed: 2 });
    const calls: { taskId: string; perturbed: boolean }[] = [];
    // the real model, with its evaluate counted
    const counted: MultiTaskModel = Object.create(model, {
      evaluate: {
        value: (taskId: string, batch: Batch, options: EvaluationOptions) => {
          calls.push({ taskId, perturbed: options.perturbation !== undefined });
          return model.evaluate(taskId, batch, options);
        },
      },
    });
    const runs = BUILTIN_PERTURBATIONS.map((spec) => ({ spec, draws: 2 }));
    const curves = await robustnessCurves(counted, { perturbations: runs, batches: batches(16), noiseSeed, seed: 3 });
    const perturbedPerTask = runs
      .filter((run) => run.spec.skipReason(model) === undefined)
      .map((run) => resolvePerturbationRun(run))
      .reduce((sum, { magnitudes, draws }) => sum + magnitudes.filter((m) => m !== 0).length * draws, 0);
    for (const taskId of TASKS) {
      const ofTask = calls.filter((call) => call.taskId === taskId);
      expect(ofTask.filter((call) => !call.perturbed)).toHaveLength(1);
      expect(ofTask.filter((call) => call.perturbed)).toHaveLength(perturbedPerTask);
    }
    expect(perturbedPerTask).toBeGreaterThan(0);
    expect(curves.length).toBe(runs.length);
    await model.dispose();
  });
});
