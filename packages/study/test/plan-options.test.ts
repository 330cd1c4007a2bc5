/**
 * Where a planned model's options come from: run.network or run.molap (every model of that family), then
 * run.strategyOptions (every model of one strategy: the presets' tuned learning rates), then the model spec.
 */
import { createEngine } from '@molap/backend';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MolapConfig, planStudy, RUN_PRESETS } from '../src/index.js';

const registry = createTaskRegistry({ tasks: yang19 });
let engine: Awaited<ReturnType<typeof createEngine>>;
beforeAll(async () => {
  engine = await createEngine({ engine: 'native', threads: 1 });
});
afterAll(() => engine.dispose());

const optionsOf = async (config: MolapConfig, preset?: string) => {
  const plan = await planStudy(config, preset, { registry, strategyContext: { engine, tasks: registry } });
  return Object.fromEntries(plan.models.map((model) => [model.name, model.options]));
};

describe('model options of a plan', () => {
  it('gives every model of a strategy its run.strategyOptions, under the spec and over run.network', async () => {
    const options = await optionsOf({
      run: {
        models: [
          'multitask',
          { strategy: 'multitask', label: 'multitask-fast', options: { learningRate: 0.01 } },
          'ewc',
        ],
        network: { learningRate: 5e-4, hiddenSize: 64 },
        strategyOptions: { multitask: { learningRate: 2e-3 } },
      },
    });
    expect(options.multitask).toMatchObject({ learningRate: 2e-3, hiddenSize: 64 });
    expect(options['multitask-fast']).toMatchObject({ learningRate: 0.01, hiddenSize: 64 });
    expect(options.ewc).toMatchObject({ learningRate: 5e-4, hiddenSize: 64 });
  });

  it("gives the standard preset's tuned learning rates to the models named by strategy, and a config can change them", async () => {
    const tuned = RUN_PRESETS.standard.strategyOptions;
    expect(Object.keys(tuned).length).toBeGreaterThan(0);
    const standard = await optionsOf({}, 'standard');
    for (const [strategy, values] of Object.entries(tuned)) expect(standard[strategy]).toMatchObject(values);
    expect(standard.molap).toMatchObject({ learningRate: 5e-3 });
    const changed = await optionsOf({ run: { strategyOptions: { multitask: { learningRate: 1e-3 } } } }, 'standard');
    expect(changed.multitask).toMatchObject({ learningRate: 1e-3 });
    // the quick preset keeps the library defaults
    expect(RUN_PRESETS.quick.strategyOptions).toEqual({});
  });
});
