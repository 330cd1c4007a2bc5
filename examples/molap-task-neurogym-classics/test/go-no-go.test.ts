import { createRng, resolveTaskOptions, ringBump } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { createGoNoGo } from '../src/tasks.js';
import { at } from './support.js';

const task = createGoNoGo();

describe('go/no-go', () => {
  const batch = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
  const { x, y, m, angle, ring } = at(batch);

  it('has neurogym timing: stimulus 500, delay 500, decision 500 ms (no fixation period)', () => {
    expect([batch.steps, batch.batchSize]).toEqual([75, 2]);
    expect([...batch.epochs.fixation.start, ...batch.epochs.fixation.end]).toEqual([0, 0, 0, 0]);
    expect([...batch.epochs.decision.start]).toEqual([50, 50]);
    expect([...batch.goCue]).toEqual([50, 50]);
  });

  it('shows the go cue at 0 and the no-go cue at π on ring 1 during the stimulus', () => {
    expect(ring(10, 0, 1)).toEqual(Array.from(ringBump(0, 32), Math.fround));
    expect(ring(10, 1, 1)).toEqual(Array.from(ringBump(Math.PI, 32), Math.fround));
    expect(ring(25, 0, 1)).toEqual(Array(32).fill(0));
    expect([x(49, 0, 0), x(50, 0, 0)]).toEqual([1, 0]);
  });

  it('asks for a response at 0 on go trials and fixation throughout on no-go trials, with one mask', () => {
    expect([angle(49, 0), angle(50, 0), angle(74, 0)]).toEqual([-1, 0, 0]);
    expect([y(60, 0, 0), y(60, 0, 1)]).toEqual([Math.fround(0.05), Math.fround(0.85)]);
    expect(Array.from({ length: 75 }, (_, t) => angle(t, 1))).toEqual(Array(75).fill(-1));
    expect(Array.from({ length: 75 }, (_, t) => y(t, 1, 0))).toEqual(Array(75).fill(Math.fround(0.8)));
    expect(Array.from({ length: 75 }, (_, t) => m(t, 0, 1))).toEqual(Array.from({ length: 75 }, (_, t) => m(t, 1, 1)));
  });

  it('draws go and no-go trials with probability 1/2', () => {
    const random = task.generate(createRng(3), resolveTaskOptions(task, { batchSize: 1000 }));
    const go = Array.from({ length: 1000 }, (_, b) => at(random).angle(74, b)).filter((a) => a === 0).length;
    expect(go).toBeGreaterThan(440);
    expect(go).toBeLessThan(560);
  });

  it('takes go:true/false conditions and other cue directions', () => {
    const custom = createGoNoGo({ goDirection: Math.PI / 2, noGoDirection: 3 * (Math.PI / 2) });
    const options = resolveTaskOptions(custom, { mode: 'psychometric', conditions: [{ go: false }, { go: true }] });
    const batch = custom.generate(createRng(1), options);
    expect([at(batch).angle(74, 0), at(batch).angle(74, 1)]).toEqual([-1, Math.fround(Math.PI / 2)]);
    const bad = resolveTaskOptions(custom, { mode: 'psychometric', conditions: [{ go: 'yes' }] });
    expect(() => custom.generate(createRng(1), bad)).toThrow('Invalid option conditions[0].go: "yes". Pass go: true');
    expect(() => createGoNoGo({ goDirection: Number.NaN })).toThrow('Invalid option goDirection: NaN');
  });
});
