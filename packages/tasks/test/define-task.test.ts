import { describe, expect, it } from 'vitest';
import {
  checkTaskConformance,
  createRng,
  defineTask,
  FIXATION_TARGET,
  MASK_FIXATION_FACTOR,
  MASK_PRE_RESPONSE,
  MASK_RESPONSE,
  resolveTaskOptions,
  ringBump,
  YANG19_RULES,
} from '../src/index.js';

const meta = {
  displayName: 'Delayed saccade',
  description: 'Remember a cue location over a delay, then look there.',
  paper: 'test',
  link: 'https://example.org',
  tags: ['test'],
};

/** A delayed-response task in the methods-section style; `delayMs` per condition. */
const delayed = defineTask({
  id: 'lab/delayed-saccade',
  meta,
  periods: ['fixation', 'cue', 'delay', 'go'] as const,
  defaults: { rules: [...YANG19_RULES, 'lab/delayed-saccade'] },
  conditions: {
    sample: (rng) => ({ angle: rng.uniform() * 2 * Math.PI, delayMs: 200 + 200 * rng.integer(3) }),
    grid: () => [
      { angle: 0, delayMs: 200 },
      { angle: Math.PI, delayMs: 600 },
    ],
    parse: (raw) => ({ angle: Number(raw.angle), delayMs: Number(raw.delayMs) }),
  },
  trial(trial, { angle, delayMs }) {
    trial.timing({ fixation: 200, cue: 100, delay: delayMs, go: 300 });
    trial.fixateUntil('go');
    trial.show({ ring: 1, during: 'cue', angle });
    trial.respond('go', angle);
  },
});

