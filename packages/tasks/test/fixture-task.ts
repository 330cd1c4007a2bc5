import type { Batch, ChannelLayout, Rng, Task, TaskOptions } from '../src/index.js';

/**
 * A minimal real task for option tests: fixation + one ring + optional rule block. It builds a genuine
 * (tiny) batch, so it exercises the contract rather than mocking it.
 */
export function fixtureTask(id: string, withRuleInput: boolean, defaults?: Partial<TaskOptions>): Task {
  const layout = (options: TaskOptions): ChannelLayout => {
    const inputs = [
      { name: 'fixation', role: 'fixation' as const, start: 0, size: 1 },
      { name: 'ring', role: 'sensory' as const, start: 1, size: options.ringSize },
      ...(withRuleInput
        ? [{ name: 'rule', role: 'rule' as const, start: 1 + options.ringSize, size: options.rules.length }]
        : []),
    ];
    const inputSize = 1 + options.ringSize + (withRuleInput ? options.rules.length : 0);
    return {
      inputs,
      outputs: [
        { name: 'fixation', role: 'fixation', start: 0, size: 1 },
        { name: 'ring', role: 'response', start: 1, size: options.ringSize },
      ],
      inputSize,
      outputSize: 1 + options.ringSize,
    };
  };
  return {
    id,
    apiVersion: 1,
    meta: { displayName: id, description: 'fixture', paper: 'none', link: 'https://example.org', tags: [] },
    periods: ['fix1'],
    defaults,
    layout,
    generate(rng: Rng, options: TaskOptions): Batch {
      const l = layout(options);
      const steps = 2;
      const b = options.batchSize;
      const inputs = new Float32Array(steps * b * l.inputSize);
      if (options.noise) rng.addNormal(inputs, options.inputNoiseSigma);
      return {
        taskId: id,
        steps,
        batchSize: b,
        inputSize: l.inputSize,
        outputSize: l.outputSize,
        dt: options.dt,
        inputs,
        targets: new Float32Array(steps * b * l.outputSize),
        mask: new Float32Array(steps * b * l.outputSize),
        targetAngle: new Float32Array(steps * b).fill(-1),
        trialSteps: new Int32Array(b).fill(steps),
        goCue: new Int32Array(b).fill(steps),
        epochs: { fix1: { start: new Int32Array(b), end: new Int32Array(b).fill(steps) } },
        layout: l,
      };
    },
  };
}
