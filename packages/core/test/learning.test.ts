import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeEngine, type Engine, initRnnParameters, type RnnConfig } from '@molap/backend';
import { type TaskScore, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBudget } from '../src/budgets.js';
import { learnEngineModel } from '../src/learning.js';
import { evaluationBatch, evaluationBatches, taskSchedule } from '../src/learning-data.js';

const fdgo = yang19.find((task) => task.id === 'fdgo')!;
const dm1 = yang19.find((task) => task.id === 'dm1')!;
const contextdm1 = yang19.find((task) => task.id === 'contextdm1')!;

const config: RnnConfig = {
  inputSize: 85,
  hiddenSize: 16,
  outputSize: 33,
  activation: 'softplus',
  outputActivation: 'sigmoid',
  alpha: 0.2,
  recurrentNoise: 0.05,
};
const budget = { steps: 12, batchSize: 8, evalEvery: 4, evalTrials: 32, criterion: 0.9 };

let engine: Engine;
beforeAll(async () => {
  engine = await createNativeEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.dispose();
});

function newModel() {
  return engine.createModel({ config, parameters: initRnnParameters(config, { seed: 4 }) });
}

describe('taskSchedule', () => {
  it('is a pure function of the step and follows the sampling weights', () => {
    const schedule = taskSchedule({
      tasks: [fdgo, dm1, contextdm1],
      batchSize: 4,
      seed: 9,
      weights: { contextdm1: 5 },
    });
    const again = taskSchedule({ tasks: [fdgo, dm1, contextdm1], batchSize: 4, seed: 9, weights: { contextdm1: 5 } });
    expect(again.batchAt(17).inputs).toEqual(schedule.batchAt(17).inputs);
    expect(schedule.batchAt(17).taskId).toBe(schedule.taskAt(17));
    const counts = { fdgo: 0, dm1: 0, contextdm1: 0 } as Record<string, number>;
    for (let step = 0; step < 7000; step++) counts[schedule.taskAt(step)]++;
    // p = 5/7 for contextdm1, 1/7 for the others; 5 binomial standard deviations ≈ 0.027.
    expect(counts.contextdm1 / 7000).toBeCloseTo(5 / 7, 1);
    expect(Math.abs(counts.contextdm1 / 7000 - 5 / 7)).toBeLessThan(0.027);
    expect(Math.abs(counts.fdgo / 7000 - 1 / 7)).toBeLessThan(0.021);
  });

  it('gives a single task the same batches whatever the seed stream of other runs', () => {
    const one = taskSchedule({ tasks: [fdgo], batchSize: 4, seed: 3 });
    const two = taskSchedule({ tasks: [fdgo], batchSize: 4, seed: 4 });
    expect(one.batchAt(0).inputs).not.toEqual(two.batchAt(0).inputs);
    expect(() => taskSchedule({ tasks: [fdgo], batchSize: 4, seed: 3, weights: { fdgo: 0 } })).toThrow(/weight/);
  });
});

describe('evaluationBatch', () => {
  it('depends on the seed and the task only, and scales input noise without changing the conditions', () => {
    const alone = evaluationBatch(dm1, { trials: 16, seed: 5 });
    const together = evaluationBatches([fdgo, dm1], { trials: 16, seed: 5 }).get('dm1')!;
    expect(together.inputs).toEqual(alone.inputs);
    const quiet = evaluationBatch(dm1, { trials: 16, seed: 5, inputNoiseScale: 0 });
    expect(quiet.targets).toEqual(alone.targets);
    expect(quiet.inputs).not.toEqual(alone.inputs);
    expect(evaluationBatch(dm1, { trials: 16, seed: 6 }).inputs).not.toEqual(alone.inputs);
  });
});

describe('validateBudget', () => {
  it('names the bad field', () => {
    expect(() => validateBudget({ ...budget, batchSize: 0 })).toThrow(/budget.batchSize/);
    expect(() => validateBudget({ ...budget, criterion: 2 })).toThrow(/criterion/);
  });
});

