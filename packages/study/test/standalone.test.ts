/**
 * One piece of a study on its own, from a program: a module bank pre-trained into a folder, then MoLaP
 * learning the run's tasks on it, saved; a folder that holds a result already is refused.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '@molap/backend';
import { errorKind } from '@molap/core';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  learningCheckpoints,
  learnModelInto,
  type MolapConfig,
  planStudy,
  pretrainBankInto,
  pretrainingCheckpoints,
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
  }, 120_000);
});
