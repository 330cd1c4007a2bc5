import type { Batch, ChannelLayout, Rng, Task, TaskOptions } from '../../src/task.js';
import { TASK_API_VERSION } from '../../src/task.js';

/**
 * A small, complete task for tests of the registry, npz and plot code: fixation, a ring-1 stimulus at
 * one of `ringSize` directions, then a response there. Random mode draws the direction and the stimulus
 * duration per trial (so trials have different lengths and are padded); test mode uses 4 directions.
 */
export function toyTask(id = 'toy/reach', tags: readonly string[] = ['test']): Task {
  const layout = (options: TaskOptions): ChannelLayout => {
    const ring = options.ringSize;
    return {
      inputs: [
        { name: 'fixation', role: 'fixation', start: 0, size: 1 },
        { name: 'ring 1', role: 'sensory', start: 1, size: ring },
        { name: 'ring 2', role: 'sensory', start: 1 + ring, size: ring },
        { name: 'rule', role: 'rule', start: 1 + 2 * ring, size: options.rules.length },
      ],
      outputs: [
        { name: 'fixation', role: 'fixation', start: 0, size: 1 },
        { name: 'ring', role: 'response', start: 1, size: ring },
      ],
      inputSize: 1 + 2 * ring + options.rules.length,
      outputSize: 1 + ring,
    };
  };
  return {
    id,
    apiVersion: TASK_API_VERSION,
    meta: { displayName: 'Toy reach', description: 'Reach to the cued direction.', paper: '', link: '', tags },
    periods: ['fix1', 'stim1', 'go1'],
    layout,
    generate(rng: Rng, options: TaskOptions): Batch {
      const channels = layout(options);
      const ring = options.ringSize;
      const test = options.mode === 'test';
      const batchSize = test ? 4 : options.batchSize;
      const fixSteps = 5;
      const stimSteps = Array.from({ length: batchSize }, () => (test ? 10 : 5 + rng.integer(10)));
      const goSteps = 8;
      const trialSteps = Int32Array.from(stimSteps, (s) => fixSteps + s + goSteps);
      const steps = Math.max(...trialSteps);
      const nIn = channels.inputSize;
      const nOut = channels.outputSize;
      const inputs = new Float32Array(steps * batchSize * nIn);
      const targets = new Float32Array(steps * batchSize * nOut);
      const mask = new Float32Array(steps * batchSize * nOut);
      const targetAngle = new Float32Array(steps * batchSize).fill(-1);
      const goCue = new Int32Array(batchSize);
      const epochs = {
        fix1: { start: new Int32Array(batchSize), end: new Int32Array(batchSize) },
        stim1: { start: new Int32Array(batchSize), end: new Int32Array(batchSize) },
        go1: { start: new Int32Array(batchSize), end: new Int32Array(batchSize) },
      };
      const ruleUnit = options.rules.indexOf(id);
      for (let b = 0; b < batchSize; b++) {
        const unit = test ? (b * ring) / 4 : rng.integer(ring);
        const angle = (2 * Math.PI * unit) / ring;
        const go = fixSteps + stimSteps[b];
        goCue[b] = go;
        epochs.fix1.end[b] = fixSteps;
        epochs.stim1.start[b] = fixSteps;
        epochs.stim1.end[b] = go;
        epochs.go1.start[b] = go;
        epochs.go1.end[b] = trialSteps[b];
        for (let t = 0; t < trialSteps[b]; t++) {
          const x = (t * batchSize + b) * nIn;
          const y = (t * batchSize + b) * nOut;
          if (t < go) inputs[x] = 1;
          if (t >= fixSteps) inputs[x + 1 + unit] = 1;
          if (ruleUnit >= 0) inputs[x + 1 + 2 * ring + ruleUnit] = 1;
          targets.fill(0.05, y, y + nOut);
          if (t < go) targets[y] = 0.8;
          else {
            targets[y + 1 + unit] = 0.85;
            targetAngle[t * batchSize + b] = angle;
          }
          const weight = t < 2 ? 0 : t < go ? 1 : t < go + 2 ? 0 : 5;
          mask.fill(weight, y, y + nOut);
          mask[y] = 2 * weight;
        }
      }
      return {
        taskId: id,
        steps,
        batchSize,
        inputSize: nIn,
        outputSize: nOut,
        dt: options.dt,
        inputs,
        targets,
        mask,
        targetAngle,
        trialSteps,
        goCue,
        epochs,
        layout: channels,
      };
    },
  };
}
