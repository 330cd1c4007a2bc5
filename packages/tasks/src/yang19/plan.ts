/**
 * The trial plan: what every Yang task family decides per trial (timings in steps, stimuli, response), and
 * `renderPlan`, the one renderer that turns a plan into a `Batch` exactly as the reference `Trial` class
 * fills its arrays (`add('fix_in' | 'stim' | 'fix_out' | 'out')`, `add_c_mask`, `add_rule`, `add_x_noise`).
 */
import { zeroedFloat32 } from '../batch-pool.js';
import { ringBump } from '../ring.js';
import { addNormalFrom } from '../rng.js';
import type { Batch, Rng, TaskOptions } from '../task.js';
import { ringStart, ruleStart, yang19Layout } from './layout.js';

/** Fixation output target while the network must fixate (reference code; the paper says 0.85). */
export const FIXATION_TARGET = 0.8;
/** Value of every output target where nothing else is asked for. */
export const TARGET_BASELINE = 0.05;
/** Loss weight before the go cue (after the first 100 ms). */
export const MASK_PRE_RESPONSE = 1;
/** Loss weight from 100 ms after the go cue to the end of the trial. */
export const MASK_RESPONSE = 5;
/** Extra factor on the fixation output column of the mask. */
export const MASK_FIXATION_FACTOR = 2;
/** Steps not scored at the start of a trial and after the go cue: 100 ms. */
export const MASK_GRACE_MS = 100;

/** Most stimuli a Yang trial shows (context tasks: 2 stimuli × 2 rings). */
const MAX_STIMULI_PER_TRIAL = 4;

/**
 * Per-trial decisions of a batch (struct of arrays, B trials). All times are step indices; an interval
 * [on, off) is clipped to the trial's length when rendered.
 */
export class TrialPlan {
  readonly batchSize: number;
  /** [B] trial length T_b in steps. */
  readonly steps: Int32Array;
  /** [B] the fixation input is 1 for t < fixationOff (set to `steps` when it never goes off). */
  readonly fixationOff: Int32Array;
  /** [B] go cue: response epoch start, and the `pre_off` of the cost mask. */
  readonly goCue: Int32Array;
  /** [B] 1 when the trial asks for a response from the go cue to its end; 0 (no-go) when it asks to fixate. */
  readonly respond: Uint8Array;
  /** [B] response direction in radians, in [0, 2π). */
  readonly responseAngle: Float64Array;
  /** Stimuli, in the order the reference adds them (matters for float32 superposition on one ring). */
  stimulusCount = 0;
  readonly stimulusTrial: Int32Array;
  readonly stimulusRing: Int8Array;
  readonly stimulusAngle: Float64Array;
  readonly stimulusStrength: Float64Array;
  readonly stimulusOn: Int32Array;
  readonly stimulusOff: Int32Array;
  /**
   * Optional per-stimulus ring profile (ringSize values, used instead of the bump at `stimulusAngle`; still
   * multiplied by the strength) and per-stimulus noise std (added on the stimulus ring for [on, off) after the
   * input noise, when noise is on). Yang's tasks use neither.
   */
  readonly stimulusProfile: (Float64Array | undefined)[] = [];
  readonly stimulusNoise: Float64Array;
  /** Per period name: [B] start and [B] end step (exclusive), −1 where absent. */
  readonly epochs: Record<string, { start: Int32Array; end: Int32Array }>;

  /**
   * @param batchSize B.
   * @param periods the task's period names (each gets [B] start/end arrays, −1 until set).
   * @param stimulusCapacity most stimuli the plan can hold (default 4 per trial, the most a Yang trial shows).
   */
  constructor(batchSize: number, periods: readonly string[], stimulusCapacity = batchSize * MAX_STIMULI_PER_TRIAL) {
    this.batchSize = batchSize;
    this.steps = new Int32Array(batchSize);
    this.fixationOff = new Int32Array(batchSize);
    this.goCue = new Int32Array(batchSize);
    this.respond = new Uint8Array(batchSize).fill(1);
    this.responseAngle = new Float64Array(batchSize);
    const capacity = stimulusCapacity;
    this.stimulusTrial = new Int32Array(capacity);
    this.stimulusRing = new Int8Array(capacity);
    this.stimulusAngle = new Float64Array(capacity);
    this.stimulusStrength = new Float64Array(capacity);
    this.stimulusOn = new Int32Array(capacity);
    this.stimulusOff = new Int32Array(capacity);
    this.stimulusNoise = new Float64Array(capacity);
    this.epochs = {};
    for (const period of periods) {
      this.epochs[period] = { start: new Int32Array(batchSize).fill(-1), end: new Int32Array(batchSize).fill(-1) };
    }
  }

