/**
 * A small task that follows the `Task` contract, for corpus tests that need exact row counts: T = 6 steps,
 * trials of 4–6 steps (zero-padded), fixation input on for steps 0–2, `sensory` channels of standard normal
 * values, a rule one-hot over `options.rules`, and a loss mask that is 0 at step 0 and on the padding.
 */
import type { Batch, ChannelLayout, Rng, Task, TaskOptions } from '@molap/tasks';

export const TOY_STEPS = 6;
export const TOY_FIXATION_STEPS = 3;

export function toyTask(id: string, sensoryChannels = 2): Task {
  const layout = (options: TaskOptions): ChannelLayout => ({
    inputs: [
      { name: 'fixation', role: 'fixation', start: 0, size: 1 },
      { name: 'stimulus', role: 'sensory', start: 1, size: sensoryChannels },
      { name: 'rule', role: 'rule', start: 1 + sensoryChannels, size: options.rules.length },
    ],
    outputs: [
      { name: 'fixation', role: 'fixation', start: 0, size: 1 },
      { name: 'response', role: 'response', start: 1, size: 2 },
    ],
    inputSize: 1 + sensoryChannels + options.rules.length,
    outputSize: 3,
  });
  return {
    id,
    apiVersion: 1,
    meta: { displayName: id, description: 'Corpus test task.', paper: 'none', link: 'none', tags: ['test'] },
    periods: ['fixation', 'response'],
    layout,
    generate(rng: Rng, options: TaskOptions): Batch {
      const channels = layout(options);
      const B = options.batchSize;
      const T = TOY_STEPS;
      const nIn = channels.inputSize;
      const inputs = new Float32Array(T * B * nIn);
      const targets = new Float32Array(T * B * 3);
      const mask = new Float32Array(T * B * 3);
      const trialSteps = Int32Array.from({ length: B }, () => 4 + rng.integer(3));
      const ruleUnit = 1 + sensoryChannels + options.rules.indexOf(id);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < trialSteps[b]; t++) {
          const row = t * B + b;
          const fixating = t < TOY_FIXATION_STEPS;
          inputs[row * nIn] = fixating ? 1 : 0;
          let sum = 0;
          for (let c = 0; c < sensoryChannels; c++) {
            const value = rng.normal();
            inputs[row * nIn + 1 + c] = value;
            sum += value;
          }
          inputs[row * nIn + ruleUnit] = 1;
          targets[row * 3] = fixating ? 0.8 : 0.05;
          targets[row * 3 + 1] = fixating ? 0.05 : sum;
          targets[row * 3 + 2] = fixating ? 0.05 : -sum;
          if (t > 0) mask.fill(1, row * 3, row * 3 + 3);
        }
      }
      if (options.noise) rng.addNormal(inputs, options.inputNoiseSigma * Math.sqrt((2 * options.tau) / options.dt));
      return {
        taskId: id,
        steps: T,
        batchSize: B,
        inputSize: nIn,
        outputSize: 3,
        dt: options.dt,
        inputs,
        targets,
        mask,
        targetAngle: new Float32Array(T * B).fill(-1),
        trialSteps,
        goCue: new Int32Array(B).fill(TOY_FIXATION_STEPS),
        epochs: {
          fixation: { start: new Int32Array(B), end: new Int32Array(B).fill(TOY_FIXATION_STEPS) },
          response: { start: new Int32Array(B).fill(TOY_FIXATION_STEPS), end: trialSteps.slice() },
        },
        layout: channels,
      };
    },
  };
}
