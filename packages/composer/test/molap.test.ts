import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNativeEngine, type Engine } from '@molap/backend';
import {
  createStrategyRegistry,
  evaluationBatch,
  type LearningBudget,
  loadSavedModel,
  STRATEGY_FORMAT_VERSION,
  STRATEGY_JSON,
} from '@molap/core';
import {
  bankLayout,
  createRandomModuleBank,
  extractLatents,
  type ModuleBank,
  pretrainModules,
  sampleCorpus,
} from '@molap/primitives';
import { createTaskRegistry, type Task, YANG19_TASKS, yang19 } from '@molap/tasks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMolap,
  loadMolap,
  MOLAP_STRATEGIES,
  type MolapContext,
  molap,
  molapNetworkConfig,
  PRETRAINED_BANK_INPUT,
  pretrainedSensoryWeights,
  RANDOM_BANK_INPUT,
  randomModules,
  taskContext,
} from '../src/index.js';

const taskOptions = { ringSize: 8 } as const;
const corpus = [YANG19_TASKS.fdgo, YANG19_TASKS.delaygo, YANG19_TASKS.dm1];
/** A plugin task with one stimulus channel and no rule input: its layout does not fit the bank. */
const wideTask: Task = {
  ...YANG19_TASKS.fdgo,
  id: 'acme/wide-go',
  layout: () => ({
    inputs: [
      { name: 'fixation', role: 'fixation', start: 0, size: 1 },
      { name: 'stimulus', role: 'sensory', start: 1, size: 1 },
    ],
    outputs: [
      { name: 'fixation', role: 'fixation', start: 0, size: 1 },
      { name: 'response', role: 'response', start: 1, size: 8 },
    ],
    inputSize: 2,
    outputSize: 9,
  }),
};
const budget: LearningBudget = { steps: 4, batchSize: 4, evalEvery: 2, evalTrials: 8, criterion: 0.9 };

let engine: Engine;
let bank: ModuleBank;
let context: MolapContext;
const folders: string[] = [];

beforeAll(async () => {
  engine = await createNativeEngine({ threads: 1 });
  const registry = createTaskRegistry({ tasks: yang19 });
  registry.register(wideTask);
  context = { engine, tasks: registry, taskOptions };
  const sample = sampleCorpus({ tasks: corpus, seed: 1, trialsPerTask: 32, taskOptions });
  bank = await pretrainModules({
    tasks: corpus,
    primitives: extractLatents(sample, { k: 2 }),
    seed: 1,
    taskOptions,
    moduleSize: 3,
    steps: 4,
    batchSize: 4,
    evaluationTrials: 4,
    engine,
  });
});
afterAll(async () => {
  await engine.dispose();
});
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'molap-system-'));
  folders.push(dir);
  return dir;
}

