import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '@molap/backend';
import { createTaskRegistry, YANG19_TASKS, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildModuleBank,
  extractLatents,
  PretrainingAbortedError,
  type PretrainProgress,
  pretrainModules,
  resolveModuleTraining,
  sampleCorpus,
} from '../src/index.js';
import {
  SMALL_CORPUS,
  SMALL_TASK_OPTIONS,
  singleThreadEngine,
  smallPrimitives,
  TINY_TRAINING,
} from './bank-helpers.js';

let engine: Engine;
beforeAll(async () => {
  engine = await singleThreadEngine();
});
afterAll(async () => {
  await engine.dispose();
});

const base = { tasks: SMALL_CORPUS, seed: 7, taskOptions: SMALL_TASK_OPTIONS, ...TINY_TRAINING };

describe('pretrainModules', () => {
  it('trains each module to produce its latent: the fit on held-out corpus trials rises well above 0', async () => {
    const primitives = smallPrimitives(1);
    const bank = await pretrainModules({
      ...base,
      primitives,
      moduleSize: 8,
      steps: 150,
      batchSize: 8,
      evaluationTrials: 16,
      logEvery: 50,
      learningRate: 3e-3, // a small module on few steps: faster than the default 1e-3
      engine,
    });
    const [log] = bank.log;
    expect(log.steps).toBe(150);
    expect(log.lossCurve.map((point) => point.step)).toEqual([50, 100, 150]);
    // The first CCA latent of the corpus is mostly the fixation output, which the fixation input drives.
    expect(log.heldOutR2).toBeGreaterThan(0.5);
    expect(log.lossCurve[2].loss).toBeLessThan(log.lossCurve[0].loss);
  });

  it('is deterministic in its seed, and records seeds, corpus, options and primitives', async () => {
    const primitives = smallPrimitives(2);
    const events: PretrainProgress[] = [];
    const one = await pretrainModules({ ...base, primitives, engine, onProgress: (event) => events.push(event) });
    const two = await pretrainModules({ ...base, primitives, engine });
    expect(two.network.parameters).toEqual(one.network.parameters);
    expect(two.log.map((l) => l.heldOutR2)).toEqual(one.log.map((l) => l.heldOutR2));
    const other = await pretrainModules({ ...base, primitives, engine, seed: 8 });
    expect(other.network.parameters.recurrentWeights).not.toEqual(one.network.parameters.recurrentWeights);
    expect(one.corpus).toEqual({ taskIds: ['fdgo', 'delaygo', 'dm1'], taskOptions: { ringSize: 8 } });
    expect(one.moduleSeeds).toHaveLength(2);
    expect(one.options).toMatchObject({ steps: 6, moduleSize: 4, batchSize: 4, preset: 'standard' });
    expect(one.primitives).toBe(primitives);
    expect(events[0]).toEqual({
      type: 'start',
      modules: 2,
      mode: 'in-thread',
      workers: 1,
      reason: 'an engine was given (it runs in this thread)',
    });
    expect(events.filter((e) => e.type === 'module-end').map((e) => (e as { module: number }).module)).toEqual([0, 1]);
  });

  it('stops on its signal and resumes exactly from its checkpoints', async () => {
    const primitives = smallPrimitives(2);
    const dir = await mkdtemp(join(tmpdir(), 'molap-pretrain-'));
    try {
      const uninterrupted = await pretrainModules({ ...base, primitives, steps: 8, engine });
      const controller = new AbortController();
      const stopped = pretrainModules({
        ...base,
        primitives,
        steps: 8,
        checkpointEvery: 2,
        checkpointDir: dir,
        engine,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === 'loss' && event.module === 1) controller.abort();
        },
      });
      await expect(stopped).rejects.toThrow(PretrainingAbortedError);
      await expect(stopped).rejects.toMatchObject({ code: 'aborted', kind: 'failure' });
      await expect(stopped).rejects.toThrow(/after 1 of 2 modules; run pretrainModules again with checkpointDir/);
      const resumed = await pretrainModules({
        ...base,
        primitives,
        steps: 8,
        checkpointEvery: 2,
        checkpointDir: dir,
        engine,
      });
      expect(resumed.network.parameters).toEqual(uninterrupted.network.parameters);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds the whole bank from a registry: corpus, latents, modules', async () => {
    const registry = createTaskRegistry({ tasks: yang19 });
    const bank = await buildModuleBank({
      tasks: { registry, ids: ['fdgo', 'dm1'] },
      seed: 4,
      taskOptions: SMALL_TASK_OPTIONS,
      corpus: { trialsPerTask: 16 },
      latents: { k: 2, method: 'pca' },
      ...TINY_TRAINING,
      engine,
    });
    expect(bank.primitives?.method).toBe('pca');
    expect(bank.primitives?.corpus?.taskIds).toEqual(['fdgo', 'dm1']);
    expect(bank.k).toBe(2);
  });
});

