/** The checks and error texts every molap registry shares (tasks here, the other kinds in @molap/core). */
import { describe, expect, it } from 'vitest';
import {
  duplicateIdMessage,
  invalidPluginMessage,
  pluginMetaProblems,
  REGISTRY_ERROR_CODES,
  unknownIdMessage,
} from '../src/plugin-shape.js';
import { TaskRegistryError } from '../src/registry-error.js';

describe('pluginMetaProblems', () => {
  it('accepts the shared shape with or without the optional fields', () => {
    expect(pluginMetaProblems({ displayName: 'PSP', description: 'Parameter superposition.' })).toEqual([]);
    expect(
      pluginMetaProblems({
        displayName: 'PSP',
        description: 'x',
        paper: 'Cheung 2019',
        link: 'https://x',
        tags: ['a'],
      }),
    ).toEqual([]);
  });

  it('names every malformed field', () => {
    expect(pluginMetaProblems({ displayName: 3, description: '  ', paper: null, tags: 'a' })).toEqual([
      'meta.displayName must be a string, got 3',
      'meta.description must not be empty',
      "meta.paper must be a string (a citation, e.g. 'Yang et al. 2019, Nature Neuroscience') or left out, got null",
      'meta.tags must be an array of non-empty strings',
    ]);
    expect(pluginMetaProblems([])).toEqual([
      'meta must be an object { displayName, description, paper?, link?, tags? }, got an array of length 0',
    ]);
  });

  it('requires tags only when asked to (task registries list tasks by tag)', () => {
    const meta = { displayName: 'x', description: 'y' };
    expect(pluginMetaProblems(meta)).toEqual([]);
    expect(pluginMetaProblems(meta, { tagsRequired: true })).toEqual([
      'meta.tags must be an array of non-empty strings',
    ]);
  });
});

describe('registry error texts', () => {
  it('unknown-id: the closest id when one is close, then the known ids', () => {
    expect(unknownIdMessage('strategy', 'mutlitask', ['multitask', 'psp'], 'start from createX()')).toEqual({
      problem: "unknown strategy 'mutlitask'. Did you mean 'multitask'? Known strategy ids: multitask, psp.",
      hint: 'register one with registry.register(…), or start from createX()',
    });
    expect(unknownIdMessage('task', 'zzzzzz', ['fdgo'])).toEqual({
      problem: "unknown task 'zzzzzz'. Known task ids: fdgo.",
      hint: 'register one with registry.register(…)',
    });
    expect(unknownIdMessage('task', 'fdgo', []).problem).toBe("unknown task 'fdgo'. The registry is empty.");
  });

  it('duplicate-id: who registered it first when known, and a scoped id to use instead', () => {
    expect(duplicateIdMessage('task', 'acme/go', 'molap-task-acme@1.0.0')).toEqual({
      problem: "duplicate task id 'acme/go': already registered by molap-task-acme@1.0.0",
      hint: "ids are unique in a registry: give yours another (scoped) id, e.g. 'lab/go', or leave one of the two out",
    });
    expect(duplicateIdMessage('strategy', 'psp').problem).toBe(
      "duplicate strategy id 'psp': one is already registered",
    );
  });

  it('invalid-plugin: the id when there is one, and every problem', () => {
    expect(invalidPluginMessage('task', { id: 'Bad' }, ['a', 'b'], 'see X').problem).toBe("invalid task 'Bad': a; b");
    expect(invalidPluginMessage('strategy', null, ['a plugin must be an object'], 'see X')).toEqual({
      problem: 'invalid strategy: a plugin must be an object',
      hint: 'see X',
    });
  });

  it('the registry codes are bad input; loading failures are not', () => {
    for (const code of REGISTRY_ERROR_CODES) expect(new TaskRegistryError('x', { code }).kind).toBe('bad-input');
    expect(new TaskRegistryError('x', { code: 'import-failed' }).kind).toBe('failure');
  });
});