describe('MoLaP assembly', () => {
  it('reads the sensory inputs through the frozen block-diagonal modules with a sigmoid readout', () => {
    const config = molapNetworkConfig(bank);
    expect(config).toEqual({
      inputSize: 17,
      hiddenSize: 6,
      outputSize: 9,
      activation: 'tanh',
      outputActivation: 'sigmoid',
      alpha: 0.2,
      recurrentNoise: 0.05,
      modules: [3, 3],
    });
    const model = createMolap(bank, context);
    expect(model.strategy).toBe('molap');
    expect(model.modules).toEqual([3, 3]);
    expect(model.hiddenSize).toBe(6);
  });

  it('starts each task from the pre-trained sensory weights and its rule context', () => {
    const sensory = pretrainedSensoryWeights(bank);
    const { inputWeights, recurrentBias } = bank.network.parameters;
    // Unit 4, sensory channel 5; the rule of delaygo is input 17 + 2.
    expect(sensory[4 * 17 + 5]).toBe(inputWeights[4 * 37 + 5]);
    const delaygo = taskContext(
      bank,
      { sensoryChannels: [], bankRuleChannel: 19, inCorpus: true, layout: bank.layout },
      'mean-rule',
    );
    expect(delaygo[4]).toBe(Math.fround(recurrentBias[4] + inputWeights[4 * 37 + 19]));
    const heldOut = taskContext(
      bank,
      { sensoryChannels: [], bankRuleChannel: 22, inCorpus: false, layout: bank.layout },
      'none',
    );
    expect(heldOut).toEqual(recurrentBias);
  });

  it("gives a new task the mean of the corpus tasks' rule columns, by each task's rule identity", () => {
    const { inputWeights, recurrentBias } = bank.network.parameters;
    const ruleStart = bank.layout.inputGroups.find((group) => group.role === 'rule')!.start;
    const column = (rule: string) => ruleStart + bank.layout.rules.indexOf(rule);
    const newTask = { sensoryChannels: [], bankRuleChannel: -1, inCorpus: false, layout: bank.layout };
    const mean = (rules: string[], unit: number) =>
      Math.fround(
        recurrentBias[unit] +
          Math.fround(rules.reduce((sum, rule) => sum + inputWeights[unit * 37 + column(rule)], 0) / rules.length),
      );
    // By default the corpus task ids are their rules (the Yang tasks declare no other).
    expect(bank.corpus?.taskIds).toEqual(['fdgo', 'delaygo', 'dm1']);
    expect(taskContext(bank, newTask, 'mean-rule')[4]).toBeCloseTo(mean(['fdgo', 'delaygo', 'dm1'], 4), 6);
    // A corpus task whose rule is another unit (a plugin task declaring `rule`) counts with that unit's column.
    const rules = ['fdgo', 'delaygo', 'reactgo'];
    const context = taskContext(bank, newTask, 'mean-rule', rules);
    expect(context[4]).toBeCloseTo(mean(rules, 4), 6);
    expect(context[4]).not.toBeCloseTo(mean(['fdgo', 'delaygo', 'dm1'], 4), 6);
  });

  it('counts trainable parameters per mode and the whole system', async () => {
    const n = 6;
    const perMode = {
      'input+readout': n * 17 + 9 * n + 9,
      'context+readout': n + 9 * n + 9,
      readout: 9 * n + 9,
    } as const;
    for (const [trainable, expected] of Object.entries(perMode)) {
      const model = createMolap(bank, context, { trainable: trainable as keyof typeof perMode });
      expect(model.trainableParametersPerTask()).toBe(expected);
    }
    const model = createMolap(bank, context, { trainable: 'context+readout' });
    await model.learn(['fdgo', 'delayanti'], { ...budget, steps: 1, evalEvery: 0 }, { seed: 1 });
    const count = model.parameterCount();
    const bankParameters = 2 * (3 * 37 + 9 + 3 + 3 + 1);
    expect(count.frozenShared).toBe(bankParameters);
    expect(count.trainablePerTask).toEqual({ fdgo: perMode['context+readout'], delayanti: perMode['context+readout'] });
    expect(count.total).toBe(bankParameters + 2 * (n + 9 * n + 9));
    expect(count.bytes).toBe(4 * count.total);
    expect(model.parameterGrowth()).toEqual([
      { taskId: 'fdgo', tasks: 1, total: bankParameters + (n + 9 * n + 9) },
      { taskId: 'delayanti', tasks: 2, total: count.total },
    ]);
  });

  it('is built from random modules for the random-modules ablation', () => {
    const random = createRandomModuleBank({
      layout: bankLayout(YANG19_TASKS.fdgo, taskOptions),
      k: 2,
      moduleSize: 3,
      seed: 1,
    });
    const model = createMolap(random, context);
    expect(model.strategy).toBe('random-modules');
    expect(model.config).toEqual(molapNetworkConfig(bank));
  });
});

