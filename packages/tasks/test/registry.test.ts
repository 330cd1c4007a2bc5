import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../src/closest-name.js';
import { createTaskRegistry } from '../src/registry.js';
import { TaskRegistryError } from '../src/registry-error.js';
import type { Task } from '../src/task.js';
import { validateTask } from '../src/task-validation.js';
import { toyTask } from './support/toy-task.js';

const catchError = (fn: () => unknown): TaskRegistryError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof TaskRegistryError) return error;
    throw error;
  }
  throw new Error('expected a TaskRegistryError');
};

describe('createTaskRegistry', () => {
  it('registers, finds and lists tasks in registration order', () => {
    const registry = createTaskRegistry();
    const a = toyTask('acme/alpha', ['perceptual']);
    const b = toyTask('acme/beta', ['timing']);
    expect(registry.register(a, { source: 'acme@1.0.0' })).toBe(registry);
    registry.register(b);
    expect(registry.get('acme/alpha')).toBe(a);
    expect(registry.has('acme/beta')).toBe(true);
    expect(registry.has('acme/gamma')).toBe(false);
    expect(registry.ids()).toEqual(['acme/alpha', 'acme/beta']);
    expect(registry.list()).toEqual([a, b]);
    expect(registry.list({ tag: 'timing' })).toEqual([b]);
    expect(registry.list({ tag: 'motor' })).toEqual([]);
    expect(registry.source('acme/alpha')).toBe('acme@1.0.0');
    expect(registry.source('acme/beta')).toBeUndefined();
  });

  it('creates independent registries (no global state)', () => {
    const first = createTaskRegistry({ tasks: [toyTask('one')], source: 'test' });
    const second = createTaskRegistry();
    expect(first.ids()).toEqual(['one']);
    expect(first.source('one')).toBe('test');
    expect(second.ids()).toEqual([]);
  });

  it('throws on a duplicate id, naming the first registrant', () => {
    const registry = createTaskRegistry().register(toyTask('acme/alpha'), { source: 'molap-task-acme@1.0.0' });
    const error = catchError(() => registry.register(toyTask('acme/alpha'), { source: 'molap-task-copy@2.0.0' }));
    expect(error.code).toBe('duplicate-id');
    expect(error.taskId).toBe('acme/alpha');
    expect(error.source).toBe('molap-task-copy@2.0.0');
    expect(error.kind).toBe('bad-input');
    expect(error.message).toContain("duplicate task id 'acme/alpha': already registered by molap-task-acme@1.0.0");
    expect(error.message).toContain('  source: molap-task-copy@2.0.0');
    expect(error.message).toMatch(/ {2}hint: .*another \(scoped\) id, e\.g\. 'lab\/alpha'/);
    const anonymous = createTaskRegistry().register(toyTask('x'));
    expect(catchError(() => anonymous.register(toyTask('x'))).problem).toContain('a register() call without a source');
  });

  it('explains an unknown id: known ids, the closest one, how to add tasks', () => {
    const registry = createTaskRegistry({ tasks: [toyTask('fdgo'), toyTask('neurogym/go-no-go')] });
    const typo = catchError(() => registry.get('fdgp'));
    expect(typo.code).toBe('unknown-id');
    expect(typo.kind).toBe('bad-input');
    expect(typo.problem).toBe("unknown task 'fdgp'. Did you mean 'fdgo'? Known task ids: fdgo, neurogym/go-no-go.");
    expect(typo.hint).toContain('registry.register(…)');
    expect(typo.hint).toContain('npm install molap-task-<name>');
    expect(typo.hint).toContain('discoverTaskPlugins');
    expect(catchError(() => registry.get('go-no-go')).problem).toContain("Did you mean 'neurogym/go-no-go'?");
    expect(catchError(() => registry.get('completely-different')).problem).not.toContain('Did you mean');
    expect(catchError(() => registry.source('nope')).code).toBe('unknown-id');
    expect(catchError(() => createTaskRegistry().get('fdgo')).problem).toContain('The registry is empty.');
  });

  it('rejects invalid tasks at registration with every problem listed', () => {
    const bad = { ...toyTask('Bad_Id'), apiVersion: 2, periods: [], generate: 'no' } as unknown as Task;
    const error = catchError(() => createTaskRegistry().register(bad, { source: 'acme@0.0.1' }));
    expect(error.code).toBe('invalid-plugin');
    expect(error.kind).toBe('bad-input');
    expect(error.problem).toContain("invalid task 'Bad_Id'");
    expect(error.problem).toContain("id 'Bad_Id' must be lower-kebab");
    expect(error.problem).toContain('apiVersion is 2, expected 1');
    expect(error.problem).toContain('generate must be a function');
    expect(error.problem).toContain('periods must be a non-empty array');
    expect(error.source).toBe('acme@0.0.1');
  });
});

