import { describe, expect, it } from 'vitest';
import {
  type Batch,
  circularDistance,
  createRng,
  populationVector,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  TWO_PI,
  YANG19_LINK,
  YANG19_RULES,
  YANG19_TASKS,
  yang19,
} from '../src/index.js';
import { angleAt, input, inputRow, inputSum, maskAt, sameBits, target, targetRingSum } from './batch-helpers.js';

const BUMP_SUM = 4.010605;
const RING = 32;
const RING1 = 1;
const RING2 = 33;
const RULE = 65;

const DISPLAY_NAMES: Record<string, string> = {
  fdgo: 'Go',
  reactgo: 'RT Go',
  delaygo: 'Dly Go',
  fdanti: 'Anti',
  reactanti: 'RT Anti',
  delayanti: 'Dly Anti',
  dm1: 'DM 1',
  dm2: 'DM 2',
  contextdm1: 'Ctx DM 1',
  contextdm2: 'Ctx DM 2',
  multidm: 'MultSen DM',
  delaydm1: 'Dly DM 1',
  delaydm2: 'Dly DM 2',
  contextdelaydm1: 'Ctx Dly DM 1',
  contextdelaydm2: 'Ctx Dly DM 2',
  multidelaydm: 'MultSen Dly DM',
  dmsgo: 'DMS',
  dmsnogo: 'DNMS',
  dmcgo: 'DMC',
  dmcnogo: 'DNMC',
};

/** Tasks whose fixation input stays on for the whole trial. */
const FIXATION_THROUGHOUT = new Set(['reactgo', 'reactanti', 'dmsgo', 'dmsnogo', 'dmcgo', 'dmcnogo']);

function generate(task: Task, seed: number, options: Partial<TaskOptions> = {}): Batch {
  return task.generate(createRng(seed), resolveTaskOptions(task, options));
}

describe('the yang19 collection', () => {
  it('has the 20 tasks in reference rule order with metadata', () => {
    expect(yang19.map((task) => task.id)).toEqual([...YANG19_RULES]);
    for (const task of yang19) {
      expect(task.meta.displayName).toBe(DISPLAY_NAMES[task.id]);
      expect(task.meta.paper).toMatch('Yang et al. 2019, Nature Neuroscience');
      expect(task.meta.link).toBe(YANG19_LINK);
      expect(task.meta.tags).toContain('yang19');
      expect(task.periods[0]).toBe('fix1');
      expect(task.periods.at(-1)).toBe('go1');
      expect(YANG19_TASKS[task.id as keyof typeof YANG19_TASKS]).toBe(task);
      expect(Object.isFrozen(task)).toBe(true);
    }
    expect(YANG19_TASKS.fdanti.meta.tags).toContain('anti');
    expect(YANG19_TASKS.contextdm1.meta.tags).toContain('context');
    expect(YANG19_TASKS.multidelaydm.meta.tags).toEqual(
      expect.arrayContaining(['multisensory', 'delay', 'decision-making']),
    );
    expect(YANG19_TASKS.dmcnogo.meta.tags).toEqual(expect.arrayContaining(['matching', 'category']));
    expect(YANG19_TASKS.delaydm1.periods).toEqual(['fix1', 'stim1', 'delay1', 'stim2', 'delay2', 'go1']);
    expect(YANG19_TASKS.reactgo.periods).toEqual(['fix1', 'go1']);
  });

  it('lays out 85 inputs and 33 outputs at the defaults, and follows ringSize and rules', () => {
    const task = YANG19_TASKS.fdgo;
    const layout = task.layout(resolveTaskOptions(task));
    expect([layout.inputSize, layout.outputSize]).toEqual([85, 33]);
    expect(layout.inputs.map((g) => [g.name, g.role, g.start, g.size])).toEqual([
      ['fixation', 'fixation', 0, 1],
      ['ring1', 'sensory', 1, 32],
      ['ring2', 'sensory', 33, 32],
      ['rule', 'rule', 65, 20],
    ]);
    const small = task.layout(resolveTaskOptions(task, { ringSize: 16, rules: ['fdgo', 'dm1'] }));
    expect([small.inputSize, small.outputSize]).toEqual([1 + 32 + 2, 17]);
  });
});

