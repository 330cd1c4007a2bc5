export { detExp, detLog } from './det-math.js';
export { InvalidOptionError } from './errors.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_DT,
  DEFAULT_INPUT_NOISE_SIGMA,
  DEFAULT_RING_SIZE,
  DEFAULT_TASK_OPTIONS,
  DEFAULT_TAU,
  resolveTaskOptions,
} from './options.js';
export {
  addStimulusBump,
  circularDistance,
  populationVector,
  RING_BUMP_PEAK,
  RING_BUMP_WIDTH,
  RING_TARGET_BASELINE,
  ringBump,
  ringPreferredDirections,
  TWO_PI,
  wrapAngle,
  writeRingTarget,
} from './ring.js';
export { createRng } from './rng.js';
export * from './task.js';
export { YANG19_RULES, type Yang19Rule } from './yang19/rules.js';