describe('MoLaP learning', () => {
  it('trains only the task weights: the modules stay frozen and the record accounts for the updates', async () => {
    const model = createMolap(bank, context);
    const [record] = await model.learn(['delayanti'], budget, { seed: 3 });
    expect(record.steps).toBe(4);
    expect(record.trials).toBe(16);
    expect(record.curve.map((point) => point.step)).toEqual([0, 2, 4]);
    expect(record.parameterUpdates).toBe(4 * model.trainableParametersPerTask());
    const network = model.taskNetwork('delayanti');
    expect(network.parameters.recurrentWeights).toEqual(bank.network.parameters.recurrentWeights);
    expect(network.parameters.inputWeights).not.toEqual(pretrainedSensoryWeights(bank));
    // 'input+readout' keeps the context frozen.
    const context0 = taskContext(
      bank,
      { sensoryChannels: [], bankRuleChannel: 22, inCorpus: false, layout: bank.layout },
      'mean-rule',
    );
    expect(network.parameters.recurrentBias).toEqual(context0);
  });

  it('learns tasks independently, to the bit: order, company and later tasks change nothing', async () => {
    const alone = createMolap(bank, context);
    await alone.learn(['fdgo'], budget, { seed: 5 });
    const weights = alone.taskWeights('fdgo');
    const batch = evaluationBatch(YANG19_TASKS.fdgo, { trials: 6, seed: 2, taskOptions });
    const before = await alone.evaluate('fdgo', batch, { noiseSeed: 4 });
    await alone.learn(['delayanti', 'dm1'], budget, { seed: 5 });
    expect(alone.taskWeights('fdgo')).toEqual(weights);
    const after = await alone.evaluate('fdgo', batch, { noiseSeed: 4 });
    expect(after.outputs).toEqual(before.outputs);
    const together = createMolap(bank, context);
    await together.learn(['dm1', 'fdgo'], budget, { seed: 5 });
    expect(together.taskWeights('fdgo')).toEqual(weights);
    expect(together.taskWeights('dm1')).toEqual(alone.taskWeights('dm1'));
  });

  it('solves the readout in closed form (ridge) and by gradient descent', async () => {
    const ridge = createMolap(bank, context, { trainable: 'readout', readoutSolver: 'ridge', ridgeTrials: 16 });
    const [solved] = await ridge.learn(['fdgo'], budget, { seed: 2 });
    expect(solved.steps).toBe(0);
    expect(solved.trials).toBe(16);
    expect(solved.parameterUpdates).toBe(ridge.trainableParametersPerTask());
    const gradient = createMolap(bank, context, { trainable: 'readout' });
    const [descended] = await gradient.learn(['fdgo'], budget, { seed: 2 });
    expect(descended.steps).toBe(4);
    // The closed-form readout fits the targets better than 4 gradient steps from a random readout.
    expect(solved.loss).toBeLessThan(descended.loss);
    expect(ridge.taskNetwork('fdgo').parameters.inputWeights).toEqual(pretrainedSensoryWeights(bank));
    const init = createMolap(bank, context, { readoutInit: 'ridge', ridgeTrials: 8 });
    const [started] = await init.learn(['fdgo'], budget, { seed: 2 });
    expect(started.curve[0].loss).toBeLessThan(descended.curve[0].loss);
  });

  it('evaluates under perturbations without changing the model', async () => {
    const model = createMolap(bank, context);
    await model.learn(['fdgo'], budget, { seed: 1 });
    const batch = evaluationBatch(YANG19_TASKS.fdgo, { trials: 4, seed: 1, taskOptions });
    const clean = await model.evaluate('fdgo', batch, { noiseSeed: 1, keepStates: true });
    expect(clean.states).toHaveLength(batch.steps * 4 * 6);
    const lesioned = await model.evaluate('fdgo', batch, {
      noiseSeed: 1,
      perturbation: { kind: 'module-lesion', modules: [0] },
      keepStates: true,
    });
    for (let t = 0; t < batch.steps; t++)
      for (let b = 0; b < 4; b++)
        for (let i = 0; i < 3; i++) {
          expect(Math.abs(lesioned.states![(t * 4 + b) * 6 + i])).toBe(0);
        }
    const noisy = await model.evaluate('fdgo', batch, {
      noiseSeed: 1,
      perturbation: { kind: 'recurrent-weight-noise', sigma: 1, seed: 2 },
    });
    expect(noisy.outputs).not.toEqual(clean.outputs);
    const again = await model.evaluate('fdgo', batch, { noiseSeed: 1, keepStates: true });
    expect(again.outputs).toEqual(clean.outputs);
  });
});