describe.each(yang19.map((task) => [task.id, task] as const))('%s (random mode, noise off)', (id, task) => {
  const batch = generate(task, 1, { noise: false });
  const { steps: T, batchSize: B } = batch;
  const ruleUnit = RULE + YANG19_RULES.indexOf(id as (typeof YANG19_RULES)[number]);

  it('has one length and one epoch timing per batch, epochs tiling [0, T) in period order', () => {
    expect(B).toBe(64);
    expect(batch.inputs).toHaveLength(T * B * 85);
    expect(batch.targets).toHaveLength(T * B * 33);
    expect(new Set(batch.trialSteps)).toEqual(new Set([T]));
    for (let b = 0; b < B; b++) {
      let cursor = 0;
      for (const period of task.periods) {
        const epoch = batch.epochs[period];
        expect(epoch.start[b]).toBe(epoch.start[0]);
        expect(epoch.start[b]).toBe(cursor);
        expect(epoch.end[b]).toBeGreaterThanOrEqual(epoch.start[b]);
        cursor = epoch.end[b];
      }
      expect(cursor).toBe(T);
      expect(batch.epochs.go1.start[b]).toBe(batch.goCue[b]);
    }
  });

  it('drives the fixation input and the rule unit as the reference', () => {
    const wrong: string[] = [];
    for (let b = 0; b < B; b++) {
      const go = batch.goCue[b];
      for (let t = 0; t < T; t++) {
        const expected = FIXATION_THROUGHOUT.has(id) || t < go ? 1 : 0;
        if (input(batch, t, b, 0) !== expected) wrong.push(`fixation input (${t}, ${b})`);
        if (inputSum(batch, t, b, RULE, 20) !== 1 || input(batch, t, b, ruleUnit) !== 1)
          wrong.push(`rule (${t}, ${b})`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('sets fixation target 0.8 until the go cue, ring target 0.05 + bump after, and the cost mask', () => {
    const wrong: string[] = [];
    const off = (a: number, b: number, tolerance: number) => Math.abs(a - b) > tolerance;
    for (let b = 0; b < B; b++) {
      const go = batch.goCue[b];
      const responds = angleAt(batch, T - 1, b) >= 0;
      for (let t = 0; t < T; t++) {
        const responding = responds && t >= go;
        if (off(target(batch, t, b, 0), responding ? 0.05 : 0.8, 1e-7)) wrong.push(`fixation target (${t}, ${b})`);
        if (off(targetRingSum(batch, t, b), responding ? 1.6 + BUMP_SUM : 1.6, 1e-5))
          wrong.push(`ring target (${t}, ${b})`);
        if (angleAt(batch, t, b) >= 0 !== responding) wrong.push(`target angle (${t}, ${b})`);
        const weight = t < 5 ? 0 : t < go ? 1 : t < go + 5 ? 0 : 5;
        if (maskAt(batch, t, b, 0) !== 2 * weight || maskAt(batch, t, b, 17) !== weight)
          wrong.push(`mask (${t}, ${b})`);
      }
      if (responds) {
        const decoded = populationVector(batch.targets, ((T - 1) * B + b) * 33 + 1, RING);
        if (circularDistance(decoded, angleAt(batch, T - 1, b)) > 1e-5) wrong.push(`decoded target ${b}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('is deterministic in the seed', () => {
    const again = generate(task, 1, { noise: false });
    expect(sameBits(again.inputs, batch.inputs)).toBe(true);
    expect(sameBits(again.targetAngle, batch.targetAngle)).toBe(true);
    const noisy = generate(task, 2);
    expect(sameBits(generate(task, 2).inputs, noisy.inputs)).toBe(true);
    expect(sameBits(generate(task, 3).inputs, noisy.inputs)).toBe(false);
  });
});

/** Direction and total strength of the bump(s) on a ring input row (population vector; sum / bump sum). */
function ringStimulus(batch: Batch, t: number, b: number, start: number): { angle: number; strength: number } {
  const row = inputRow(batch, t, b, start, RING);
  return { angle: populationVector(row, 0, RING), strength: row.reduce((a, v) => a + v, 0) / BUMP_SUM };
}

describe('go family fidelity', () => {
  it.each(['fdgo', 'reactgo', 'delaygo', 'fdanti', 'reactanti', 'delayanti'] as const)(
    '%s responds at ψ (go) or ψ + π (anti), on the right ring',
    (id) => {
      const anti = id.endsWith('anti');
      for (let seed = 0; seed < 6; seed++) {
        const batch = generate(YANG19_TASKS[id], seed, { noise: false });
        const B = batch.batchSize;
        const stim = batch.epochs[id.startsWith('react') ? 'go1' : 'stim1'].start[0];
        const rings = [inputSum(batch, stim, 0, RING1, RING), inputSum(batch, stim, 0, RING2, RING)];
        const ring = rings[0] > 0 ? RING1 : RING2;
        expect(rings.filter((sum) => sum > 0)).toHaveLength(1);
        for (let b = 0; b < B; b++) {
          const { angle, strength } = ringStimulus(batch, stim, b, ring);
          expect(strength).toBeCloseTo(1, 5);
          const response = angleAt(batch, batch.steps - 1, b);
          expect(circularDistance(response, anti ? angle + Math.PI : angle)).toBeLessThan(1e-5);
          expect(inputSum(batch, stim - 1, b, 1, 64)).toBe(0);
        }
      }
    },
  );

  it('fdgo keeps the stimulus on to the end; delaygo removes it for the delay; reactgo cues at stimulus onset', () => {
    const fd = generate(YANG19_TASKS.fdgo, 4, { noise: false });
    expect(inputSum(fd, fd.steps - 1, 0, 1, 64)).toBeCloseTo(BUMP_SUM, 5);
    const delay = generate(YANG19_TASKS.delaygo, 4, { noise: false });
    const delay1 = delay.epochs.delay1;
    expect(inputSum(delay, delay1.start[0], 0, 1, 64)).toBe(0);
    expect(inputSum(delay, delay.steps - 1, 0, 1, 64)).toBe(0);
    expect(inputSum(delay, delay1.start[0] - 1, 0, 1, 64)).toBeCloseTo(BUMP_SUM, 5);
    const react = generate(YANG19_TASKS.reactgo, 4, { noise: false });
    const go = react.goCue[0];
    expect(inputSum(react, go, 0, 1, 64)).toBeCloseTo(BUMP_SUM, 5);
    expect(inputSum(react, go - 1, 0, 1, 64)).toBe(0);
    expect(input(react, react.steps - 1, 0, 0)).toBe(1);
  });

  it('draws the ring per batch: both rings over many batches', () => {
    const used = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const batch = generate(YANG19_TASKS.fdgo, seed, { noise: false, batchSize: 2 });
      used.add(inputSum(batch, batch.steps - 1, 0, RING1, RING) > 0 ? 1 : 2);
    }
    expect(used).toEqual(new Set([1, 2]));
  });
});

describe('decision family fidelity', () => {
  it('dm1 shows two stimuli of mean strength ~1 on ring 1, separated by π/2..π, coherence {0.01..0.08}', () => {
    let total = 0;
    let trials = 0;
    for (let seed = 0; seed < 5; seed++) {
      const batch = generate(YANG19_TASKS.dm1, seed, { noise: false });
      const stim = batch.epochs.stim1.start[0];
      for (let b = 0; b < batch.batchSize; b++) {
        const sum = inputSum(batch, stim, b, RING1, RING);
        expect(sum / BUMP_SUM).toBeGreaterThanOrEqual(1.6 - 1e-5);
        expect(sum / BUMP_SUM).toBeLessThan(2.4 + 1e-5);
        expect(inputSum(batch, stim, b, RING2, RING)).toBe(0);
        total += sum;
        trials++;
      }
    }
    expect(total / trials).toBeCloseTo(2 * BUMP_SUM, 0); // E[s1 + s2] = 2
  });

  const psychometric = (id: keyof typeof YANG19_TASKS, conditions: Record<string, number>[]) =>
    generate(YANG19_TASKS[id], 0, { mode: 'psychometric', noise: false, conditions });

  it('responds at the stronger stimulus (dm1, dm2, delaydm1): psychometric conditions', () => {
    const base = { angle1: 1, angle2: 4 };
    const dm1 = psychometric('dm1', [
      { ...base, strength1: 1.1, strength2: 0.9, stimulusMs: 400 },
      { ...base, strength1: 0.9, strength2: 1.1, stimulusMs: 800 },
    ]);
    expect(angleAt(dm1, dm1.trialSteps[0] - 1, 0)).toBeCloseTo(1, 6);
    expect(angleAt(dm1, dm1.trialSteps[1] - 1, 1)).toBeCloseTo(4, 6);
    expect(Array.from(dm1.trialSteps)).toEqual([15 + 20 + 20, 15 + 40 + 20]);
    // With noise on, padding stays exactly zero.
    const noisy = generate(YANG19_TASKS.dm1, 0, {
      mode: 'psychometric',
      conditions: [
        { ...base, strength1: 1.1, strength2: 0.9, stimulusMs: 400 },
        { ...base, strength1: 0.9, strength2: 1.1, stimulusMs: 800 },
      ],
    });
    let paddingNonZero = 0;
    for (let t = 55; t < 75; t++) for (let c = 0; c < 85; c++) if (input(noisy, t, 0, c) !== 0) paddingNonZero++;
    expect(paddingNonZero).toBe(0);
    expect(input(noisy, 60, 1, 40)).not.toBe(0);
    // Shorter trial padded: zeros and mask 0 after its end.
    expect(input(dm1, 60, 0, RULE + 6)).toBe(0);
    expect(maskAt(dm1, 60, 0, 0)).toBe(0);
    expect(input(dm1, 60, 1, RULE + 6)).toBe(1);
    const dm2 = psychometric('dm2', [{ ...base, strength1: 1.1, strength2: 0.9, stimulusMs: 400 }]);
    expect(inputSum(dm2, 20, 0, RING2, RING)).toBeCloseTo(2 * BUMP_SUM, 5);
    expect(inputSum(dm2, 20, 0, RING1, RING)).toBe(0);
    const delayed = psychometric('delaydm1', [
      {
        ...base,
        strength1: 0.8,
        strength2: 1.2,
        stimulus1OnMs: 200,
        stimulus1OffMs: 400,
        stimulus2OnMs: 800,
        stimulus2OffMs: 1000,
      },
    ]);
    expect(delayed.steps).toBe(50 + 10 + 15);
    expect(ringStimulus(delayed, 12, 0, RING1).angle).toBeCloseTo(1, 5);
    expect(ringStimulus(delayed, 45, 0, RING1).angle).toBeCloseTo(4, 5);
    expect(inputSum(delayed, 30, 0, RING1, RING)).toBe(0);
    expect(angleAt(delayed, delayed.steps - 1, 0)).toBeCloseTo(4, 6);
  });

  it('context tasks attend to their ring; multidm sums the rings', () => {
    const condition = {
      angle1: 1,
      angle2: 4,
      ring1Strength1: 1.2,
      ring1Strength2: 0.8,
      ring2Strength1: 0.7,
      ring2Strength2: 1.1,
      stimulusMs: 500,
    };
    const last = (batch: Batch) => angleAt(batch, batch.steps - 1, 0);
    expect(last(psychometric('contextdm1', [condition]))).toBeCloseTo(1, 6);
    expect(last(psychometric('contextdm2', [condition]))).toBeCloseTo(4, 6);
    expect(last(psychometric('multidm', [condition]))).toBeCloseTo(4, 6); // 1.9 < 1.9 + ε? 1.2 + 0.7 = 1.9 vs 0.8 + 1.1 = 1.9: tie → stimulus 2
    expect(last(psychometric('multidm', [{ ...condition, ring2Strength1: 0.75 }]))).toBeCloseTo(1, 6);
    const { stimulusMs: _, ...delayedCondition } = condition;
    expect(last(psychometric('contextdelaydm2', [{ ...delayedCondition, delayMs: 600 }]))).toBeCloseTo(4, 6);
  });

  it('contextdm shows both stimuli on both rings with independent strengths', () => {
    const batch = generate(YANG19_TASKS.contextdm1, 9, { noise: false });
    const stim = batch.epochs.stim1.start[0];
    let differ = 0;
    for (let b = 0; b < batch.batchSize; b++) {
      const one = inputSum(batch, stim, b, RING1, RING);
      const two = inputSum(batch, stim, b, RING2, RING);
      expect(one).toBeGreaterThan(0);
      expect(two).toBeGreaterThan(0);
      if (Math.abs(one - two) > 1e-3) differ++;
    }
    expect(differ).toBeGreaterThan(50);
  });
});

describe('matching family fidelity', () => {
  it.each(['dmsgo', 'dmsnogo', 'dmcgo', 'dmcnogo'] as const)(
    '%s: responds on about half the trials, no-go trials keep fixation',
    (id) => {
      let responded = 0;
      let trials = 0;
      for (let seed = 0; seed < 16; seed++) {
        const batch = generate(YANG19_TASKS[id], seed, { noise: false });
        const T = batch.steps;
        const go = batch.goCue[0];
        expect(go).toBe(batch.epochs.go1.start[0]);
        for (let b = 0; b < batch.batchSize; b++) {
          const first = ringStimulus(
            batch,
            batch.epochs.stim1.start[0],
            b,
            inputSum(batch, batch.epochs.stim1.start[0], b, RING1, RING) > 0 ? RING1 : RING2,
          );
          const second = ringStimulus(batch, T - 1, b, inputSum(batch, T - 1, b, RING1, RING) > 0 ? RING1 : RING2);
          const match = id.startsWith('dms')
            ? circularDistance(first.angle, second.angle) < 1e-4
            : first.angle < Math.PI === second.angle < Math.PI;
          if (id.startsWith('dms') && !match)
            expect(circularDistance(first.angle, second.angle)).toBeGreaterThanOrEqual(Math.PI / 9 - 1e-4);
          const responds = angleAt(batch, T - 1, b) >= 0;
          expect(responds).toBe(id.endsWith('nogo') ? !match : match);
          if (responds) {
            expect(circularDistance(angleAt(batch, T - 1, b), second.angle)).toBeLessThan(1e-5);
          } else {
            let fixating = 0;
            for (let t = 0; t < T; t++) {
              const ok =
                Math.abs(target(batch, t, b, 0) - 0.8) < 1e-7 && Math.abs(targetRingSum(batch, t, b) - 1.6) < 1e-6;
              if (ok && angleAt(batch, t, b) === -1) fixating++;
            }
            expect(fixating).toBe(T);
          }
          expect(input(batch, T - 1, b, 0)).toBe(1);
          responded += responds ? 1 : 0;
          trials++;
        }
      }
      // P(respond) = 0.5: 4 sd of a binomial over 1024 trials is 0.0625.
      expect(Math.abs(responded / trials - 0.5)).toBeLessThan(0.0625);
    },
  );

  it('dmc draws directions from {0.1, 0.3, …, 1.9}·π', () => {
    const batch = generate(YANG19_TASKS.dmcgo, 3, { noise: false });
    const stim = batch.epochs.stim1.start[0];
    for (let b = 0; b < batch.batchSize; b++) {
      const ring = inputSum(batch, stim, b, RING1, RING) > 0 ? RING1 : RING2;
      const k = (ringStimulus(batch, stim, b, ring).angle / Math.PI - 0.1) / 0.2;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-4);
    }
  });
});

describe('input noise', () => {
  it('adds N(0, 0.0316228²) to every channel, after the conditions are drawn', () => {
    const task = YANG19_TASKS.delaydm1;
    const clean = generate(task, 5, { noise: false });
    const noisy = generate(task, 5);
    expect(sameBits(noisy.targets, clean.targets)).toBe(true);
    const groups = [
      [0, 1],
      [1, 64],
      [65, 20],
    ];
    for (const [start, size] of groups) {
      let sum = 0;
      let squares = 0;
      let n = 0;
      for (let row = 0; row < clean.steps * clean.batchSize; row++) {
        for (let c = start; c < start + size; c++) {
          const d = noisy.inputs[row * 85 + c] - clean.inputs[row * 85 + c];
          sum += d;
          squares += d * d;
          n++;
        }
      }
      const sd = Math.sqrt(squares / n - (sum / n) ** 2);
      expect(Math.abs(sd / 0.0316228 - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
      expect(Math.abs(sum / n)).toBeLessThan((5 * 0.0316228) / Math.sqrt(n));
    }
    // std = σ_x·√(2τ/dt): σ_x 0.02 at dt 10 ms gives 0.02·√20.
    const scaled = generate(task, 5, { inputNoiseSigma: 0.02, dt: 10 });
    const base = generate(task, 5, { noise: false, dt: 10 });
    let squares = 0;
    for (let i = 0; i < scaled.inputs.length; i++) squares += (scaled.inputs[i] - base.inputs[i]) ** 2;
    expect(Math.sqrt(squares / scaled.inputs.length) / (0.02 * Math.sqrt(20))).toBeCloseTo(1, 2);
  });
});

describe('test mode', () => {
  it('uses the task grid and ignores batchSize; angles cover 20 locations', () => {
    const batch = generate(YANG19_TASKS.fdgo, 0, { mode: 'test', noise: false, batchSize: 3 });
    expect(batch.batchSize).toBe(40);
    expect(angleAt(batch, 99, 2)).toBeCloseTo(TWO_PI / 20, 6);
    expect(inputSum(batch, 30, 1, RING2, RING)).toBeCloseTo(BUMP_SUM, 5);
  });

  it('honours the noise option with a seeded generator', () => {
    const a = generate(YANG19_TASKS.dm1, 1, { mode: 'test' });
    const b = generate(YANG19_TASKS.dm1, 1, { mode: 'test' });
    expect(sameBits(a.inputs, b.inputs)).toBe(true);
    expect(sameBits(a.inputs, generate(YANG19_TASKS.dm1, 1, { mode: 'test', noise: false }).inputs)).toBe(false);
  });
});

describe('psychometric conditions are validated', () => {
  const run = (id: keyof typeof YANG19_TASKS, conditions: Record<string, unknown>[]) => () =>
    generate(YANG19_TASKS[id], 0, { mode: 'psychometric', conditions });

  it('names the field, the task and the expected shape', () => {
    expect(run('fdgo', [{ angle: 1 }])).toThrow(
      /conditions\[0\]\.stimulusMs: undefined\. fdgo conditions are \{ angle, stimulusMs, ring\? \}/,
    );
    expect(run('fdgo', [{ angle: 1, stimulusMs: 500, ring: 3 }])).toThrow(
      /conditions\[0\]\.ring: 3\. Pass the stimulus ring, 1 or 2/,
    );
    expect(run('reactgo', [{ angle: 1 }, { angle: 'up' }])).toThrow(/conditions\[1\]\.angle: "up"/);
    expect(run('dm1', [{ angle1: 1, angle2: 2, strength1: 1, strength2: 1, stimulusMs: -5 }])).toThrow(
      /stimulusMs: -5.*>= 0/,
    );
    expect(run('delaygo', [{ angle: 1, stimulusOnMs: 500, stimulusOffMs: 300, delayMs: 100 }])).toThrow(
      /conditions\[0\]\.stimulusOffMs: 300\. It must be >= stimulusOnMs \(500\)/,
    );
    const delayed = { angle1: 1, angle2: 2, strength1: 1, strength2: 1, stimulus1OnMs: 100, stimulus1OffMs: 300 };
    expect(run('delaydm1', [{ ...delayed, stimulus2OnMs: 200, stimulus2OffMs: 400 }])).toThrow(
      /stimulus2OnMs: 200.*>= stimulus1OffMs/,
    );
    expect(run('dmsgo', [{ angle1: 1, angle2: 2, direction: 3 }])).toThrow(
      /conditions\[0\]\.direction: 3\. Unknown condition field for dmsgo; its conditions are \{ angle1, angle2, ring1\?, ring2\? \}/,
    );
  });

  it('reduces angles to [0, 2π) and decides DMS matches within 5°', () => {
    const batch = generate(YANG19_TASKS.dmsgo, 0, {
      mode: 'psychometric',
      noise: false,
      conditions: [
        { angle1: -0.5, angle2: TWO_PI - 0.5 + 0.05 },
        { angle1: 1, angle2: 1.2 },
      ],
    });
    expect(angleAt(batch, 124, 0)).toBeCloseTo(TWO_PI - 0.45, 5);
    expect(angleAt(batch, 124, 1)).toBe(-1);
  });
});