describe('defineTask', () => {
  const options = resolveTaskOptions(delayed, { mode: 'test', noise: false });
  const batch = delayed.generate(createRng(1), options);
  const B = batch.batchSize;
  const nIn = batch.inputSize;
  const nOut = batch.outputSize;
  const x = (t: number, b: number, c: number) => batch.inputs[(t * B + b) * nIn + c];
  const y = (t: number, b: number, c: number) => batch.targets[(t * B + b) * nOut + c];
  const m = (t: number, b: number, c: number) => batch.mask[(t * B + b) * nOut + c];

  it('keeps the contract (checkTaskConformance)', () => {
    expect(checkTaskConformance(delayed)).toEqual([]);
  });

  it('lays periods end to end in steps of dt, trials of their own length, padded', () => {
    // trial 0: 10 + 5 + 10 + 15 = 40 steps; trial 1: 10 + 5 + 30 + 15 = 60.
    expect([...batch.trialSteps]).toEqual([40, 60]);
    expect(batch.steps).toBe(60);
    expect([...batch.goCue]).toEqual([25, 45]);
    expect([batch.epochs.delay.start[1], batch.epochs.delay.end[1]]).toEqual([15, 45]);
    expect([x(45, 0, 0), y(45, 0, 0), m(45, 0, 0), batch.targetAngle[45 * B]]).toEqual([0, 0, 0, -1]);
  });

  it('writes inputs, targets and mask by Yang’s conventions', () => {
    const bump = Array.from(ringBump(0, 32), Math.fround);
    const ring1 = (t: number, b: number) => Array.from({ length: 32 }, (_, i) => x(t, b, 1 + i));
    expect([ring1(10, 0), ring1(14, 0), ring1(15, 0)]).toEqual([bump, bump, Array(32).fill(0)]);
    expect([x(24, 0, 0), x(25, 0, 0)]).toEqual([1, 0]);
    expect(x(0, 0, 65 + YANG19_RULES.length)).toBe(1); // the task's own rule unit
    expect([y(24, 0, 0), y(25, 0, 0)]).toEqual([Math.fround(FIXATION_TARGET), Math.fround(0.05)]);
    expect([batch.targetAngle[24 * B], batch.targetAngle[25 * B]]).toEqual([-1, 0]);
    // mask: 0 for 100 ms (5 steps), 1 until the go cue, 0 for 100 ms, then 5; fixation column ×2
    expect([m(4, 0, 1), m(5, 0, 1), m(24, 0, 1), m(29, 0, 1), m(30, 0, 1), m(30, 0, 0)]).toEqual([
      0,
      MASK_PRE_RESPONSE,
      MASK_PRE_RESPONSE,
      0,
      MASK_RESPONSE,
      MASK_RESPONSE * MASK_FIXATION_FACTOR,
    ]);
  });

  it('is deterministic by seed and adds input noise only when asked', () => {
    const noisy = resolveTaskOptions(delayed, { batchSize: 8 });
    const a = delayed.generate(createRng(3), noisy);
    expect(delayed.generate(createRng(3), noisy).inputs).toEqual(a.inputs);
    expect(delayed.generate(createRng(4), noisy).inputs).not.toEqual(a.inputs);
  });

  it('supports no-go trials, custom profiles and stimulus noise', () => {
    const task = defineTask({
      id: 'lab/no-go',
      meta,
      periods: ['stimulus', 'decision'] as const,
      defaults: { rules: ['lab/no-go'] },
      conditions: { sample: () => ({}), grid: () => [{}], parse: () => ({}) },
      trial(trial) {
        trial.timing({ stimulus: 400, decision: 400 });
        trial.fixateUntil('decision');
        trial.show({ ring: 2, during: 'stimulus', profile: new Array(trial.ringSize).fill(0.5), noise: 0.1 });
        trial.withhold('decision');
      },
    });
    expect(checkTaskConformance(task)).toEqual([]);
    const quiet = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', noise: false }));
    expect(quiet.inputs[1 + 32]).toBe(0.5);
    expect(quiet.targetAngle.every((angle) => angle === -1)).toBe(true);
    const noisy = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', inputNoiseSigma: 0 }));
    expect(noisy.inputs[1 + 32]).not.toBe(0.5);
    expect(noisy.inputs[1]).toBe(0); // ring 1 carries no stimulus noise
  });

  it('names the task and the trial when a trial description is wrong', () => {
    const broken = defineTask({
      id: 'lab/broken',
      meta,
      periods: ['fixation', 'go'] as const,
      defaults: { rules: ['lab/broken'] },
      conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
      trial(trial) {
        trial.timing({ fixation: 0, go: 200 });
        trial.respond('go', 0);
      },
    });
    expect(() => broken.generate(createRng(1), resolveTaskOptions(broken, { mode: 'test' }))).toThrow(
      "task 'lab/broken', trial 0: the go cue (step 0) must fall inside the trial",
    );
    const twice = defineTask({
      id: 'lab/twice',
      meta,
      periods: ['fixation', 'go'] as const,
      defaults: { rules: ['lab/twice'] },
      conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
      trial(trial) {
        trial.timing({ fixation: 100, go: 200 });
        trial.respond('go', 0);
        trial.withhold('go');
      },
    });
    // A misused builder is a bug of the task's definition (a failure), not bad input; with a molap code.
    expect(() => twice.generate(createRng(1), resolveTaskOptions(twice, { mode: 'test' }))).toThrow(
      expect.objectContaining({
        code: 'task-definition',
        kind: 'failure',
        message: expect.stringMatching(/set twice/),
      }),
    );
    defineTask({
      id: 'lab/typo',
      meta,
      periods: ['fixation', 'go'] as const,
      conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
      trial(trial) {
        // @ts-expect-error a misspelt period name does not compile (`npm run typecheck` checks this file:
        // tsconfig.typetests.json; an unused directive is an error there)
        trial.timing({ fixation: 100, goo: 200 });
        // @ts-expect-error a misspelt period name does not compile
        trial.respond('goo', 0);
      },
    });
  });
});