describe('MoLaP save and load', () => {
  it('round-trips the whole system and learns new tasks on the loaded bank', async () => {
    const model = createMolap(bank, context, { trainable: 'context+readout' });
    await model.learn(['fdgo', 'delayanti'], budget, { seed: 6 });
    const dir = await folder();
    await model.save(dir);
    const loaded = await loadMolap(dir, context);
    expect(loaded.learnedTasks()).toEqual(['fdgo', 'delayanti']);
    expect(loaded.options).toEqual(model.options);
    const batch = evaluationBatch(YANG19_TASKS.delayanti, { trials: 4, seed: 3, taskOptions });
    const [a, b] = await Promise.all([
      model.evaluate('delayanti', batch, { noiseSeed: 2 }),
      loaded.evaluate('delayanti', batch, { noiseSeed: 2 }),
    ]);
    expect(b.outputs).toEqual(a.outputs);
    expect(loaded.taskRecord('fdgo')).toEqual(model.taskRecord('fdgo'));
    await loaded.learn(['dm1'], budget, { seed: 6 });
    await model.learn(['dm1'], budget, { seed: 6 });
    expect(loaded.taskWeights('dm1')).toEqual(model.taskWeights('dm1'));
  });

  it('refuses a system saved by a newer version', async () => {
    const model = createMolap(bank, context);
    const dir = await folder();
    await model.save(dir);
    const document = JSON.parse(await readFile(join(dir, STRATEGY_JSON), 'utf8'));
    expect(document).toMatchObject({ formatVersion: STRATEGY_FORMAT_VERSION, strategyVersion: molap.version });
    await writeFile(
      join(dir, STRATEGY_JSON),
      JSON.stringify({ ...document, formatVersion: STRATEGY_FORMAT_VERSION + 1 }),
    );
    await expect(loadMolap(dir, context)).rejects.toThrow(
      /strategy\.json: has format version 4, newer than the versions 2 and 3 this @molap\/core reads .*\n {2}hint: upgrade @molap\/core/,
    );
  });
});

describe('MoLaP as strategies', () => {
  const registry = createStrategyRegistry(MOLAP_STRATEGIES);
  const random = () =>
    createRandomModuleBank({ layout: bankLayout(YANG19_TASKS.fdgo, taskOptions), k: 2, moduleSize: 3, seed: 1 });

  it('creates molap from a pre-trained bank and random-modules from a random one', async () => {
    const creation = (inputs: Record<string, unknown>) => ({ seed: 1, corpus: ['fdgo'], inputs });
    const a = await molap.create(context, {}, creation({ [PRETRAINED_BANK_INPUT]: bank }));
    const b = await randomModules.create(context, {}, creation({ [RANDOM_BANK_INPUT]: random() }));
    expect([a.strategy, b.strategy]).toEqual(['molap', 'random-modules']);
    await Promise.all([a.dispose(), b.dispose()]);
    await expect(molap.create(context, {}, creation({}))).rejects.toMatchObject({
      code: 'missing-input',
      problem: "strategy 'molap' needs the input 'pretrained-bank' to create a model",
    });
    await expect(molap.create(context, {}, creation({ [PRETRAINED_BANK_INPUT]: random() }))).rejects.toMatchObject({
      code: 'incompatible',
    });
    await expect(randomModules.create(context, {}, creation({ [RANDOM_BANK_INPUT]: bank }))).rejects.toMatchObject({
      code: 'incompatible',
    });
    expect(() => molap.checkOptions?.({ trainable: 'everything' as never })).toThrow(/trainable/);
  });

  it('saves strategy.json like every strategy, and loads through loadSavedModel', async () => {
    const model = createMolap(random(), context);
    await model.learn(['fdgo'], budget, { seed: 1 });
    const dir = await folder();
    await model.save(dir);
    const document = JSON.parse(await readFile(join(dir, STRATEGY_JSON), 'utf8'));
    expect(document).toMatchObject({ format: 'molap-strategy', strategy: 'random-modules', learnedTasks: ['fdgo'] });
    const loaded = await loadSavedModel(dir, context, registry);
    expect(loaded.strategy).toBe('random-modules');
    expect(loaded.modules).toEqual([3, 3]);
    expect(loaded.parameterCount()).toEqual(model.parameterCount());
    await expect(loadMolap(dir, context, 'molap')).rejects.toThrow(/holds a 'random-modules' model, not 'molap'/);
    await Promise.all([model.dispose(), loaded.dispose()]);
  });
});

