import { createRng, resolveTaskOptions, ringBump } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { createDelayComparison } from '../src/tasks.js';
import { at, std } from './support.js';

const task = createDelayComparison();
/** neurogym's encoding over the default pairs (10–34 Hz): (1 + (f − 10)/24)/2. */
const encode = (f: number) => (1 + (f - 10) / 24) / 2;

describe('delayed comparison, test mode', () => {
  const batch = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
  const { x, angle, ring } = at(batch);

  it('has pairs × both orders and neurogym timing (decision 500 ms)', () => {
    expect([batch.steps, batch.batchSize]).toEqual([150, 10]);
    expect(
      [...batch.epochs.stimulus1.start, ...batch.epochs.stimulus2.start].every((s, i) => s === (i < 10 ? 25 : 100)),
    ).toBe(true);
    expect([...batch.goCue]).toEqual(Array(10).fill(125));
  });

  it('shows each frequency as a ring-1 bump at 0 with strength (1 + (f − fmin)/(fmax − fmin))/2', () => {
    // b = 2: pair (22, 14) as listed; b = 3: the same pair swapped.
    const bump = ringBump(0, 32);
    expect(ring(30, 2, 1)).toEqual(Array.from(bump, (v) => Math.fround(v * encode(22))));
    expect(ring(110, 2, 1)).toEqual(Array.from(bump, (v) => Math.fround(v * encode(14))));
    expect(ring(110, 3, 1)).toEqual(Array.from(bump, (v) => Math.fround(v * encode(22))));
    expect(ring(60, 2, 1)).toEqual(Array(32).fill(0));
    expect([x(124, 2, 0), x(125, 2, 0)]).toEqual([1, 0]);
  });

  it('asks for 0 when the first was higher and π when the second was', () => {
    expect([angle(124, 2), angle(125, 2), angle(125, 3)]).toEqual([-1, 0, Math.fround(Math.PI)]);
  });
});

describe('delayed comparison, random and psychometric modes', () => {
  it('draws both orders about equally often, and adds stimulus noise sigma/√dt on ring 1', () => {
    const batch = task.generate(createRng(4), resolveTaskOptions(task, { batchSize: 400 }));
    const { x, angle } = at(batch);
    const first = Array.from({ length: 400 }, (_, b) => angle(149, b)).filter((a) => a === 0).length;
    expect(first).toBeGreaterThan(160);
    expect(first).toBeLessThan(240);
    // Ring-1 unit 16 (the bump's far side, ~0 signal) during stimulus 1: stimulus noise and Yang noise.
    const samples = Array.from({ length: 400 }, (_, b) => x(40, b, 1 + 16));
    const expected = Math.sqrt(1 / 20 + 0.001);
    expect(std(samples)).toBeGreaterThan(expected * 0.9);
    expect(std(samples)).toBeLessThan(expected * 1.1);
  });

  it('takes { f1, f2 } conditions and rejects equal frequencies', () => {
    const options = resolveTaskOptions(task, { mode: 'psychometric', noise: false, conditions: [{ f1: 20, f2: 21 }] });
    const batch = task.generate(createRng(1), options);
    expect(at(batch).angle(149, 0)).toBe(Math.fround(Math.PI));
    const equal = resolveTaskOptions(task, { mode: 'psychometric', conditions: [{ f1: 20, f2: 20 }] });
    expect(() => task.generate(createRng(1), equal)).toThrow(
      'Invalid option conditions[0].f2: 20. Pass the second frequency in Hz, different from f1.',
    );
    expect(() => createDelayComparison({ pairs: [[10, 10]] })).toThrow(/Invalid option pairs/);
  });
});
