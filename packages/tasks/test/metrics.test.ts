import { describe, expect, it } from 'vitest';
import {
  type Batch,
  createRng,
  InvalidOptionError,
  maskedSquaredError,
  performance,
  resolveTaskOptions,
  writeRingTarget,
  YANG19_TASKS,
  yang19,
} from '../src/index.js';

const generate = (id: keyof typeof YANG19_TASKS, seed = 1) =>
  YANG19_TASKS[id].generate(createRng(seed), resolveTaskOptions(YANG19_TASKS[id], { batchSize: 16, noise: false }));

/** Outputs equal to the targets, with the ring of every responding trial's last step moved by `shift` rad. */
function shiftedOutputs(batch: Batch, shift: number, fixation?: number): Float32Array {
  const outputs = Float32Array.from(batch.targets);
  const t = batch.steps - 1;
  for (let b = 0; b < batch.batchSize; b++) {
    const angle = batch.targetAngle[t * batch.batchSize + b];
    const row = (t * batch.batchSize + b) * batch.outputSize;
    if (angle >= 0) writeRingTarget(outputs, row + 1, 32, angle + shift);
    if (fixation !== undefined) outputs[row] = fixation;
  }
  return outputs;
}

describe('performance (Yang get_perf)', () => {
  it('scores the targets themselves as correct on every task', () => {
    for (const task of yang19) {
      const batch = task.generate(createRng(3), resolveTaskOptions(task, { batchSize: 16 }));
      expect(performance(batch.targets, batch).mean).toBe(1);
    }
  });

  it('accepts a response within 0.2π (36°) of the target and rejects one beyond', () => {
    const batch = generate('fdgo');
    expect(performance(shiftedOutputs(batch, 0.19 * Math.PI), batch).mean).toBe(1);
    expect(performance(shiftedOutputs(batch, -0.19 * Math.PI), batch).mean).toBe(1);
    const wrong = performance(shiftedOutputs(batch, 0.21 * Math.PI), batch);
    expect(wrong.mean).toBe(0);
    expect(Array.from(wrong.correct)).toEqual(new Array(16).fill(0));
  });

  it('requires the fixation output <= 0.5 to respond and > 0.5 to fixate', () => {
    const go = generate('fdgo');
    expect(performance(shiftedOutputs(go, 0, 0.51), go).mean).toBe(0);
    expect(performance(shiftedOutputs(go, 0, 0.5), go).mean).toBe(1);
    const match = generate('dmsgo', 2);
    const last = match.steps - 1;
    const nogo = Array.from({ length: 16 }, (_, b) => match.targetAngle[last * 16 + b] < 0);
    const result = performance(shiftedOutputs(match, 0, 0.2), match);
    expect(Array.from(result.correct)).toEqual(nogo.map((fixate) => (fixate ? 0 : 1)));
    expect(nogo.some(Boolean) && nogo.some((fixate) => !fixate)).toBe(true);
  });

  it('checks the shape of the outputs', () => {
    const batch = generate('dm1');
    expect(() => performance(new Float32Array(5), batch)).toThrow(InvalidOptionError);
    expect(() => maskedSquaredError(new Float32Array(5), batch)).toThrow(/length/);
  });
});

describe('maskedSquaredError (Yang lsq loss)', () => {
  it('is 0 on the targets and mean((0.1·mask)²) for a constant error of 0.1', () => {
    const batch = generate('delaygo');
    expect(maskedSquaredError(batch.targets, batch)).toBe(0);
    const outputs = batch.targets.map((v) => v + 0.1);
    let expected = 0;
    for (let i = 0; i < batch.mask.length; i++) expected += (0.1 * batch.mask[i]) ** 2;
    expected /= batch.mask.length;
    // float32 outputs: the error is 0.1 to about 1e-8.
    expect(maskedSquaredError(outputs, batch)).toBeCloseTo(expected, 7);
    // The mask multiplies the error before squaring: weights 1, 4, 25, 100 on the squared error.
    let weights = 0;
    for (const m of batch.mask) weights += m * m;
    expect(expected).toBeCloseTo((0.01 * weights) / batch.mask.length, 12);
  });
});
