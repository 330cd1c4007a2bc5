/** The run's clock: progress and ETAs from stage costs, with stages one after the other or several at once. */
import { describe, expect, it } from 'vitest';
import { RunClock, type StageCost } from '../src/eta.js';

const costs = (entries: [string, number][]) =>
  new Map<string, StageCost>(entries.map(([key, cost]) => [key, { cost, trials: 100 }]));

/** Stages a, b and c of costs 10, 10 and 20 on the clock `now` (ms). */
const threeStages = (now: () => number) =>
  new RunClock(
    costs([
      ['a', 10],
      ['b', 10],
      ['c', 20],
    ]),
    now,
  );

describe('RunClock', () => {
  it('measures the rate against the wall clock, so two stages at once finish the run twice as fast', () => {
    let now = 0;
    const one = threeStages(() => now);
    one.start('a');
    now = 10_000;
    one.end('a', false);
    one.start('b');
    now = 15_000;
    one.trials('b', 50);
    // 15 units of work in 15 s: the remaining 25 take 25 s
    expect(one.progress()).toBeCloseTo(15 / 40);
    expect(one.runEta()).toBeCloseTo(25);
    expect(one.stageEta()).toBeCloseTo(5);

    now = 0;
    const two = threeStages(() => now);
    two.start('a');
    two.start('b');
    now = 10_000;
    two.fraction('a', 1);
    two.trials('b', 100);
    // both stages done in 10 s of wall clock: 20 units in 10 s, the remaining 20 take 10 s
    expect(two.progress()).toBeCloseTo(0.5);
    expect(two.runEta()).toBeCloseTo(10);
    expect(two.stageEta('a')).toBeCloseTo(0);
    two.end('a', false);
    two.end('b', false);
    two.end('b', false); // counted once
    expect(two.progress()).toBeCloseTo(0.5);
    expect(two.stages).toEqual({ index: 3, count: 3 });
  });

  it('counts resumed stages as done but not as this session’s work', () => {
    let now = 0;
    const clock = new RunClock(
      costs([
        ['a', 30],
        ['b', 10],
      ]),
      () => now,
    );
    clock.end('a', true);
    expect(clock.progress()).toBeCloseTo(0.75);
    expect(clock.runEta()).toBeUndefined();
    clock.start('b');
    now = 4_000;
    clock.fraction('b', 0.5);
    expect(clock.runEta()).toBeCloseTo(4);
  });
});