  /** Adds a stimulus bump on `ring` (1 or 2) for steps [on, off) of trial `trial`. */
  addStimulus(
    trial: number,
    ring: number,
    angle: number,
    strength: number,
    on: number,
    off: number,
    profile?: Float64Array,
    noise = 0,
  ): void {
    const i = this.stimulusCount++;
    if (i >= this.stimulusTrial.length) {
      throw new RangeError(`the trial plan holds at most ${this.stimulusTrial.length} stimuli`);
    }
    this.stimulusProfile[i] = profile;
    this.stimulusNoise[i] = noise;
    this.stimulusTrial[i] = trial;
    this.stimulusRing[i] = ring;
    this.stimulusAngle[i] = angle;
    this.stimulusStrength[i] = strength;
    this.stimulusOn[i] = on;
    this.stimulusOff[i] = off;
  }

  /** Records period `name` of trial `trial` as [start, end). */
  setEpoch(trial: number, name: string, start: number, end: number): void {
    const epoch = this.epochs[name];
    epoch.start[trial] = start;
    epoch.end[trial] = end;
  }
}

/**
 * Fills rows [first + 1, first + count) of a [T, rows, width] array with copies of row block `first`
 * (memmove by doubling: log2(count) `copyWithin` calls).
 */
function replicateStep(array: Float32Array, block: number, first: number, count: number): void {
  let filled = 1;
  while (filled < count) {
    const chunk = Math.min(filled, count - filled);
    array.copyWithin((first + filled) * block, first * block, (first + chunk) * block);
    filled += chunk;
  }
}

/**
 * Renders a plan into a batch, as the reference does: inputs zero; fixation input 1 for t < fixationOff;
 * stimulus bumps added in plan order; rule unit of `taskId` 1 for the whole trial; targets 0.05, fixation
 * target 0.8 until the go cue (whole trial on no-go trials), ring target 0.05 + bump from the go cue; cost
 * mask 0 / 1 / 0 / 5 (first 100 ms, until the go cue, 100 ms grace, response) with the fixation column ×2;
 * then input noise N(0, (σ_x·√(2τ/dt))²) on every channel of every real step. Steps past a trial's own
 * length (psychometric trials of different durations) stay zero with mask 0.
 *
 * Speed: nothing changes between two consecutive events of any trial (an epoch boundary, the end of the
 * mask's grace periods, a trial's end). Targets, mask and target angle of such a segment of steps are
 * written at its first step and copied to the others with `copyWithin`; its noise-free input block is built
 * once in a template and written to every step of the segment, the input noise being added in that same
 * pass (`addNormalFrom`). The values are those of the reference's step-by-step construction.
 */
