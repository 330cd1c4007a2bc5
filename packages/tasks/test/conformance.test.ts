import { describe, expect, it } from 'vitest';
import { checkTaskConformance } from '../src/conformance.js';
import type { Batch, Rng, Task, TaskOptions } from '../src/task.js';
import { toyTask } from './support/toy-task.js';

const rules = ['toy/reach'];
const toy = toyTask();

/** The toy task with `corrupt` applied to every batch it generates. */
const corrupted = (corrupt: (batch: Batch, options: TaskOptions, rng: Rng) => Batch): Task => ({
  ...toy,
  generate: (rng, options) => corrupt(toy.generate(rng, options), options, rng),
});

/** A mutable copy of a batch's arrays. */
const copy = (batch: Batch) => ({
  ...batch,
  inputs: batch.inputs.slice(),
  targets: batch.targets.slice(),
  mask: batch.mask.slice(),
  targetAngle: batch.targetAngle.slice(),
  goCue: batch.goCue.slice(),
  epochs: Object.fromEntries(
    Object.entries(batch.epochs).map(([name, e]) => [name, { start: e.start.slice(), end: e.end.slice() }]),
  ),
});

const check = (task: Task) => checkTaskConformance(task, { options: { rules } });

describe('checkTaskConformance', () => {
  it('passes a task that keeps the contract', () => {
    expect(check(toy)).toEqual([]);
  });

  it('reports an invalid task value without generating', () => {
    expect(checkTaskConformance({ ...toy, apiVersion: 3 })).toEqual([
      'task: apiVersion is 3, expected 1 (TASK_API_VERSION)',
    ]);
  });

  it('reports options the task cannot run with', () => {
    expect(checkTaskConformance(toy, { options: { rules: ['fdgo'] } })[0]).toMatch(
      /^random mode: generate threw: Invalid option rules: .*has no unit for task 'toy\/reach'/,
    );
  });

  it('finds mask or inputs in the padding of a shorter trial', () => {
    const task = corrupted((batch) => {
      const out = copy(batch);
      const b = out.trialSteps.findIndex((steps) => steps < out.steps);
      if (b >= 0) out.mask[((out.steps - 1) * out.batchSize + b) * out.outputSize] = 1;
      return out;
    });
    expect(check(task)).toEqual([
      expect.stringMatching(
        /^random mode: trial \d+, step \d+ is padding \(trialSteps \d+\) but inputs\/targets\/mask are not 0/,
      ),
    ]);
  });

  it('finds a target angle while the fixation target is high, and a response before the go cue', () => {
    const task = corrupted((batch) => {
      const out = copy(batch);
      out.targetAngle[0] = 1;
      return out;
    });
    const problems = check(task);
    expect(problems).toContainEqual(
      expect.stringMatching(/^random mode: trial 0 requires a response at step 0, before its go cue \(\d+\)$/),
    );
    expect(problems).toContain(
      'random mode: trial 0, step 0: targetAngle 1 but fixation target 0.8 (targetAngle must be −1 exactly while the fixation target is > 0.5)',
    );
  });

  it('finds ring targets that do not decode to the target angle', () => {
    const task = corrupted((batch) => {
      const out = copy(batch);
      for (let i = 0; i < out.targetAngle.length; i++)
        if (out.targetAngle[i] >= 0) out.targetAngle[i] = (out.targetAngle[i] + 1) % 6;
      return out;
    });
    expect(check(task).join('\n')).toMatch(
      /trial \d+, step \d+: the ring target decodes to [\d.]+ rad, but targetAngle is [\d.]+ \(and \d+ more\)/,
    );
  });

  it('finds overlapping periods and a go cue outside the trial', () => {
    const task = corrupted((batch) => {
      const out = copy(batch);
      out.epochs.stim1.start[0] -= 1;
      out.goCue[1] = out.trialSteps[1];
      return out;
    });
    const problems = check(task);
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^random mode: trial 0: period 'stim1' spans \[4, \d+\) but should start at 5 \(periods must tile the trial in order, without gaps or overlap\)$/,
      ),
    );
    expect(problems.join('\n')).toMatch(/goCue\[1\] = \d+ is outside the trial \[0, \d+\)/);
  });

  it('finds nondeterminism, an ignored seed and a test mode that uses the rng', () => {
    let calls = 0;
    const flaky = corrupted((batch) => {
      const out = copy(batch);
      out.inputs[0] += calls++;
      return out;
    });
    expect(check(flaky).join('\n')).toContain('random mode: the same seed gave different inputs');
    const rngInTest = corrupted((batch, options, rng) => {
      const out = copy(batch);
      if (options.mode === 'test') out.inputs[0] = rng.uniform();
      return out;
    });
    expect(check(rngInTest)).toEqual([
      'test mode: with noise off, another rng changed inputs: the test grid must not depend on the rng',
    ]);
    const fixed: Task = { ...toy, generate: (_rng, options) => toy.generate(createFixedRng(), options) };
    expect(checkTaskConformance(fixed, { options: { rules, noise: true } })).toEqual([
      'random mode: seeds differ but the batches are identical: the rng is not used',
    ]);
  });

  it('finds a layout that disagrees with the arrays', () => {
    const task = corrupted((batch) => ({ ...batch, layout: { ...batch.layout, inputSize: batch.inputSize + 1 } }));
    expect(check(task)).toEqual(
      expect.arrayContaining([
        'random mode: batch.layout differs from task.layout(options)',
        // 1 fixation + 2 rings of 32 + 1 rule unit = 66 channels.
        'random mode: layout.inputs groups cover 66 channels, but the size is 67',
      ]),
    );
  });
});

/** An Rng that always returns the same values (for the "seed ignored" case). */
function createFixedRng(): Rng {
  return {
    uniform: () => 0.5,
    integer: (n) => Math.floor(n / 2),
    normal: () => 0,
    addNormal: () => undefined,
    fork: () => createFixedRng(),
  };
}