describe('defineTask: declared timing, layout and profile functions', () => {
  /** A go/no-go task whose timing is declared and merged with a user's option, as a task factory does. */
  const goNoGo = (given: { stimulus?: number; delay?: number } = {}) =>
    defineTask({
      id: 'lab/go-no-go',
      meta,
      periods: ['fixation', 'stimulus', 'delay', 'decision'],
      timing: { defaults: { fixation: 0, stimulus: 500, delay: 500, decision: 500 }, given, optional: ['fixation'] },
      layout: { rings: [1], ringSize: 16 },
      conditions: { sample: (rng) => rng.integer(2) === 1, grid: () => [true, false], parse: (raw) => raw.go === true },
      trial(trial, go) {
        trial.timing();
        trial.fixateUntil('decision');
        trial.show({ ring: 1, during: 'stimulus', profile: (preferred) => Math.cos(preferred) });
        if (go) trial.respond('decision', 0);
        else trial.withhold('decision');
      },
    });

  it('lays out the declared durations, with the user’s over the defaults', () => {
    const task = goNoGo({ delay: 1000 });
    const batch = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', noise: false }));
    expect([...batch.goCue]).toEqual([75, 75]);
    expect([batch.epochs.delay.start[0], batch.epochs.delay.end[0], batch.steps]).toEqual([25, 75, 100]);
    expect(checkTaskConformance(task)).toEqual([]);
  });

  it('validates the user’s durations when the task is defined', () => {
    expect(() => goNoGo({ stimulus: 0 })).toThrow('Invalid option timing.stimulus: 0. Pass a duration in ms');
    expect(() => goNoGo({ delay: Number.NaN })).toThrow('Invalid option timing.delay: NaN.');
  });

  it('refuses a required period shorter than one step of dt when generating', () => {
    const task = goNoGo({ stimulus: 10 });
    expect(() => task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test' }))).toThrow(
      'Invalid option timing.stimulus: 10. The period lasts less than one time step (dt = 20 ms): pass at least 20 ms, or generate with a smaller dt.',
    );
    expect(task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', dt: 10 })).steps).toBe(101);
  });

  it('lets a trial replace a declared duration and give the undeclared ones', () => {
    const task = defineTask({
      id: 'lab/variable-delay',
      meta,
      periods: ['fixation', 'delay', 'go'],
      timing: { defaults: { fixation: 100, go: 200 } },
      conditions: { sample: () => 300, grid: () => [300], parse: () => 300 },
      trial(trial, delay) {
        trial.timing({ delay, go: 400 });
        trial.respond('go', 1);
      },
    });
    const batch = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test' }));
    expect([batch.goCue[0], batch.steps]).toEqual([20, 40]);
    defineTask({
      id: 'lab/typed-timing',
      meta,
      periods: ['fixation', 'delay', 'go'],
      // @ts-expect-error an optional period must be one of the declared ones
      timing: { defaults: { fixation: 100, go: 200 }, optional: ['fixaton'] },
      conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
      trial(trial) {
        // @ts-expect-error the undeclared period (delay) must be given
        trial.timing();
        trial.respond('go', 1);
      },
    });
  });

  it('takes the ring size of its layout as its default and shows stimuli only on its rings', () => {
    const task = goNoGo();
    expect(task.defaults).toEqual({ ringSize: 16 });
    const batch = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', noise: false }));
    expect(batch.layout.inputs.map((group) => group.size)).toEqual([1, 16, 16, 1]);
    // the profile function is called with each unit's preferred direction 2πi/16
    expect(Array.from(batch.inputs.subarray(batch.inputSize * 2 * 5 + 1, batch.inputSize * 2 * 5 + 5))).toEqual(
      [0, 1, 2, 3].map((i) => Math.fround(Math.cos((2 * Math.PI * i) / 16))),
    );
    const wrongRing = defineTask({
      id: 'lab/wrong-ring',
      meta,
      periods: ['cue', 'go'],
      layout: { rings: [1] },
      conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
      trial(trial) {
        trial.timing({ cue: 100, go: 100 });
        trial.show({ ring: 2, during: 'cue', angle: 0 });
        trial.respond('go', 0);
      },
    });
    expect(() => wrongRing.generate(createRng(1), resolveTaskOptions(wrongRing, { mode: 'test' }))).toThrow(
      "task 'lab/wrong-ring', trial 0: ring must be one of the task's rings (layout.rings: 1), got 2",
    );
  });

  it('refuses a malformed layout or timing declaration when the task is defined', () => {
    const definition = {
      id: 'lab/x',
      meta,
      periods: ['cue', 'go'],
      conditions: { sample: () => 0, grid: () => [0], parse: () => 0 },
      trial: () => {},
    } as const;
    expect(() => defineTask({ ...definition, layout: { rings: [] } })).toThrow('Invalid option layout.rings');
    expect(() => defineTask({ ...definition, layout: { rings: [3 as 1] } })).toThrow('Invalid option layout.rings');
    expect(() => defineTask({ ...definition, layout: { ringSize: 1 } })).toThrow('Invalid option layout.ringSize: 1.');
    expect(() => defineTask({ ...definition, layout: { ringSize: 16 }, defaults: { ringSize: 8 } })).toThrow(
      'defaults.ringSize is 8 (leave one of the two out)',
    );
    expect(() => defineTask({ ...definition, timing: { defaults: { cue: 100, og: 100 } as never } })).toThrow(
      'Invalid option timing.defaults.og: 100. Not a period of the task; its periods are cue, go.',
    );
  });
});
