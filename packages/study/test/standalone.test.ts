/**
 * One piece of a study on its own, from a program: a module bank pre-trained into a folder, then MoLaP
 * learning the run's tasks on it, saved; a folder that holds a result already is refused.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinPerturbationRegistry } from '@molap/analysis';
import { createEngine, type Engine } from '@molap/backend';
import { errorKind, loadSavedModel } from '@molap/core';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBuiltinStrategyRegistry,
  learningCheckpoints,
  learnModelInto,
  type MolapConfig,
  perturbSavedModel,
  planStudy,
  pretrainBankInto,
  pretrainingCheckpoints,
  STUDY_STAGES,
  type StudyPlan,
} from '../src/index.js';

const registry = createTaskRegistry({ tasks: yang19 });
let root: string;
let engine: Engine;
let plan: StudyPlan;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'molap-standalone-'));
  engine = await createEngine({ engine: 'native', threads: 1 });
  const config = JSON.parse(
    await readFile(new URL('./fixtures/tiny-study.config.json', import.meta.url), 'utf8'),
  ) as MolapConfig;
  const run = { ...config.run, seeds: [1], models: ['molap', 'multitask'], bank: { ...config.run?.bank, workers: 1 } };
  plan = await planStudy({ ...config, run } as MolapConfig, undefined, {
    registry,
    strategyContext: { engine, tasks: registry },
    ignoreHeldOut: true,
  });
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('pretrainBankInto and learnModelInto', () => {
  it('save a bank, then MoLaP learned on it; the checkpoints go once the result is saved', async () => {
    const bankDir = join(root, 'bank');
    const events: string[] = [];
    const bank = await pretrainBankInto({
      plan,
      registry,
      engine,
      seed: 1,
      out: bankDir,
      onBankEvent: (event) => events.push(event.type),
    });
    expect(bank.k).toBe(4);
    expect(events).toContain('bank-end');
    expect(JSON.parse(await readFile(join(bankDir, 'bank.json'), 'utf8'))).toBeTruthy();
    await expect(readFile(join(pretrainingCheckpoints(bankDir), 'identity.json'))).rejects.toThrow();

    const modelDir = join(root, 'molap');
    const started: string[] = [];
    const learned = await learnModelInto({
      plan,
      registry,
      engine,
      seed: 1,
      bank: bankDir,
      out: modelDir,
      onStart: (start) => started.push(`${start.model} ${start.tasks.join(',')}`),
    });
    expect(started).toEqual([`molap ${plan.tasks.join(',')}`]);
    expect(learned).toMatchObject({ model: 'molap', strategy: 'molap' });
    expect(learned.records.map((record) => record.taskId)).toEqual(plan.tasks);
    expect(await readFile(join(modelDir, 'strategy.json'), 'utf8')).toContain('molap');
    await expect(readFile(join(learningCheckpoints(modelDir), 'identity.json'))).rejects.toThrow();

    // A folder that holds a result already, a model not in the plan, MoLaP without its bank: bad input.
    const refusals = await Promise.all([
      pretrainBankInto({ plan, registry, engine, seed: 1, out: bankDir, shown: 'banks/a' }).catch((e: unknown) => e),
      learnModelInto({ plan, registry, engine, seed: 1, out: modelDir }).catch((e: unknown) => e),
      learnModelInto({ plan, registry, engine, seed: 1, model: 'multitsk', out: join(root, 'x') }).catch(
        (e: unknown) => e,
      ),
      learnModelInto({ plan, registry, engine, seed: 1, out: join(root, 'y') }).catch((e: unknown) => e),
    ]);
    expect(refusals.map(errorKind)).toEqual(['bad-input', 'bad-input', 'bad-input', 'bad-input']);
    expect((refusals[0] as Error).message).toMatch(/^banks\/a already holds a module bank/);
    expect((refusals[2] as Error).message).toMatch(/^unknown model "multitsk". Did you mean "multitask"\?/);
    expect((refusals[3] as Error).message).toMatch(/needs the module bank to learn on/);

    // The perturbation suite on the saved model measures what the study's robustness stage measures.
    const curvesSeen: string[] = [];
    const perturbed = await perturbSavedModel({
      plan,
      registry,
      engine,
      seed: 1,
      model: modelDir,
      onCurve: (id, curve) => curvesSeen.push(`${id} ${curve.taskId}`),
    });
    expect(perturbed).toMatchObject({ strategy: 'molap', seed: 1, tasks: plan.tasks });
    expect(perturbed.curves.map((entry) => entry.id)).toEqual(plan.perturbations.map((entry) => entry.id));
    expect(curvesSeen).toHaveLength(plan.perturbations.length * plan.tasks.length);
    const stage = STUDY_STAGES.find((candidate) => candidate.id === 'robustness');
    const model = await loadSavedModel(modelDir, { engine, tasks: registry }, await createBuiltinStrategyRegistry());
    try {
      const staged = await stage?.run(model, {
        plan,
        seed: 1,
        modelName: 'molap',
        corpusTasks: plan.tasks.map((id) => registry.get(id)),
        taskOptions: plan.taskOptions,
        perturbations: createBuiltinPerturbationRegistry(),
      });
      expect(staged).toEqual(JSON.parse(JSON.stringify(perturbed.curves)));
    } finally {
      await model.dispose();
    }
    const notAModel = await perturbSavedModel({
      plan,
      registry,
      engine,
      seed: 1,
      model: bankDir,
      shown: 'banks/a',
    }).catch((e: unknown) => e);
    expect(errorKind(notAModel)).toBe('bad-input');
    expect((notAModel as Error).message).toMatch(/^cannot load a model from banks\/a: /);
  }, 120_000);
});
