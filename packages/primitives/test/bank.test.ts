import type { Engine } from '@molap/backend';
import { YANG19_TASKS } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bankLayout,
  createRandomModuleBank,
  describeModuleBank,
  fitTaskToBank,
  moduleParameters,
  pretrainModules,
  ruleChannel,
  sensoryChannels,
  summarizeModuleBank,
  validateModuleBank,
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

const layout = bankLayout(YANG19_TASKS.fdgo, SMALL_TASK_OPTIONS);

describe('bankLayout', () => {
  it('describes the Yang layout: 65 fixation/sensory channels, 20 rules, 33 outputs, α = 0.2', () => {
    const full = bankLayout(YANG19_TASKS.fdgo);
    expect(full.inputSize).toBe(85);
    expect(sensoryChannels(full)).toEqual(Array.from({ length: 65 }, (_, i) => i));
    expect(full.rules).toHaveLength(20);
    expect(ruleChannel(full, 'fdgo')).toBe(65);
    expect(ruleChannel(full, 'dmcnogo')).toBe(84);
    expect(ruleChannel(full, 'acme/other')).toBe(-1);
    expect(full.outputSize).toBe(33);
    expect(full.dt / full.tau).toBe(0.2);
  });
});

describe('createRandomModuleBank', () => {
  it('builds k unconnected modules whose latent readouts read their own module only', () => {
    const bank = createRandomModuleBank({ layout, k: 3, moduleSize: 4, seed: 5 });
    validateModuleBank(bank);
    const { config, parameters } = bank.network;
    expect(config).toMatchObject({ inputSize: 37, hiddenSize: 12, outputSize: 3, modules: [4, 4, 4] });
    expect(config.outputActivation).toBe('linear');
    for (let row = 0; row < 12; row++) {
      for (let col = 0; col < 12; col++) {
        const value = parameters.recurrentWeights[row * 12 + col];
        if (Math.floor(row / 4) !== Math.floor(col / 4)) expect(value).toBe(0);
        else expect(value).toBe(row === col ? 0.5 : 0);
      }
    }
    expect(bank.kind).toBe('random');
    expect(bank.primitives).toBeNull();
  });

  it('gives module i the same parameters whatever k, and different modules different ones', () => {
    const two = createRandomModuleBank({ layout, k: 2, moduleSize: 4, seed: 5 });
    const three = createRandomModuleBank({ layout, k: 3, moduleSize: 4, seed: 5 });
    expect(moduleParameters(three, 1)).toEqual(moduleParameters(two, 1));
    expect(moduleParameters(three, 0).inputWeights).not.toEqual(moduleParameters(three, 1).inputWeights);
    expect(() => moduleParameters(two, 2)).toThrow(/out of range: the bank has 2 modules/);
  });

  it('is exactly where pre-training starts: pre-training for 0 steps gives the random bank', async () => {
    const primitives = smallPrimitives(2);
    const pretrained = await pretrainModules({
      tasks: SMALL_CORPUS,
      primitives,
      seed: 5,
      taskOptions: SMALL_TASK_OPTIONS,
      ...TINY_TRAINING,
      steps: 0,
      engine,
    });
    const random = createRandomModuleBank({ layout, k: 2, moduleSize: 4, seed: 5 });
    expect(pretrained.network.parameters).toEqual(random.network.parameters);
  });

  it('rejects bad sizes and seeds', () => {
    expect(() => createRandomModuleBank({ layout, k: 0, seed: 1 })).toThrow(
      /k \(the number of modules\) must be a positive integer/,
    );
    expect(() => createRandomModuleBank({ layout, moduleSize: 2.5, seed: 1 })).toThrow(/moduleSize/);
    expect(() => createRandomModuleBank({ layout, seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});

describe('fitTaskToBank', () => {
  const bank = createRandomModuleBank({ layout, k: 2, moduleSize: 4, seed: 1 });

  it('maps a fitting task: its sensory channels and the bank column of its rule', () => {
    const fit = fitTaskToBank(bank, YANG19_TASKS.delayanti, SMALL_TASK_OPTIONS);
    expect(fit.sensoryChannels).toEqual(Array.from({ length: 17 }, (_, i) => i));
    expect(fit.bankRuleChannel).toBe(17 + 5);
    expect(fit.inCorpus).toBe(false);
  });

  it('names the difference when a task does not fit: rings, outputs, dt', () => {
    expect(() => fitTaskToBank(bank, YANG19_TASKS.fdgo)).toThrow(
      /task 'fdgo' does not fit the module bank: its fixation\/sensory inputs are .*\[32\].* but the bank's modules read .*\[8\]/,
    );
    expect(() => fitTaskToBank(bank, YANG19_TASKS.fdgo, { ...SMALL_TASK_OPTIONS, dt: 10 })).toThrow(
      /α = dt\/τ = 10\/100 differs from the bank's 20\/100/,
    );
  });
});

describe('describeModuleBank', () => {
  it('summarises a pre-trained bank: ρ, held-out R², units and parameters per module', async () => {
    const primitives = smallPrimitives(2);
    const bank = await pretrainModules({
      tasks: SMALL_CORPUS,
      primitives,
      seed: 2,
      taskOptions: SMALL_TASK_OPTIONS,
      ...TINY_TRAINING,
      engine,
    });
    const summary = summarizeModuleBank(bank);
    expect(summary.units).toBe(8);
    // W_in 4·37 + W_rec 16 + b 4 + readout 4 + 1.
    expect(summary.modules[0].parameters).toBe(4 * 37 + 16 + 4 + 4 + 1);
    expect(summary.parameters).toBe(2 * (4 * 37 + 16 + 4 + 4 + 1));
    expect(summary.modules.map((m) => m.rho)).toEqual(Array.from(primitives.rho));
    expect(summary.modules.every((m) => Number.isFinite(m.heldOutR2))).toBe(true);
    const text = describeModuleBank(bank);
    expect(text).toMatch(/2 modules × 4 units, pre-trained on CCA latents of 3 tasks \(fdgo, delaygo, dm1\), seed 2/);
    expect(text.trim().split('\n')).toHaveLength(5);
  });
});
