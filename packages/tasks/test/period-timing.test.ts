/** Declared period timing: defaults merged with the user's durations, validated once. */
import { describe, expect, it } from 'vitest';
import { resolveTiming } from '../src/index.js';

const defaults = { fixation: 0, stimulus: 500, delay: 500, decision: 500 };

describe('resolveTiming', () => {
  it('merges the given durations over the defaults, field by field', () => {
    const timing = resolveTiming({ defaults, given: { delay: 1000, stimulus: undefined }, optional: ['fixation'] });
    expect(timing).toEqual({ fixation: 0, stimulus: 500, delay: 1000, decision: 500 });
    expect(Object.isFrozen(timing)).toBe(true);
    expect(resolveTiming({ defaults, optional: ['fixation'] })).toEqual(defaults);
  });

  it('lets only optional periods last 0 ms', () => {
    expect(() => resolveTiming({ defaults, given: { delay: 0 }, optional: ['fixation'] })).toThrow(
      'Invalid option timing.delay: 0. Pass a duration in ms, a finite number >= 1.',
    );
    expect(resolveTiming({ defaults, given: { delay: 0 }, optional: ['fixation', 'delay'] }).delay).toBe(0);
    expect(() => resolveTiming({ defaults })).toThrow('Invalid option timing.fixation: 0.');
  });

  it('refuses negative or non-finite durations, unknown periods and a non-object', () => {
    expect(() => resolveTiming({ defaults, given: { stimulus: -5 }, optional: ['fixation'] })).toThrow(
      'Invalid option timing.stimulus: -5.',
    );
    expect(() => resolveTiming({ defaults, given: { stimulus: Number.NaN }, optional: ['fixation'] })).toThrow(
      'Invalid option timing.stimulus: NaN.',
    );
    expect(() =>
      resolveTiming({ defaults, given: { stimulis: 300 } as never, optional: ['fixation'] }, 'options.timing'),
    ).toThrow(
      "Invalid option options.timing.stimulis: 300. Unknown period (did you mean 'stimulus'?); the periods with a duration option are fixation, stimulus, delay, decision.",
    );
    expect(() => resolveTiming({ defaults, given: 500 as never })).toThrow('Invalid option timing: 500.');
  });
});