describe('learnEngineModel', () => {
  it('records curves at step 0, every evalEvery steps and the end, with per-task steps and updates', async () => {
    const model = newModel();
    const progress: string[] = [];
    const schedule = taskSchedule({ tasks: [fdgo, dm1], batchSize: 8, seed: 2 });
    const result = await learnEngineModel({
      model,
      schedule,
      budget,
      evaluation: evaluationBatches([fdgo, dm1], { trials: 32, seed: 2 }),
      seed: 2,
      trainableParameters: 1000,
      onProgress: (taskId, point) => {
        progress.push(`${taskId}@${point.step}`);
      },
    });
    model.dispose();
    expect(result.steps).toBe(12);
    const [a, b] = result.records;
    expect(a.steps + b.steps).toBe(12);
    expect(a.curve).toHaveLength(4);
    expect(a.curve[0].step).toBe(0);
    expect(a.curve[3].step).toBe(a.steps);
    expect(a.trials).toBe(a.steps * 8);
    expect(a.parameterUpdates).toBe(1000 * a.steps);
    expect(a.performance).toBe(a.curve[3].performance);
    expect(progress).toHaveLength(8);
    for (const point of a.curve) expect(point.performance).toBeGreaterThanOrEqual(0);
  });

  it("counts trials to criterion against the task's own criterion when its score has one", async () => {
    // A score that judges half the trials correct whatever the outputs: performance 0.5 at every point.
    const half: TaskScore = {
      id: 'lab/half',
      description: 'the first half of the trials are correct',
      criterion: 0.5,
      score: (_outputs, batch) =>
        Float32Array.from({ length: batch.batchSize }, (_, b) => (b < batch.batchSize / 2 ? 1 : 0)),
    };
    const evaluation = evaluationBatches([fdgo, dm1], { trials: 32, seed: 2 });
    const run = async (score: TaskScore | undefined) => {
      const model = newModel();
      const batches = new Map(evaluation);
      batches.set('dm1', { ...evaluation.get('dm1')!, ...(score ? { score } : {}) });
      const schedule = taskSchedule({ tasks: [dm1], batchSize: 8, seed: 2 });
      const result = await learnEngineModel({
        model,
        schedule,
        budget,
        evaluation: batches,
        seed: 2,
        trainableParameters: 1,
      });
      model.dispose();
      return result.records[0]!;
    };
    const own = await run(half);
    expect(own.curve.every((point) => point.performance === 0.5)).toBe(true);
    expect(own).toMatchObject({ score: 'lab/half', trialsToCriterion: 0 });
    // The same performance against a criterion of 0.9 (the budget's, or the score's): never reached.
    const strict = await run({ ...half, criterion: 0.9 });
    expect(strict.trialsToCriterion).toBeNull();
    const budgets = await run({ ...half, criterion: undefined });
    expect(budgets.trialsToCriterion).toBeNull();
  });

  it('resumes exactly from its checkpoint folder after an abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'molap-learning-'));
    try {
      const options = () => ({
        schedule: taskSchedule({ tasks: [fdgo, dm1], batchSize: 8, seed: 3 }),
        budget,
        evaluation: evaluationBatches([fdgo, dm1], { trials: 32, seed: 3 }),
        seed: 3,
        trainableParameters: 10,
      });
      const straight = newModel();
      const expected = await learnEngineModel({ model: straight, ...options() });
      const controller = new AbortController();
      const first = newModel();
      const stopped = await learnEngineModel({
        model: first,
        ...options(),
        checkpointDir: dir,
        onProgress: (_task, point) => {
          if (point.step > 0) controller.abort();
        },
        signal: controller.signal,
      });
      first.dispose();
      expect(stopped.aborted).toBe(true);
      const second = newModel();
      const resumed = await learnEngineModel({ model: second, ...options(), checkpointDir: dir });
      expect(resumed.records).toEqual(expected.records);
      expect(second.getParameters()).toEqual(straight.getParameters());
      second.dispose();
      straight.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
