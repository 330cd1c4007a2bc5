import { createRng, performance, resolveTaskOptions, ringBump, YANG19_SCORE } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { createReadySetGo } from '../src/tasks.js';
import { at } from './support.js';

const task = createReadySetGo();

describe('ready-set-go, test mode', () => {
  const batch = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
  const { x, angle, ring } = at(batch);

  it('has 8 intervals × 2 directions, each trial as long as its interval needs', () => {
    expect(batch.batchSize).toBe(16);
    // interval k: 800 + 87.5·k ms floored to 20 ms; length = fixation 5 + m + set 4 + 2m.
    const measured = [40, 44, 48, 53, 57, 61, 66, 70];
    expect([...batch.trialSteps]).toEqual(measured.flatMap((m) => [9 + 3 * m, 9 + 3 * m]));
    expect([...batch.goCue]).toEqual(measured.flatMap((m) => [9 + 2 * m, 9 + 2 * m]));
    expect(batch.steps).toBe(9 + 3 * 70);
  });

  it('places ready and set one interval apart (onset to onset), as neurogym', () => {
    const { ready, set, production, response } = batch.epochs;
    for (let b = 0; b < 16; b++) {
      const m = [40, 44, 48, 53, 57, 61, 66, 70][b >> 1];
      expect([ready.start[b], ready.end[b], set.start[b] - ready.start[b], set.end[b] - set.start[b]]).toEqual([
        5,
        9,
        m,
        4,
      ]);
      expect(response.start[b] - production.start[b]).toBe(m);
      expect(response.end[b] - response.start[b]).toBe(m);
    }
  });

  it('flashes ready on ring 1 and set on ring 2 at the response direction; fixation off after set', () => {
    const bump = Array.from(ringBump(Math.PI, 32), Math.fround);
    expect([ring(5, 1, 1), ring(8, 1, 1), ring(9, 1, 1)]).toEqual([bump, bump, Array(32).fill(0)]);
    expect([ring(45, 1, 2), ring(48, 1, 2), ring(49, 1, 2)]).toEqual([bump, bump, Array(32).fill(0)]);
    expect([x(48, 1, 0), x(49, 1, 0)]).toEqual([1, 0]);
    expect([angle(88, 1), angle(89, 1), angle(128, 1)]).toEqual([-1, Math.fround(Math.PI), Math.fround(Math.PI)]);
    expect([angle(129, 1), x(129, 1, 0)]).toEqual([-1, 0]);
  });
});

describe('ready-set-go, random mode and options', () => {
  it('draws intervals uniformly in [800, 1500) ms floored to dt', () => {
    const batch = task.generate(createRng(2), resolveTaskOptions(task, { batchSize: 300, noise: false }));
    const measured = Array.from(batch.epochs.set.start, (start, b) => start - batch.epochs.ready.start[b]);
    expect(Math.min(...measured)).toBe(40);
    expect(Math.max(...measured)).toBe(74);
    const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
    expect(mean).toBeGreaterThan(55.5);
    expect(mean).toBeLessThan(58.5);
  });

  it('scales the produced interval by the gain', () => {
    const slow = createReadySetGo({ gain: 1.5 });
    const options = resolveTaskOptions(slow, { mode: 'psychometric', conditions: [{ measure: 1000, direction: 0 }] });
    const batch = slow.generate(createRng(1), options);
    expect([batch.goCue[0] - batch.epochs.production.start[0], batch.trialSteps[0]]).toEqual([75, 5 + 50 + 4 + 150]);
  });

  it('rejects impossible intervals', () => {
    expect(() => createReadySetGo({ measureRange: [50, 100] })).toThrow(
      'Invalid option measureRange: an array of length 2. Pass [low, high] in ms with 83 (the ready flash) < low < high',
    );
    const options = resolveTaskOptions(task, { mode: 'psychometric', conditions: [{ measure: 20, direction: 0 }] });
    expect(() => task.generate(createRng(1), options)).toThrow(
      'Invalid option conditions[0].measure: 20. Pass the interval in ms, > 83',
    );
  });
});

describe('ready-set-go, scored on timing', () => {
  const batch = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
  const B = batch.batchSize;
  const nOut = batch.outputSize;
  /** Hand-made outputs: the targets, with the fixation output dropped `earlyMs` before each trial's go cue. */
  const answering = (earlyMs: number) => {
    const outputs = Float32Array.from(batch.targets);
    const early = earlyMs / batch.dt;
    for (let b = 0; b < B; b++) {
      const go = batch.goCue[b];
      for (let t = go - early; t < go; t++) {
        outputs[(t * B + b) * nOut] = 0.05;
        for (let i = 1; i < nOut; i++) outputs[(t * B + b) * nOut + i] = batch.targets[(go * B + b) * nOut + i];
      }
    }
    return outputs;
  };

  it('passes a network that answers on time, and fails one that answers 300 ms early', () => {
    expect(task.score?.id).toBe('response-timing');
    expect(performance(answering(0), batch)).toMatchObject({ mean: 1, score: 'response-timing' });
    expect(performance(answering(300), batch).mean).toBe(0);
  });

  it('where Yang’s last-step criterion would pass the early answer', () => {
    expect(performance(answering(300), { ...batch, score: YANG19_SCORE }).mean).toBe(1);
  });
});
