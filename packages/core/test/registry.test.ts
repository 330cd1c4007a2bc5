import { describe, expect, it } from 'vitest';
import { isMolapError, type MolapError } from '../src/errors.js';
import { createRegistry, type Plugin } from '../src/registry.js';
import { createStrategyRegistry, type Strategy } from '../src/strategy.js';

const custom: Strategy<{ size: number }> = {
  id: 'lab/tiny',
  version: '1.0.0',
  meta: { displayName: 'Tiny', description: 'A test strategy.', schedule: 'independent' },
  defaults: { size: 1 },
  create: () => Promise.reject(new Error('not used')),
  load: () => Promise.reject(new Error('not used')),
};
const other: Strategy<{ size: number }> = { ...custom, id: 'multitask', meta: { ...custom.meta, displayName: 'M' } };

const thrown = (run: () => unknown): MolapError => {
  try {
    run();
  } catch (error) {
    return error as MolapError;
  }
  throw new Error('did not throw');
};

describe('createRegistry', () => {
  const plugin = (id: string): Plugin => ({
    id,
    version: '1.0.0',
    meta: { displayName: id, description: 'x' },
    defaults: {},
  });

  it('registers, gets and lists plugins in order', () => {
    const registry = createRegistry({ kind: 'widget', plugins: [plugin('b'), plugin('a')] });
    expect(registry.kind).toBe('widget');
    expect(registry.ids()).toEqual(['b', 'a']);
    expect(registry.get('a').id).toBe('a');
    expect(registry.has('c')).toBe(false);
    expect(registry.register(plugin('c'))).toBe(registry);
    expect(registry.list().map((p) => p.id)).toEqual(['b', 'a', 'c']);
  });

  it('throws a duplicate-id error naming the id', () => {
    const registry = createRegistry({ kind: 'widget', plugins: [plugin('a')] });
    const error = thrown(() => registry.register(plugin('a')));
    expect(isMolapError(error)).toBe(true);
    expect(error.code).toBe('duplicate-id');
    expect(error.problem).toBe("duplicate widget id 'a': one is already registered");
    expect(error.hint).toMatch(/lab\/a/);
  });

  it('lists the registered ids and suggests the closest for an unknown one', () => {
    const registry = createRegistry({ kind: 'widget', plugins: [plugin('multitask'), plugin('psp')], hint: 'try X' });
    const error = thrown(() => registry.get('mutlitask'));
    expect(error.code).toBe('unknown-id');
    expect(error.kind).toBe('bad-input');
    expect(error.problem).toBe(
      "unknown widget 'mutlitask'. Did you mean 'multitask'? Known widget ids: multitask, psp.",
    );
    expect(error.hint).toBe('register one with registry.register(…), or try X');
    expect(thrown(() => registry.get('zzzzzzzz')).problem).toBe(
      "unknown widget 'zzzzzzzz'. Known widget ids: multitask, psp.",
    );
    expect(thrown(() => createRegistry({ kind: 'widget' }).get('a')).problem).toBe(
      "unknown widget 'a'. The registry is empty.",
    );
  });

  it('rejects malformed plugins with every problem', () => {
    const registry = createRegistry<Plugin>({ kind: 'widget', validate: () => ['own problem'] });
    const error = thrown(() =>
      registry.register({ id: 'Bad Name', version: 0, meta: { displayName: '', description: 'x' }, defaults: {} }),
    );
    expect(error.code).toBe('invalid-plugin');
    expect(error.problem).toMatch(/id must be lower-kebab.*version must be a semver string.*meta.displayName/);
    const paperless = { ...plugin('lab/no-paper'), meta: { displayName: 'x', description: 'y', link: 42 } };
    expect(thrown(() => registry.register(paperless as never)).problem).toBe(
      "invalid widget 'lab/no-paper': meta.link must be a string (a URL) or left out, got 42",
    );
    expect(thrown(() => registry.register(plugin('ok'))).problem).toMatch(/own problem/);
  });
});

describe('createStrategyRegistry', () => {
  it('holds strategies by id', () => {
    const registry = createStrategyRegistry([other, custom]);
    expect(registry.ids()).toEqual(['multitask', 'lab/tiny']);
    expect(registry.get('lab/tiny')).toBe(custom);
  });

  it('checks the fields of a strategy', () => {
    const error = thrown(() =>
      createStrategyRegistry().register({
        ...custom,
        meta: { ...custom.meta, schedule: 'x' as never },
        inputs: [{ name: 'bank' } as never],
        checkOptions: 3 as never,
      }),
    );
    expect(error.problem).toMatch(
      /meta.schedule must be .*checkOptions\(options\) must be a function.*every input needs/,
    );
  });
});
