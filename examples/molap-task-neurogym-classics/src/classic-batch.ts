/**
 * The batch layout shared by the classic tasks, chosen to match the Yang et al. 2019 corpus of
 * `@molap/tasks` so that MoLaP module banks and readouts trained there apply here:
 *
 * - inputs `[T, B, 1 + 2·ringSize + rules.length]`: fixation, ring 1, ring 2, rule one-hot over
 *   `options.rules` (the task's own unit is on for the whole trial);
 * - outputs `[T, B, 1 + ringSize]`: fixation, response ring;
 * - targets as in Yang et al.: 0.05 everywhere, fixation output 0.8 while the network must fixate, ring
 *   bump (peak 0.85) at the response direction after the go cue;
 * - loss mask as in Yang et al.: 0 for the first 100 ms, 1 until the go cue, 0 for a 100 ms grace period,
 *   5 after it; the fixation column doubled.
 *
 * Trials may differ in length (padded with zeros and mask 0 up to T = the longest trial).
 */
import {
  type Batch,
  type ChannelLayout,
  FIXATION_TARGET,
  InvalidOptionError,
  MASK_FIXATION_FACTOR,
  MASK_PRE_RESPONSE,
  MASK_RESPONSE,
  RING_TARGET_BASELINE,
  type Rng,
  type TaskOptions,
  writeRingTarget,
  yang19Layout,
} from '@molap/tasks';

/**
 * Length of the masked start of every trial and of the grace period after the go cue, in ms (Yang et al.;
 * the weights and targets themselves come from `@molap/tasks`).
 */
export const MASK_GRACE_MS = 100;

/**
 * Input and output channel groups of every classic task under `options`: exactly the Yang corpus layout
 * (`yang19Layout` of `@molap/tasks`), so a network or module bank sized for one fits the other.
 */
export const classicLayout: (options: TaskOptions) => ChannelLayout = yang19Layout;

/** Converts a duration in ms to whole steps the way neurogym does (floored to a multiple of dt). */
export const toSteps = (ms: number, dt: number): number => Math.floor(ms / dt + 1e-9);

/**
 * Step boundaries of consecutive periods: [0, d0, d0+d1, …] with each duration (ms) floored to steps.
 * @returns periods.length + 1 boundaries; the last is the trial length.
 */
export function periodBounds(durationsMs: readonly number[], dt: number): number[] {
  const bounds = [0];
  for (const ms of durationsMs) bounds.push(bounds[bounds.length - 1] + toSteps(ms, dt));
  return bounds;
}

/** A batch under construction: the `Batch` arrays, writable, plus what the writers need. */
export interface BatchDraft extends Batch {
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly mask: Float32Array;
  readonly targetAngle: Float32Array;
  readonly trialSteps: Int32Array;
  readonly goCue: Int32Array;
  readonly epochs: Record<string, { readonly start: Int32Array; readonly end: Int32Array }>;
  /** Index of the task's rule unit among the inputs. */
  readonly ruleChannel: number;
  /** Scratch row of `ringSize` values (profiles of stimuli and targets). */
  readonly ringRow: Float32Array;
}

/**
 * Allocates a batch whose trial b has the periods `periods` with step boundaries `bounds[b]`
 * (`bounds[b][k]` = start of period k, `bounds[b][periods.length]` = trial length). Epochs and
 * `trialSteps` are filled in; everything else is zero; `targetAngle` is −1.
 */
export function allocateBatch(
  taskId: string,
  periods: readonly string[],
  options: TaskOptions,
  bounds: readonly (readonly number[])[],
): BatchDraft {
  const layout = classicLayout(options);
  const rule = options.rules.indexOf(taskId);
  if (rule < 0) {
    throw new InvalidOptionError(
      'rules',
      options.rules,
      `The rule input needs a unit for task '${taskId}': include '${taskId}' in rules (resolveTaskOptions checks this).`,
    );
  }
  const B = bounds.length;
  const trialSteps = Int32Array.from(bounds, (trial) => trial[periods.length]);
  const steps = Math.max(...trialSteps);
  const epochs: BatchDraft['epochs'] = {};
  periods.forEach((name, k) => {
    epochs[name] = {
      start: Int32Array.from(bounds, (trial) => trial[k]),
      end: Int32Array.from(bounds, (trial) => trial[k + 1]),
    };
  });
  return {
    taskId,
    steps,
    batchSize: B,
    inputSize: layout.inputSize,
    outputSize: layout.outputSize,
    dt: options.dt,
    inputs: new Float32Array(steps * B * layout.inputSize),
    targets: new Float32Array(steps * B * layout.outputSize),
    mask: new Float32Array(steps * B * layout.outputSize),
    targetAngle: new Float32Array(steps * B).fill(-1),
    trialSteps,
    goCue: new Int32Array(B),
    epochs,
    layout,
    ruleChannel: layout.inputs[3].start + rule,
    ringRow: new Float32Array(options.ringSize),
  };
}