describe('pretrainModules: bad input', () => {
  it('rejects an empty corpus', async () => {
    await expect(pretrainModules({ ...base, tasks: [], primitives: smallPrimitives(1), engine })).rejects.toThrow(
      /The corpus is empty/,
    );
  });

  it('rejects k larger than the rank of Y', () => {
    // fdgo alone: the fixation output and the ring; ring targets of 8 units plus fixation have rank ≤ 9.
    const sample = sampleCorpus({
      tasks: [YANG19_TASKS.fdgo],
      seed: 1,
      trialsPerTask: 16,
      taskOptions: SMALL_TASK_OPTIONS,
    });
    expect(() => extractLatents(sample, { k: 10, method: 'pca' })).toThrow(/rank/);
  });

  it('rejects unknown task ids with the registry error', async () => {
    const registry = createTaskRegistry({ tasks: yang19 });
    await expect(
      pretrainModules({ ...base, tasks: { registry, ids: ['fdgo', 'fdgoo'] }, primitives: smallPrimitives(1), engine }),
    ).rejects.toThrow(/unknown task 'fdgoo'. Did you mean 'fdgo'\?/);
  });

  it('rejects primitives of another corpus, unknown options and bad values', async () => {
    const primitives = smallPrimitives(1);
    await expect(pretrainModules({ ...base, tasks: [YANG19_TASKS.fdgo], primitives, engine })).rejects.toThrow(
      /the primitives were extracted from the corpus \[fdgo, delaygo, dm1\] but pre-training got \[fdgo\]/,
    );
    await expect(pretrainModules({ ...base, primitives, engine, taskOptions: {} })).rejects.toThrow(
      /the primitives have yDim 9 but the corpus tasks have 33 outputs/,
    );
    await expect(pretrainModules({ ...base, primitives, engine, stepz: 3 } as never)).rejects.toThrow(
      /unknown pretrainModules option 'stepz'/,
    );
    await expect(pretrainModules({ ...base, primitives, engine, learningRate: -1 })).rejects.toThrow(
      /pre-training option learningRate must be a finite number > 0, got -1/,
    );
    await expect(pretrainModules({ ...base, primitives, engine, workers: 0 })).rejects.toThrow(
      /workers must be an integer >= 1/,
    );
    expect(() => resolveModuleTraining({}, 'huge' as never)).toThrow(
      /unknown pre-training preset 'huge'\n {2}hint: the presets are quick, standard/,
    );
    expect(() => resolveModuleTraining({}, 'huge' as never)).toThrow(expect.objectContaining({ code: 'unknown-id' }));
    await expect(pretrainModules({ ...base, primitives, engine, taskOptions: {} })).rejects.toThrow(
      expect.objectContaining({ code: 'incompatible', kind: 'bad-input' }),
    );
    await expect(pretrainModules({ ...base, primitives, engine, workers: 0 })).rejects.toThrow(
      expect.objectContaining({ code: 'invalid-option', kind: 'bad-input' }),
    );
  });
});
