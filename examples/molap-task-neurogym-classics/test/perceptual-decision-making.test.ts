import { createRng, InvalidOptionError, resolveTaskOptions, TWO_PI } from '@molap/tasks';
import { describe, expect, it } from 'vitest';
import { createPerceptualDecisionMaking } from '../src/tasks.js';
import { at, std } from './support.js';

const task = createPerceptualDecisionMaking();
/** Alone, a task's rule block is its own rule: one unit after fixation and the two rings. */
const rule = 1 + 64;

describe('perceptual decision making, test mode', () => {
  const batch = task.generate(createRng(0), resolveTaskOptions(task, { mode: 'test', noise: false }));
  const { x, y, m, angle, ring, responseRing } = at(batch);

  it('has the grid choices × coherences and neurogym timing (decision 500 ms)', () => {
    expect([batch.steps, batch.batchSize, batch.inputSize, batch.outputSize]).toEqual([130, 10, 66, 33]);
    expect([...batch.epochs.stimulus.start]).toEqual(Array(10).fill(5));
    expect([...batch.epochs.delay.start]).toEqual(Array(10).fill(105));
    expect([...batch.epochs.delay.end]).toEqual(Array(10).fill(105));
    expect([...batch.goCue]).toEqual(Array(10).fill(105));
  });

  it('shows 0.5 + cos(pref − direction)·coh/200 on ring 1 during the stimulus only', () => {
    // b = 9: direction π, coherence 51.2.
    const expected = Array.from({ length: 32 }, (_, i) =>
      Math.fround(0.5 + Math.cos((TWO_PI * i) / 32 - Math.PI) * 0.256),
    );
    expect(ring(50, 9, 1)).toEqual(expected);
    expect(ring(4, 9, 1)).toEqual(Array(32).fill(0));
    expect(ring(105, 9, 1)).toEqual(Array(32).fill(0));
    expect(ring(50, 9, 2)).toEqual(Array(32).fill(0));
    // b = 0: direction 0, coherence 0: flat 0.5.
    expect(ring(50, 0, 1)).toEqual(Array(32).fill(0.5));
  });

  it('keeps fixation on until the decision and the rule unit on throughout', () => {
    expect([x(0, 3, 0), x(104, 3, 0), x(105, 3, 0), x(129, 3, 0)]).toEqual([1, 1, 0, 0]);
    expect([x(0, 3, rule), x(129, 3, rule), x(50, 3, rule - 1)]).toEqual([1, 1, 0]);
  });

  it('asks for the Yang fixation and ring targets, with the Yang mask', () => {
    expect([y(104, 9, 0), y(105, 9, 0)]).toEqual([Math.fround(0.8), Math.fround(0.05)]);
    const response = responseRing(110, 9);
    expect(response.indexOf(Math.max(...response))).toBe(16);
    expect(Math.max(...response)).toBeCloseTo(0.85, 6);
    expect([angle(104, 9), angle(105, 9), angle(105, 0)]).toEqual([-1, Math.fround(Math.PI), 0]);
    expect([0, 4, 5, 104, 105, 109, 110, 129].map((t) => [m(t, 2, 0), m(t, 2, 1)])).toEqual([
      [0, 0],
      [0, 0],
      [2, 1],
      [2, 1],
      [0, 0],
      [0, 0],
      [10, 5],
      [10, 5],
    ]);
  });
});

describe('perceptual decision making, random mode', () => {
  const options = resolveTaskOptions(task, { batchSize: 400 });
  const batch = task.generate(createRng(11), options);
  const { x, angle } = at(batch);

  it('draws the correct choice from {0, π}, each about half of the time', () => {
    const directions = Array.from({ length: 400 }, (_, b) => angle(129, b));
    expect([...new Set(directions)].sort()).toEqual([0, Math.fround(Math.PI)]);
    const zeros = directions.filter((direction) => direction === 0).length;
    expect(zeros).toBeGreaterThan(160);
    expect(zeros).toBeLessThan(240);
  });

  it('adds stimulus noise of std sigma/√dt on ring 1 plus the Yang input noise', () => {
    // Deviations of ring-1 unit 8 (cos term 0 for both choices: the mean is exactly 0.5) during the stimulus.
    const samples = Array.from({ length: 400 }, (_, b) => x(60, b, 1 + 8) - 0.5);
    const expected = Math.sqrt(1 / 20 + (0.01 * Math.sqrt(10)) ** 2);
    expect(std(samples)).toBeGreaterThan(expected * 0.9);
    expect(std(samples)).toBeLessThan(expected * 1.1);
    // Ring 2 only has the Yang noise.
    const ring2 = Array.from({ length: 400 }, (_, b) => x(60, b, 1 + 32 + 8));
    expect(std(ring2)).toBeCloseTo(0.0316, 2);
  });

  it('is noise free and deterministic with noise off', () => {
    const quiet = resolveTaskOptions(task, { batchSize: 4, noise: false });
    const batch = task.generate(createRng(5), quiet);
    expect(new Set(Array.from(batch.inputs.subarray(0, 4 * 66 * 5)))).toEqual(new Set([0, 1]));
  });
});

describe('perceptual decision making, psychometric mode and options', () => {
  it('builds the caller conditions', () => {
    const options = resolveTaskOptions(task, {
      mode: 'psychometric',
      conditions: [
        { direction: 1, coherence: 20 },
        { direction: -1, coherence: 0 },
      ],
      noise: false,
    });
    const batch = task.generate(createRng(1), options);
    const { ring, angle } = at(batch);
    expect(batch.batchSize).toBe(2);
    expect(ring(50, 0, 1)[0]).toBeCloseTo(0.5 + Math.cos(-1) * 0.1, 6);
    expect(angle(129, 1)).toBeCloseTo(TWO_PI - 1, 6);
  });

  it('names the bad condition field', () => {
    const options = resolveTaskOptions(task, { mode: 'psychometric', conditions: [{ direction: 0 }] });
    expect(() => task.generate(createRng(1), options)).toThrow(
      'Invalid option conditions[0].coherence: undefined. Pass the coherence in percent, in [0, 100].',
    );
  });

  it('validates its own options when created', () => {
    expect(() => createPerceptualDecisionMaking({ choices: 1 })).toThrow(InvalidOptionError);
    expect(() => createPerceptualDecisionMaking({ coherences: [] })).toThrow(/Invalid option coherences/);
    expect(() => createPerceptualDecisionMaking({ timing: { stimulus: 0 } })).toThrow(
      /Invalid option timing\.stimulus: 0/,
    );
  });

  it('follows timing, choices and coherences options', () => {
    const custom = createPerceptualDecisionMaking({
      choices: 4,
      coherences: [50],
      timing: { delay: 200, decision: 300 },
    });
    const batch = custom.generate(createRng(1), resolveTaskOptions(custom, { mode: 'test', noise: false }));
    expect([batch.steps, batch.batchSize]).toEqual([5 + 100 + 10 + 15, 4]);
    expect([...batch.goCue]).toEqual([115, 115, 115, 115]);
    expect(Array.from({ length: 4 }, (_, b) => at(batch).angle(120, b))).toEqual(
      [0, 1, 2, 3].map((k) => Math.fround((TWO_PI * k) / 4)),
    );
  });
});
