import { describe, expect, it } from 'vitest';
import { isMolapError } from '../src/errors.js';
import { defineOptions, OPTION_KINDS, option } from '../src/options.js';

const { positiveInteger, oneOf, nullOr, nonNegativeNumber } = OPTION_KINDS;
const WIDGET = defineOptions(
  'widget option',
  {
    size: option(positiveInteger, 4, 'units'),
    shape: option(oneOf(['round', 'square']), 'round', 'the shape'),
    noise: option(nullOr(nonNegativeNumber), null as number | null, 'σ; null keeps the default'),
  },
  (options) => (options.shape === 'square' && options.size === 1 ? 'a square needs size > 1' : undefined),
);

const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as Error & { code: string; hint?: string };
  }
  throw new Error('did not throw');
};

describe('defineOptions', () => {
  it('gives the defaults and resolves given values over them (or over a base), frozen', () => {
    expect(WIDGET.defaults).toEqual({ size: 4, shape: 'round', noise: null });
    expect(WIDGET.keys).toEqual(['size', 'shape', 'noise']);
    const resolved = WIDGET.resolve({ size: 8, noise: undefined });
    expect(resolved).toEqual({ size: 8, shape: 'round', noise: null });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(WIDGET.resolve({ noise: 0.5 }, { size: 2 })).toEqual({ size: 2, shape: 'round', noise: 0.5 });
  });

  it('names an unknown option with the closest, and a bad value with what it must be', () => {
    const unknown = thrown(() => WIDGET.resolve({ sise: 3 } as never));
    expect(isMolapError(unknown)).toBe(true);
    expect(unknown.code).toBe('invalid-option');
    expect(unknown.message).toMatch(
      /^unknown widget option 'sise'. Did you mean 'size'\?\n {2}hint: the options are size, shape, noise$/,
    );
    expect(thrown(() => WIDGET.resolve({ size: 0 })).message).toMatch(
      /^widget option size must be a positive integer, got 0/,
    );
    expect(thrown(() => WIDGET.resolve({ shape: 'oval' as never })).message).toMatch(
      /^widget option shape must be one of 'round', 'square', got "oval"/,
    );
    expect(thrown(() => WIDGET.resolve({ noise: -1 })).message).toMatch(/must be null or a finite number >= 0, got -1/);
    expect(thrown(() => WIDGET.resolve({ shape: 'square', size: 1 })).message).toBe(
      'widget options: a square needs size > 1',
    );
    expect(thrown(() => WIDGET.resolve(3 as never)).message).toMatch(/widget options must be given as an object/);
  });

  it('gives the config fragment (strict, every key optional, described with its default) and the help', () => {
    expect(WIDGET.schema.safeParse({}).success).toBe(true);
    expect(WIDGET.schema.safeParse({ size: 3, shape: 'square' }).success).toBe(true);
    expect(WIDGET.schema.safeParse({ size: 0 }).success).toBe(false);
    expect(WIDGET.schema.safeParse({ other: 1 }).success).toBe(false);
    expect(WIDGET.schema.shape.size.description).toBe('units (default 4)');
    expect(WIDGET.help()).toEqual([
      'size  units (default 4)',
      'shape  the shape (default "round")',
      'noise  σ; null keeps the default (default null)',
    ]);
  });

  it('refuses a default that breaks its own rule', () => {
    expect(() => defineOptions('x', { n: option(positiveInteger, 0, 'n') })).toThrow(
      /x n: the default 0 is not a positive integer/,
    );
  });
});