/** Sets the fixation input of trial b to 1 over steps [from, to), and the task's rule unit over the whole trial. */
export function writeFixationAndRule(batch: BatchDraft, b: number, from: number, to: number): void {
  const { inputs, inputSize, batchSize } = batch;
  for (let t = from; t < to; t++) inputs[(t * batchSize + b) * inputSize] = 1;
  for (let t = 0; t < batch.trialSteps[b]; t++) inputs[(t * batchSize + b) * inputSize + batch.ruleChannel] = 1;
}

/**
 * Adds `profile` (ringSize values) to ring `ring` (1 or 2) of trial b's inputs at every step of [from, to).
 */
export function addRingInput(
  batch: BatchDraft,
  b: number,
  ring: 1 | 2,
  from: number,
  to: number,
  profile: Float32Array,
): void {
  const { inputs, inputSize, batchSize } = batch;
  const offset = 1 + (ring - 1) * profile.length;
  for (let t = from; t < to; t++) {
    const row = (t * batchSize + b) * inputSize + offset;
    for (let i = 0; i < profile.length; i++) inputs[row + i] += profile[i];
  }
}

/**
 * Writes trial b's targets, target angle, go cue and loss mask. Before `go` the network must fixate; from
 * `go` to the end of the trial it must respond at `responseAngle` (radians), or keep fixating when
 * `responseAngle` is undefined (a no-go trial; the mask is the same).
 * @param go step of the go cue (response onset), in (0, trialSteps[b]).
 */
export function writeResponse(batch: BatchDraft, b: number, go: number, responseAngle: number | undefined): void {
  const { targets, mask, targetAngle, outputSize, batchSize, dt, ringRow } = batch;
  const end = batch.trialSteps[b];
  const grace = toSteps(MASK_GRACE_MS, dt);
  if (responseAngle !== undefined) writeRingTarget(ringRow, 0, ringRow.length, responseAngle);
  const baseline = Math.fround(RING_TARGET_BASELINE);
  for (let t = 0; t < end; t++) {
    const row = (t * batchSize + b) * outputSize;
    const responding = responseAngle !== undefined && t >= go;
    targets.fill(baseline, row, row + outputSize);
    if (responding) {
      targets.set(ringRow, row + 1);
      targetAngle[t * batchSize + b] = responseAngle;
    } else {
      targets[row] = FIXATION_TARGET;
    }
    const weight = t < grace ? 0 : t < go ? MASK_PRE_RESPONSE : t < go + grace ? 0 : MASK_RESPONSE;
    mask.fill(weight, row, row + outputSize);
    mask[row] = weight * MASK_FIXATION_FACTOR;
  }
  batch.goCue[b] = go;
}

/**
 * Adds Gaussian noise of standard deviation `std` to ring `ring` of trial b over steps [from, to)
 * (neurogym's stimulus noise).
 */
export function addRingNoise(
  batch: BatchDraft,
  rng: Rng,
  b: number,
  ring: 1 | 2,
  from: number,
  to: number,
  std: number,
): void {
  const { inputs, inputSize, batchSize, ringRow } = batch;
  const offset = 1 + (ring - 1) * ringRow.length;
  for (let t = from; t < to; t++) rng.addNormal(inputs, std, (t * batchSize + b) * inputSize + offset, ringRow.length);
}

/**
 * Adds Yang et al.'s input noise, std σ_x·√(2/α) with α = dt/τ, to every input channel of every real step
 * (padding stays zero), in every mode, as Yang et al. do. Does nothing when `options.noise` is false.
 */
export function addInputNoise(batch: BatchDraft, rng: Rng, options: TaskOptions): void {
  if (!options.noise) return;
  const std = options.inputNoiseSigma * Math.sqrt((2 * options.tau) / options.dt);
  const { inputs, inputSize, batchSize, trialSteps } = batch;
  const allSameLength = trialSteps.every((steps) => steps === batch.steps);
  if (allSameLength) {
    rng.addNormal(inputs, std, 0, inputs.length);
    return;
  }
  for (let t = 0; t < batch.steps; t++) {
    for (let b = 0; b < batchSize; b++) {
      if (t < trialSteps[b]) rng.addNormal(inputs, std, (t * batchSize + b) * inputSize, inputSize);
    }
  }
}

/** The finished batch (drops the writer scratch fields). */
export function finishBatch(batch: BatchDraft): Batch {
  const { ruleChannel: _rule, ringRow: _row, ...result } = batch;
  return result;
}
