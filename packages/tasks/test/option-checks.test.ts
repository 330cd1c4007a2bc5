/** The option checkers of task factories: each returns a usable value and names the option and the fix otherwise. */
import { describe, expect, it } from 'vitest';
import {
  angleOption,
  durationOption,
  InvalidOptionError,
  listOption,
  numberListOption,
  numberOption,
  probabilityOption,
} from '../src/index.js';

describe('numberOption', () => {
  it('returns a number within the bounds', () => {
    expect(numberOption('sigma', 0, { min: 0 })).toBe(0);
    expect(numberOption('choices', 4, { integer: true, min: 2, max: 8 })).toBe(4);
    expect(numberOption('gain', 0.5, { above: 0 })).toBe(0.5);
  });

  it('says what the number must be, with the meaning and an example', () => {
    expect(() => numberOption('sigma', -1, { min: 0, what: 'the stimulus noise', example: 1 })).toThrow(
      'Invalid option sigma: -1. Pass the stimulus noise, a finite number >= 0, e.g. 1.',
    );
    expect(() => numberOption('choices', 2.5, { integer: true, min: 2 })).toThrow(
      'Invalid option choices: 2.5. Pass an integer >= 2.',
    );
    expect(() => numberOption('gain', 0, { above: 0 })).toThrow('Pass a finite number > 0.');
    expect(() => numberOption('x', 11, { min: 0, max: 10 })).toThrow('Pass a finite number in [0, 10].');
    expect(() => numberOption('x', 11, { max: 10 })).toThrow('Pass a finite number <= 10.');
  });

  it('refuses what is not a finite number', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '1', undefined, null]) {
      expect(() => numberOption('x', bad)).toThrow(InvalidOptionError);
    }
  });
});

describe('probabilityOption, durationOption, angleOption', () => {
  it('checks a probability in [0, 1]', () => {
    expect(probabilityOption('pGo', 0.25)).toBe(0.25);
    expect(() => probabilityOption('pGo', 1.5)).toThrow(
      'Invalid option pGo: 1.5. Pass a probability, a finite number in [0, 1], e.g. 0.5.',
    );
  });

  it('checks a duration in ms against its minimum', () => {
    expect(durationOption('timing.delay', 0)).toBe(0);
    expect(() => durationOption('timing.stimulus', 0, 1)).toThrow(
      'Invalid option timing.stimulus: 0. Pass a duration in ms, a finite number >= 1.',
    );
  });

  it('wraps an angle to [0, 2π) and refuses a non-finite one', () => {
    expect(angleOption('goDirection', -Math.PI / 2)).toBeCloseTo((3 * Math.PI) / 2, 12);
    expect(angleOption('goDirection', Math.PI)).toBe(Math.PI);
    expect(() => angleOption('goDirection', Number.NaN)).toThrow(
      'Invalid option goDirection: NaN. Pass a direction in radians (a finite number), e.g. Math.PI.',
    );
  });
});

describe('listOption, numberListOption', () => {
  it('returns a non-empty list whose items pass', () => {
    const pairs: readonly (readonly [number, number])[] = [[1, 2]];
    expect(listOption('pairs', pairs, (pair) => pair[0] !== pair[1], 'pairs')).toBe(pairs);
    expect(numberListOption('coherences', [0, 51.2], { min: 0, max: 100 })).toEqual([0, 51.2]);
  });

  it('refuses an empty list, a non-list and a bad item', () => {
    expect(() => numberListOption('coherences', [], { min: 0, max: 100, what: 'coherences in percent' })).toThrow(
      'Invalid option coherences: an array of length 0. Pass a non-empty array of coherences in percent, each a finite number in [0, 100].',
    );
    expect(() => numberListOption('coherences', [5, 120], { min: 0, max: 100 })).toThrow(
      'Pass a non-empty array of numbers, each a finite number in [0, 100].',
    );
    expect(() => listOption('pairs', 3 as never, () => true, 'pairs')).toThrow('Invalid option pairs: 3.');
  });
});
