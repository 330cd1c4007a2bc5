/**
 * Channel layout of the Yang et al. 2019 corpus: inputs = fixation, ring 1, ring 2, rule one-hot over
 * `options.rules`; outputs = fixation, response ring. At the defaults 1 + 2·32 + 20 = 85 inputs, 1 + 32 = 33
 * outputs.
 */
import type { ChannelLayout, TaskOptions } from '../task.js';

/** Index of the fixation input and of the fixation output. */
export const FIXATION_CHANNEL = 0;

/** Input channel of unit 0 of stimulus ring `ring` (1 or 2). */
export function ringStart(ring: number, ringSize: number): number {
  return 1 + (ring - 1) * ringSize;
}

/** First rule input channel (`rule_start` of the reference): 1 + 2·ringSize. */
export function ruleStart(ringSize: number): number {
  return 1 + 2 * ringSize;
}

/** The Yang layout under `options` (ring size and rule list). */
export function yang19Layout(options: TaskOptions): ChannelLayout {
  const n = options.ringSize;
  const rules = options.rules.length;
  return {
    inputs: [
      { name: 'fixation', role: 'fixation', start: 0, size: 1 },
      { name: 'ring1', role: 'sensory', start: ringStart(1, n), size: n },
      { name: 'ring2', role: 'sensory', start: ringStart(2, n), size: n },
      { name: 'rule', role: 'rule', start: ruleStart(n), size: rules },
    ],
    outputs: [
      { name: 'fixation', role: 'fixation', start: 0, size: 1 },
      { name: 'ring', role: 'response', start: 1, size: n },
    ],
    inputSize: ruleStart(n) + rules,
    outputSize: 1 + n,
  };
}
