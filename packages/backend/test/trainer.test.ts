import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, EngineModel, RnnParameters } from '../src/engine.js';
import { createNativeEngine } from '../src/native/engine.js';
import { createTfjsEngine } from '../src/tfjs/engine.js';
import { deriveNoiseSeed, TrainingDivergedError, train } from '../src/trainer.js';
import { randomBatch, randomParameters, smallConfig } from './fixtures.js';

let root: string;
const engines: Record<string, Engine> = {};
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-trainer-'));
  engines['tfjs-cpu'] = await createTfjsEngine({ backend: 'cpu' });
  engines.native = await createNativeEngine({ threads: 1 });
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  for (const engine of Object.values(engines)) await engine.dispose();
});

const config = smallConfig({ modules: [2, 3], recurrentNoise: 0.05 });
/** Batch of step s: a pure function of s. */
const nextBatch = (step: number) => randomBatch(config, 5, 3, 1000 + step);
const STEPS = 24;

function newModel(engine: Engine, seed = 1): EngineModel {
  return engine.createModel({ config, parameters: randomParameters(config, seed), adam: { learningRate: 0.02 } });
}

describe.each(['tfjs-cpu', 'native'])('train on %s', (engineName) => {
  let reference: { parameters: RnnParameters; state: ReturnType<EngineModel['getOptimizerState']> };
  beforeAll(async () => {
    const model = newModel(engines[engineName]);
    const result = await train({ model, nextBatch, steps: STEPS, seed: 5 });
    expect(result).toMatchObject({ startStep: 0, endStep: STEPS, aborted: false });
    reference = { parameters: model.getParameters(), state: model.getOptimizerState() };
    model.dispose();
  });

  it('resumes an aborted run bit-identically (real AbortSignal, real files)', async () => {
    const dir = join(root, `${engineName}-abort`);
    const controller = new AbortController();
    const first = newModel(engines[engineName]);
    const interrupted = await train({
      model: first,
      nextBatch,
      steps: STEPS,
      seed: 5,
      checkpoint: { dir, every: 5 },
      signal: controller.signal,
      onStep: async ({ step }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (step === 11) controller.abort();
      },
    });
    expect(interrupted).toMatchObject({ startStep: 0, endStep: 12, aborted: true });
    expect(interrupted.checkpointPath).toBe(join(dir, 'step-00000012'));
    first.dispose();

    // A new process would start from a fresh model: its initial parameters are replaced by the checkpoint.
    const second = newModel(engines[engineName], 99);
    const resumed = await train({ model: second, nextBatch, steps: STEPS, seed: 5, checkpoint: { dir, every: 5 } });
    expect(resumed).toMatchObject({ startStep: 12, endStep: STEPS, aborted: false });
    expect(second.getParameters()).toEqual(reference.parameters);
    expect(second.getOptimizerState()).toEqual(reference.state);
    expect((await readdir(dir)).sort()).toEqual(['latest.json', 'step-00000020', 'step-00000024']);
    second.dispose();
  });

  it('resumes after a crash from the last periodic checkpoint, bit-identically', async () => {
    const dir = join(root, `${engineName}-crash`);
    const first = newModel(engines[engineName]);
    const crash = new Error('process died');
    await expect(
      train({
        model: first,
        nextBatch,
        steps: STEPS,
        seed: 5,
        checkpoint: { dir, every: 5 },
        onStep: ({ step }) => {
          if (step === 13) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    first.dispose();
    const second = newModel(engines[engineName], 7);
    const resumed = await train({ model: second, nextBatch, steps: STEPS, seed: 5, checkpoint: { dir, every: 5 } });
    expect(resumed.startStep).toBe(10);
    expect(second.getParameters()).toEqual(reference.parameters);
    second.dispose();
  });
});

describe('train', () => {
  const engine = () => engines['tfjs-cpu'];

  it('calls evaluate, onEval, onStep and onCheckpoint in order, awaiting each', async () => {
    const events: string[] = [];
    const model = newModel(engine());
    const slow = () => new Promise((resolve) => setTimeout(resolve, 2));
    const result = await train({
      model,
      nextBatch: async (step) => {
        await slow();
        return nextBatch(step);
      },
      steps: 5,
      seed: 1,
      evalEvery: 2,
      evaluate: async ({ step }) => {
        await slow();
        return { step, score: step / 10 };
      },
      checkpoint: { dir: join(root, 'events'), every: 3 },
      onStep: async ({ step, loss }) => {
        expect(Number.isFinite(loss)).toBe(true);
        await slow();
        events.push(`step ${step}`);
      },
      onEval: async ({ step, result }) => {
        await slow();
        events.push(`eval ${step} ${result.score}`);
      },
      onCheckpoint: async ({ step }) => {
        await slow();
        events.push(`checkpoint ${step}`);
      },
    });
    expect(events).toEqual([
      'step 0',
      'step 1',
      'eval 2 0.2',
      'step 2',
      'checkpoint 3',
      'step 3',
      'eval 4 0.4',
      'step 4',
      'eval 5 0.5',
      'checkpoint 5',
    ]);
    expect(result.lastEvaluation).toEqual({ step: 5, score: 0.5 });
    model.dispose();
  });

  it('passes extra gradients of each step to trainStep', async () => {
    const model = newModel(engine());
    const seen: number[] = [];
    const before = model.getParameters().outputBias;
    await train({
      model,
      nextBatch,
      steps: 3,
      seed: 1,
      extraGradients: ({ step, model: current }) => {
        seen.push(step);
        expect(current).toBe(model);
        return { outputBias: new Float32Array([100, -100]) };
      },
    });
    expect(seen).toEqual([0, 1, 2]);
    const after = model.getParameters().outputBias;
    expect(after[0]).toBeLessThan(before[0]);
    expect(after[1]).toBeGreaterThan(before[1]);
    model.dispose();
  });

  it('derives the noise seed of each step from the run seed', async () => {
    expect(deriveNoiseSeed(5, 3)).toBe(deriveNoiseSeed(5, 3));
    expect(deriveNoiseSeed(5, 3)).not.toBe(deriveNoiseSeed(5, 4));
    const run = async (seed: number) => {
      const model = newModel(engine());
      await train({ model, nextBatch, steps: 3, seed });
      const parameters = model.getParameters();
      model.dispose();
      return parameters;
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
    const explicit = newModel(engine());
    await train({ model: explicit, nextBatch, steps: 3, noiseSeed: (step) => deriveNoiseSeed(1, step) });
    expect(explicit.getParameters()).toEqual(await run(1));
    explicit.dispose();
  });

  it('stops with TrainingDivergedError naming a bad batch or a bad parameter', async () => {
    const model = newModel(engine());
    const poisoned = nextBatch(0);
    poisoned.inputs[4] = Number.NaN;
    const badBatch = await train({ model, nextBatch: () => poisoned, steps: 2, seed: 1 }).catch((e) => e);
    expect(badBatch).toBeInstanceOf(TrainingDivergedError);
    expect(badBatch.step).toBe(0);
    expect(badBatch.culprit).toBe('batch.inputs');
    expect(badBatch.message).toMatch(
      /training diverged at step 0: .*batch\.inputs has a non-finite entry \(NaN at index 4\)/,
    );

    model.dispose();
    const infinite = newModel(engine());
    infinite.setParameters({ outputBias: new Float32Array([Number.POSITIVE_INFINITY, 0]) });
    const badParameter = await train({ model: infinite, nextBatch, steps: 2, seed: 1 }).catch((e) => e);
    expect(badParameter).toBeInstanceOf(TrainingDivergedError);
    expect(badParameter.culprit).toBe('outputBias');
    expect(badParameter.message).toMatch(/parameter outputBias has a non-finite entry .* Lower the learning rate/);
    infinite.dispose();
  });

  it('refuses to resume a checkpoint of a different model', async () => {
    const dir = join(root, 'other-model');
    const model = newModel(engine());
    await train({ model, nextBatch, steps: 2, seed: 1, checkpoint: { dir, every: 1 } });
    model.dispose();
    const other = engine().createModel({
      config,
      parameters: randomParameters(config, 1),
      trainable: { recurrentWeights: false },
    });
    await expect(train({ model: other, nextBatch, steps: 4, seed: 1, checkpoint: { dir, every: 1 } })).rejects.toThrow(
      /is for a different model \(trainable\.recurrentWeights differ\)/,
    );
    // The caller's to fix (exit code 2 of the CLI), with a molap code and a hint.
    await expect(
      train({ model: other, nextBatch, steps: 4, seed: 1, checkpoint: { dir, every: 1 } }),
    ).rejects.toMatchObject({
      code: 'incompatible',
      kind: 'bad-input',
      hint: expect.stringMatching(/checkpoint\.resume/),
    });
    other.dispose();
  });

  it('checks its options', async () => {
    const model = newModel(engine());
    await expect(train({ model, nextBatch, steps: 2 })).rejects.toThrow(/recurrent noise: give train a seed/);
    await expect(train({ model, nextBatch, steps: -1, seed: 1 })).rejects.toThrow(/steps must be/);
    await expect(train({ model, nextBatch, steps: 1, seed: 1, checkpoint: { dir: root, every: 0 } })).rejects.toThrow(
      /checkpoint\.every/,
    );
    model.dispose();
  });
});
