/**
 * `planStudy` checks the config a program gives it, before any work: a key the schema does not know is
 * refused with the closest known key, a value of the wrong type with the type expected, both as usage errors
 * (bad input). A plugin's own bug while its options are checked is a failure, not a usage error.
 */
import { createEngine, type Engine } from '@molap/backend';
import { createStrategyRegistry, errorKind, isMolapError, MolapError } from '@molap/core';
import { createTaskRegistry, yang19 } from '@molap/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinStrategyRegistry, type MolapConfig, planStudy } from '../src/index.js';

const registry = createTaskRegistry({ tasks: yang19 });
let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ engine: 'native', threads: 1 });
});
afterAll(() => engine.dispose());

const small = { tasks: ['fdgo', 'dm1'], heldOut: [], models: ['multitask'], seeds: 1 };
const plan = (config: unknown, more: object = {}) =>
  planStudy(config as MolapConfig, 'quick', { registry, strategyContext: { engine, tasks: registry }, ...more });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('planStudy accepted the config'),
    (error: unknown) => error,
  );

describe('planStudy refuses a bad config before any work', () => {
  it('names a misspelt key and the key it probably meant', async () => {
    const error = await failure(plan({ run: { ...small, heldout: ['dm1'] } }));
    expect(isMolapError(error) && error.code).toBe('usage');
    expect(errorKind(error)).toBe('bad-input');
    expect((error as MolapError).problem).toBe(
      'the config given to planStudy: unknown key "run.heldout". Did you mean "heldOut"?',
    );
    expect((error as MolapError).hint).toMatch(/^the keys of run are preset, tasks, heldOut, /);
  });

  it('names a key whose value has the wrong type, and the type expected', async () => {
    const error = (await failure(plan({ run: { ...small, tasks: 'fdgo' } }))) as MolapError;
    expect([error.code, errorKind(error)]).toEqual(['usage', 'bad-input']);
    expect(error.problem).toBe('the config given to planStudy: run.tasks must be an array, got "fdgo"');
    const nested = (await failure(plan({ run: { ...small, network: { hiddenSize: 6.5 } } }))) as MolapError;
    expect(nested.problem).toBe('the config given to planStudy: run.network.hiddenSize must be an integer, got 6.5');
  });

  it('accepts a valid config (the same plan as before the check)', async () => {
    const planned = await plan({ run: small });
    expect([planned.tasks, planned.seeds, planned.models.map((model) => model.name)]).toEqual([
      ['fdgo', 'dm1'],
      [1],
      ['multitask'],
    ]);
  });
});

describe("a strategy's option check", () => {
  const withStrategy = async (checkOptions: () => void) => {
    const builtin = await createBuiltinStrategyRegistry();
    return createStrategyRegistry([...builtin.list(), { ...builtin.get('multitask'), id: 'plugin', checkOptions }]);
  };
  const config = { run: { ...small, models: ['plugin'] } };

  it('that refuses a value (bad input) is a usage error naming the model', async () => {
    const strategies = await withStrategy(() => {
      throw new MolapError('invalid-option', 'learningRate must be positive', { hint: 'use 1e-3' });
    });
    const error = (await failure(plan(config, { strategies }))) as MolapError;
    expect([error.code, error.problem]).toEqual(['usage', 'model "plugin": learningRate must be positive']);
    expect(error.hint).toMatch(/^use 1e-3; /);
  });

  it('that has a bug (a RangeError) stays a failure, not a usage error', async () => {
    const bug = new RangeError('Invalid array length');
    const strategies = await withStrategy(() => {
      throw bug;
    });
    const error = await failure(plan(config, { strategies }));
    expect(error).toBe(bug);
    expect(errorKind(error)).toBe('failure');
  });
});
