import { describe, expect, it } from 'vitest';
import {
  checkTaskConformance,
  createRng,
  defineTask,
  mixBatches,
  performance,
  resolveTaskOptions,
  responseTimingScore,
  TaskRegistryError,
  type TaskScore,
  YANG19_TASKS,
} from '../src/index.js';

const meta = {
  displayName: 'timing',
  description: 'timing test',
  paper: 'none',
  link: 'https://example.org',
  tags: [],
};

/** Wait 1 s after a cue, then respond at π: the go cue is at 1200 ms (step 60 at dt 20). */
const timed = (score?: TaskScore) =>
  defineTask({
    id: 'lab/timed',
    meta,
    periods: ['cue', 'wait', 'go'] as const,
    ...(score ? { score } : {}),
    conditions: { sample: () => 0, grid: () => [0, 0], parse: () => 0 },
    trial(trial) {
      trial.timing({ cue: 200, wait: 1000, go: 400 });
      trial.fixateUntil('go');
      trial.show({ ring: 1, during: 'cue', angle: Math.PI });
      trial.respond('go', Math.PI);
    },
  });

const task = timed(responseTimingScore());
const batch = task.generate(createRng(1), resolveTaskOptions(task, { mode: 'test', noise: false }));

/** The targets with the fixation output dropped (and the ring answer given) `earlyMs` before the go cue. */
function answer(earlyMs: number): Float32Array {
  const outputs = Float32Array.from(batch.targets);
  const { batchSize: B, outputSize: nOut } = batch;
  for (let b = 0; b < B; b++) {
    const go = batch.goCue[b];
    for (let t = go - earlyMs / 20; t < go; t++) {
      outputs[(t * B + b) * nOut] = 0.1;
      for (let i = 1; i < nOut; i++) outputs[(t * B + b) * nOut + i] = batch.targets[(go * B + b) * nOut + i];
    }
  }
  return outputs;
}

describe('task-owned scores', () => {
  it('judge by timing: on time passes, hundreds of ms early fails, within the tolerance passes', () => {
    expect(batch.score?.id).toBe('response-timing');
    expect(performance(answer(0), batch)).toMatchObject({ mean: 1, score: 'response-timing' });
    expect(performance(answer(60), batch).mean).toBe(1);
    expect(performance(answer(400), batch).mean).toBe(0);
    const untimed = timed();
    const yang = untimed.generate(createRng(1), resolveTaskOptions(untimed, { mode: 'test', noise: false }));
    expect(performance(answer(400), yang)).toMatchObject({ mean: 1, score: 'yang19-last-step' });
  });

  it('the Yang tasks keep Yang’s criterion', () => {
    const fdgo = YANG19_TASKS.fdgo;
    const yang = fdgo.generate(createRng(1), resolveTaskOptions(fdgo, { mode: 'test', noise: false }));
    expect(yang.score).toBeUndefined();
    expect(performance(yang.targets, yang)).toMatchObject({ mean: 1, score: 'yang19-last-step' });
  });

  it('travel with mixed batches of one score only', () => {
    expect(mixBatches([batch, batch]).score).toBe(batch.score);
    const other = timed();
    const plain = other.generate(createRng(1), resolveTaskOptions(other, { mode: 'test', noise: false }));
    expect(mixBatches([batch, plain]).score).toBeUndefined();
  });

  it('a score that throws or leaves [0, 1] is an error naming the task and the score; conformance finds it', () => {
    const throwing = timed({
      id: 'lab/throws',
      description: 'x',
      score: () => {
        throw new Error('boom');
      },
    });
    const outOfRange = timed({ id: 'lab/range', description: 'x', score: (_o, b) => new Array(b.batchSize).fill(2) });
    for (const [broken, message] of [
      [throwing, "the score 'lab/throws' of task 'lab/timed' threw: boom"],
      [
        outOfRange,
        "the score 'lab/range' of task 'lab/timed' must give 2 values in [0, 1] (one per trial), got 2 for trial 0",
      ],
    ] as const) {
      const b = broken.generate(createRng(1), resolveTaskOptions(broken, { mode: 'test' }));
      expect(() => performance(b.targets, b)).toThrow(TaskRegistryError);
      expect(() => performance(b.targets, b)).toThrow(message);
      expect(checkTaskConformance(broken).join('\n')).toContain(message);
    }
    expect(checkTaskConformance(task)).toEqual([]);
  });
});