describe('validateTask', () => {
  it('accepts a complete task', () => {
    expect(validateTask(toyTask())).toEqual([]);
  });

  it.each([
    ['dm1', true],
    ['ready-set-go', true],
    ['neurogym/ready-set-go', true],
    ['a/b/c', false],
    ['Neurogym/go', false],
    ['go-', false],
    ['-go', false],
    ['go--no', false],
    ['@scope/go', false],
    ['', false],
  ])('id %j valid: %s', (id, valid) => {
    expect(validateTask(toyTask(id)).length === 0).toBe(valid);
  });

  it('checks meta fields and periods', () => {
    const task = toyTask();
    expect(validateTask(null)).toEqual(['a task must be an object, got null']);
    expect(validateTask({ ...task, meta: { ...task.meta, displayName: ' ', tags: ['ok', 3] } })).toEqual([
      'meta.displayName must not be empty',
      'meta.tags must be an array of non-empty strings',
    ]);
    expect(validateTask({ ...task, meta: undefined })[0]).toContain('meta must be an object');
    expect(validateTask({ ...task, periods: ['fix1', 'go1', 'fix1'] })).toEqual(['periods repeat fix1']);
    expect(validateTask({ ...task, defaults: 5 })).toEqual(['defaults must be an object of TaskOptions fields, got 5']);
  });

  it('takes paper and link as optional, and checks them when given', () => {
    const { paper: _paper, link: _link, ...meta } = toyTask().meta;
    expect(validateTask({ ...toyTask(), meta })).toEqual([]);
    expect(validateTask({ ...toyTask(), meta: { ...meta, paper: 'Funahashi et al. 1989', link: '' } })).toEqual([]);
    expect(validateTask({ ...toyTask(), meta: { ...meta, paper: 1989, link: ['https://doi.org'] } })).toEqual([
      "meta.paper must be a string (a citation, e.g. 'Yang et al. 2019, Nature Neuroscience') or left out, got 1989",
      'meta.link must be a string (a URL) or left out, got an array of length 1',
    ]);
    // tags are optional, as for every plugin; given, they must be strings
    expect(validateTask({ ...toyTask(), meta: { ...meta, tags: undefined } })).toEqual([]);
    expect(validateTask({ ...toyTask(), meta: { ...meta, tags: 'go' } })).toEqual([
      'meta.tags must be an array of non-empty strings',
    ]);
  });

  it.each([
    ['1.0.0', true],
    ['0.3.12', true],
    ['2.0.0-beta.1', true],
    ['1.2.3-rc.1+build.5', true],
    ['1.0', false],
    ['v1.0.0', false],
    ['01.0.0', false],
    ['1.0.0-', false],
    [1, false],
  ])('version %j valid: %s', (version, valid) => {
    const problems = validateTask({ ...toyTask(), version });
    expect(problems).toEqual(
      valid
        ? []
        : [
            `version must be a semver string 'MAJOR.MINOR.PATCH' (e.g. '1.0.0') or left out, got ${JSON.stringify(version)}`,
          ],
    );
  });
});

describe('closestName', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('fdgo', 'fdgo')).toBe(0);
  });

  it('suggests only close names', () => {
    expect(closestName('dm3', ['dm1', 'dm2', 'fdgo'])).toBe('dm1');
    expect(closestName('readysetgo', ['neurogym/ready-set-go'])).toBe('neurogym/ready-set-go');
    expect(closestName('xyz', ['contextdelaydm1'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});