describe('MoLaP: bad input', () => {
  it('rejects unknown task ids with the registry error', async () => {
    const model = createMolap(bank, context);
    await expect(model.learn(['fdgoo'], budget, { seed: 1 })).rejects.toThrow(
      /unknown task 'fdgoo'. Did you mean 'fdgo'\?/,
    );
    await expect(
      model.evaluate('fdgo', evaluationBatch(YANG19_TASKS.fdgo, { trials: 2, seed: 1, taskOptions }), { noiseSeed: 1 }),
    ).rejects.toThrow(/task 'fdgo' has not been learned \(learned: none\)/);
    await expect(
      model.evaluate('fdgo', evaluationBatch(YANG19_TASKS.fdgo, { trials: 2, seed: 1, taskOptions }), { noiseSeed: 1 }),
    ).rejects.toMatchObject({ code: 'unknown-id', kind: 'bad-input', hint: 'learn it first' });
  });

  it('rejects a task whose layout does not fit the bank, before learning anything', async () => {
    const model = createMolap(bank, context);
    await expect(model.learn(['fdgo', 'acme/wide-go'], budget, { seed: 1 })).rejects.toThrow(
      /task 'acme\/wide-go' does not fit the module bank: its fixation\/sensory inputs are \[fixation:fixation\[1\], sensory:stimulus\[1\]\]/,
    );
    await expect(model.learn(['fdgo', 'acme/wide-go'], budget, { seed: 1 })).rejects.toMatchObject({
      code: 'incompatible',
      kind: 'bad-input',
    });
    expect(model.learnedTasks()).toEqual([]);
  });

  it('rejects bad options, repeated tasks and relearning', async () => {
    expect(() => createMolap(bank, context, { trainable: 'everything' as never })).toThrow(
      /MoLaP option trainable must be one of 'input\+readout', 'context\+readout', 'readout'/,
    );
    expect(() => createMolap(bank, context, { readoutSolver: 'ridge' })).toThrow(/use it with trainable 'readout'/);
    expect(() => createMolap(bank, context, { learningRat: 1 } as never)).toThrow(/unknown MoLaP option 'learningRat'/);
    const model = createMolap(bank, context);
    await expect(model.learn(['fdgo', 'fdgo'], budget, { seed: 1 })).rejects.toThrow(/listed twice/);
    await expect(model.learn(['fdgo', 'fdgo'], budget, { seed: 1 })).rejects.toMatchObject({ code: 'duplicate-id' });
    await model.learn(['fdgo'], { ...budget, steps: 1, evalEvery: 0 }, { seed: 1 });
    await expect(model.learn(['fdgo'], budget, { seed: 1 })).rejects.toThrow(/already learned/);
  });
});