export function renderPlan(plan: TrialPlan, taskId: string, options: TaskOptions, rng: Rng, rule = taskId): Batch {
  const layout = yang19Layout(options);
  const nIn = layout.inputSize;
  const nOut = layout.outputSize;
  const n = options.ringSize;
  const batchSize = plan.batchSize;
  const { steps, fixationOff, goCue, respond } = plan;
  let T = 0;
  let uniformLength = true;
  for (let b = 0; b < batchSize; b++) {
    T = Math.max(T, steps[b]);
    if (steps[b] !== steps[0]) uniformLength = false;
  }
  const ruleUnit = ruleStart(n) + options.rules.indexOf(rule);
  if (ruleUnit < ruleStart(n))
    throw new Error(`rules has no unit for rule '${rule}' of task '${taskId}' (resolveTaskOptions checks this).`);
  // Zeroed, in recycled memory when the caller gave some back (`recycleBatch`).
  const inputs = zeroedFloat32(T * batchSize * nIn);
  const targets = zeroedFloat32(T * batchSize * nOut);
  const mask = zeroedFloat32(T * batchSize * nOut);
  const targetAngle = zeroedFloat32(T * batchSize);
  const grace = Math.trunc(MASK_GRACE_MS / options.dt);
  const baseline = Math.fround(TARGET_BASELINE);

  // Response target row of each responding trial: f32(0.05) + bump, as the reference's float32 `y += bump`.
  const responseRows = new Float32Array(batchSize * n);
  const bump = new Float64Array(n);
  for (let b = 0; b < batchSize; b++) {
    if (!respond[b]) continue;
    ringBump(plan.responseAngle[b], n, 1, bump);
    for (let i = 0; i < n; i++) responseRows[b * n + i] = baseline + bump[i];
  }
  // Stimulus bumps × strength (float64, as the reference's `add_x_loc(loc) * strength`).
  const stimuli = plan.stimulusCount;
  const stimulusRows = new Float64Array(stimuli * n);
  for (let s = 0; s < stimuli; s++) {
    const profile = plan.stimulusProfile[s];
    if (profile === undefined) ringBump(plan.stimulusAngle[s], n, 1, bump);
    else bump.set(profile);
    const strength = plan.stimulusStrength[s];
    for (let i = 0; i < n; i++) stimulusRows[s * n + i] = bump[i] * strength;
  }

  // Steps where some trial's content changes.
  const event = new Uint8Array(T + 1);
  const mark = (t: number) => {
    if (t >= 0 && t <= T) event[t] = 1;
  };
  mark(0);
  mark(grace);
  for (let b = 0; b < batchSize; b++) {
    mark(steps[b]);
    mark(fixationOff[b]);
    mark(goCue[b]);
    mark(goCue[b] + grace);
  }
  for (let s = 0; s < stimuli; s++) {
    mark(plan.stimulusOn[s]);
    mark(plan.stimulusOff[s]);
  }

  // Each segment: the noise-free input block of its first step is built in `template`, then written to
  // every step of the segment (with the input noise added on the way when noise is on).
  const inputBlock = batchSize * nIn;
  const template = new Float32Array(inputBlock);
  const noisy = options.noise && options.inputNoiseSigma > 0;
  const std = options.inputNoiseSigma * Math.sqrt(2 / (options.dt / options.tau));
  for (let first = 0; first < T; ) {
    let end = first + 1;
    while (end < T && !event[end]) end++;
    const t = first;
    template.fill(0);
    for (let b = 0; b < batchSize; b++) {
      if (t >= steps[b]) continue;
      const row = t * batchSize + b;
      const x = b * nIn;
      if (t < fixationOff[b]) template[x] = 1;
      template[x + ruleUnit] = 1;
      const go = goCue[b];
      const responding = respond[b] === 1 && t >= go;
      const y = row * nOut;
      targets[y] = (respond[b] === 1 ? t < go : true) ? FIXATION_TARGET : baseline;
      if (responding) {
        for (let i = 0; i < n; i++) targets[y + 1 + i] = responseRows[b * n + i];
        targetAngle[row] = plan.responseAngle[b];
      } else {
        for (let i = 1; i <= n; i++) targets[y + i] = baseline;
        targetAngle[row] = -1;
      }
      // Reference order: [post_on, T) = 5 first, then [pre_on, pre_off) = 1 overwrites.
      let weight = 0;
      if (t >= go + grace) weight = MASK_RESPONSE;
      if (t >= grace && t < go) weight = MASK_PRE_RESPONSE;
      if (weight !== 0) {
        mask[y] = weight * MASK_FIXATION_FACTOR;
        for (let i = 1; i < nOut; i++) mask[y + i] = weight;
      }
    }
    for (let s = 0; s < stimuli; s++) {
      const b = plan.stimulusTrial[s];
      if (t < plan.stimulusOn[s] || t >= plan.stimulusOff[s] || t >= steps[b]) continue;
      const x = b * nIn + ringStart(plan.stimulusRing[s], n);
      for (let i = 0; i < n; i++) template[x + i] += stimulusRows[s * n + i];
    }
    const count = end - first;
    replicateStep(targets, batchSize * nOut, first, count);
    replicateStep(mask, batchSize * nOut, first, count);
    replicateStep(targetAngle, batchSize, first, count);
    for (let step = first; step < end; step++) {
      if (!noisy) inputs.set(template, step * inputBlock);
      else if (uniformLength) addNormalFrom(rng, inputs, step * inputBlock, template, 0, inputBlock, std);
      else {
        // Padding rows (past a trial's end) stay zero, without noise.
        for (let b = 0; b < batchSize; b++) {
          if (step < steps[b]) addNormalFrom(rng, inputs, (step * batchSize + b) * nIn, template, b * nIn, nIn, std);
        }
      }
    }
    first = end;
  }

  // Stimulus noise of plugin tasks (neurogym's per-stimulus noise), after the input noise.
  if (options.noise) {
    for (let s = 0; s < stimuli; s++) {
      const sigma = plan.stimulusNoise[s];
      if (!(sigma > 0)) continue;
      const b = plan.stimulusTrial[s];
      const channel = ringStart(plan.stimulusRing[s], n);
      const off = Math.min(plan.stimulusOff[s], steps[b]);
      for (let t = plan.stimulusOn[s]; t < off; t++)
        rng.addNormal(inputs, sigma, (t * batchSize + b) * nIn + channel, n);
    }
  }

  // Padding steps: target angle −1 like every "no response" step.
  if (!uniformLength) {
    for (let b = 0; b < batchSize; b++) for (let t = steps[b]; t < T; t++) targetAngle[t * batchSize + b] = -1;
  }

  return {
    taskId,
    steps: T,
    batchSize,
    inputSize: nIn,
    outputSize: nOut,
    dt: options.dt,
    inputs,
    targets,
    mask,
    targetAngle,
    trialSteps: Int32Array.from(steps),
    goCue: Int32Array.from(goCue),
    epochs: plan.epochs,
    layout,
  };
}
