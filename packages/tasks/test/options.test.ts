import { describe, expect, it } from 'vitest';
import { DEFAULT_TASK_OPTIONS, InvalidOptionError, resolveTaskOptions, YANG19_RULES } from '../src/index.js';
import { fixtureTask } from './fixture-task.js';

const task = fixtureTask('fdgo', true);

function rejection(options: Record<string, unknown>, t = task): InvalidOptionError {
  try {
    resolveTaskOptions(t, options);
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error(`options ${JSON.stringify(options)} were accepted`);
}

describe('resolveTaskOptions', () => {
  it('fills the Yang defaults', () => {
    const options = resolveTaskOptions(task);
    expect(options).toEqual({
      dt: 20,
      ringSize: 32,
      batchSize: 64,
      noise: true,
      inputNoiseSigma: 0.01,
      tau: 100,
      mode: 'random',
      rules: [...YANG19_RULES],
    });
    expect(YANG19_RULES).toHaveLength(20);
    expect(YANG19_RULES[0]).toBe('fdgo');
    expect(YANG19_RULES[19]).toBe('dmcnogo');
    expect(Object.isFrozen(options)).toBe(true);
    expect(DEFAULT_TASK_OPTIONS.mode).toBe('random');
  });

  it('lets task defaults override the library and the caller override both', () => {
    const slow = fixtureTask('fdgo', true, { dt: 100, batchSize: 8 });
    expect(resolveTaskOptions(slow).dt).toBe(100);
    expect(resolveTaskOptions(slow, { dt: 10 }).dt).toBe(10);
    expect(resolveTaskOptions(slow, { dt: undefined }).dt).toBe(100);
    expect(resolveTaskOptions(slow).batchSize).toBe(8);
  });

  it.each([
    [{ dt: 0 }, 'dt', /time step in ms/],
    [{ dt: -20 }, 'dt', /> 0/],
    [{ dt: Number.NaN }, 'dt', /finite/],
    [{ batchSize: 0 }, 'batchSize', /integer >= 1/],
    [{ batchSize: 2.5 }, 'batchSize', /integer/],
    [{ ringSize: 1 }, 'ringSize', />= 2/],
    [{ noise: 'yes' }, 'noise', /true or false/],
    [{ inputNoiseSigma: -0.1 }, 'inputNoiseSigma', />= 0/],
    [{ tau: 0 }, 'tau', /time constant/],
    [{ mode: 'train' }, 'mode', /'random', 'test', 'psychometric'/],
    [{ mode: 'psychometric' }, 'conditions', /one condition object per trial/],
    [{ mode: 'psychometric', conditions: [] }, 'conditions', /psychometric mode needs/],
    [{ mode: 'psychometric', conditions: [3] }, 'conditions[0]', /plain object/],
    [{ conditions: [{}] }, 'conditions', /only read in mode 'psychometric'/],
    [{ rules: 'fdgo' }, 'rules', /array of distinct/],
    [{ rules: ['fdgo', 'fdgo'] }, 'rules[1]', /Duplicate/],
    [{ rules: ['fdgo', ''] }, 'rules[1]', /non-empty/],
    [{ rules: ['dm1'] }, 'rules', /has no unit for task 'fdgo'/],
    [{ batchsize: 32 }, 'batchsize', /Unknown option; the task options are dt, ringSize, batchSize/],
  ])('rejects %j naming %s', (options, name, message) => {
    const error = rejection(options);
    expect(error.option).toBe(name);
    expect(error.message).toMatch(`Invalid option ${name}:`);
    expect(error.message).toMatch(message);
  });

  it('does not require a rule unit for tasks without a rule input', () => {
    const plain = fixtureTask('acme/plain', false);
    expect(resolveTaskOptions(plain).rules).toEqual(['acme/plain']);
    expect(rejection({ rules: ['dm1'] }, fixtureTask('acme/ruled', true)).message).toMatch(/'acme\/ruled'/);
  });

  it('accepts psychometric conditions', () => {
    const options = resolveTaskOptions(task, { mode: 'psychometric', conditions: [{ angle: 1 }] });
    expect(options.conditions).toEqual([{ angle: 1 }]);
  });
});
