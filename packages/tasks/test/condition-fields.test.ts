/** Condition parsing from a field description, and deterministic condition grids. */
import { describe, expect, it } from 'vitest';
import {
  angleField,
  booleanField,
  conditionFields,
  conditionGrid,
  numberField,
  ringDirections,
  TWO_PI,
} from '../src/index.js';

describe('conditionFields', () => {
  const parse = conditionFields({
    direction: angleField('the correct direction'),
    coherence: numberField('the coherence in percent', { min: 0, max: 100 }),
    go: booleanField('respond', 'keep fixating'),
  });

  it('reads the fields in order, wraps angles and drops other keys', () => {
    expect(parse({ direction: -1, coherence: 12.8, go: true, note: 'x' }, 0)).toEqual({
      direction: TWO_PI - 1,
      coherence: 12.8,
      go: true,
    });
  });

  it('names the bad field of the bad condition and the fix', () => {
    expect(() => parse({ direction: 0, coherence: 120, go: true }, 3)).toThrow(
      'Invalid option conditions[3].coherence: 120. Pass the coherence in percent, in [0, 100].',
    );
    expect(() => parse({ direction: 'up', coherence: 1, go: true }, 0)).toThrow(
      'Invalid option conditions[0].direction: "up". Pass the correct direction in radians.',
    );
    expect(() => parse({ direction: 0, coherence: 1, go: 'yes' }, 1)).toThrow(
      'Invalid option conditions[1].go: "yes". Pass go: true (respond) or go: false (keep fixating).',
    );
    expect(() => parse({ direction: 0, go: true }, 0)).toThrow('conditions[0].coherence: undefined.');
  });

  it('checks a field against the fields before it', () => {
    const pair = conditionFields({
      f1: numberField('the first frequency in Hz'),
      f2: numberField('the second frequency in Hz', {
        where: { test: (f2, { f1 }) => f2 !== f1, says: 'different from f1' },
      }),
    });
    expect(pair({ f1: 10, f2: 20 }, 0)).toEqual({ f1: 10, f2: 20 });
    expect(() => pair({ f1: 10, f2: 10 }, 0)).toThrow(
      'Invalid option conditions[0].f2: 10. Pass the second frequency in Hz, different from f1.',
    );
    expect(() => pair({ f1: Number.NaN, f2: 10 }, 0)).toThrow('Pass the first frequency in Hz (a finite number).');
  });

  it('words exclusive bounds and integers, or takes its own words', () => {
    const parse = conditionFields({
      measure: numberField('the interval in ms', { above: 83, says: '> 83 (the ready flash)' }),
      count: numberField('the count', { integer: true, min: 1 }),
    });
    expect(() => parse({ measure: 80, count: 1 }, 0)).toThrow('Pass the interval in ms, > 83 (the ready flash).');
    expect(() => parse({ measure: 90, count: 1.5 }, 0)).toThrow('Pass the count, >= 1, an integer.');
  });
});

describe('conditionGrid, ringDirections', () => {
  it('lists every combination, the first field slowest', () => {
    expect(conditionGrid({ delayMs: [200, 400], angle: [0, 1] })).toEqual([
      { delayMs: 200, angle: 0 },
      { delayMs: 200, angle: 1 },
      { delayMs: 400, angle: 0 },
      { delayMs: 400, angle: 1 },
    ]);
    expect(conditionGrid({ a: [1], b: [] })).toEqual([]);
  });

  it('spaces directions evenly from 0', () => {
    expect(ringDirections(2)).toEqual([0, Math.PI]);
    expect(ringDirections(4)).toEqual([0, Math.PI / 2, Math.PI, (3 * Math.PI) / 2]);
  });
});
