/**
 * Task variance (Yang et al. 2019, Fig. 2): how much each hidden unit's activity varies across the
 * conditions of each task, and the normalised task-variance matrix that shows unit (or module)
 * specialisation.
 *
 * As in Yang et al.'s analysis code: each task runs on its deterministic test grid of conditions
 * (`mode: 'test'`) with input and recurrent noise off; the variance of unit i is taken across trials at each
 * time step from the end of the first fixation period (`fix1`, or the task's first period) to the end of the
 * trial, then averaged over those time steps. The normalised matrix divides each unit's row by its largest
 * task variance; units whose summed variance is below `activeThreshold` (Yang: 1e-3) are inactive and are
 * left out of the normalised matrix.
 */
import { MolapError, type MultiTaskModel } from '@molap/core';
import { type Batch, createRng, resolveTaskOptions, type Task, type TaskOptions } from '@molap/tasks';

/** Units whose variance summed over tasks is below this are inactive (Yang et al. 2019). */
export const ACTIVE_UNIT_THRESHOLD = 1e-3;

/** Task variance of one model. */
export interface TaskVariance {
  /** Task ids, the columns. */
  readonly tasks: string[];
  /** Variance per unit and task: [unit][task]. */
  readonly variance: number[][];
  /** Indices of the active units (summed variance ≥ threshold), the rows of `normalised`. */
  readonly activeUnits: number[];
  /** Variance of each active unit divided by its largest task variance: [active unit][task], in [0, 1]. */
  readonly normalised: number[][];
}

/** A strategy whose `evaluate` ignored `keepStates`: a broken strategy plugin, the caller's to fix (another plugin). */
export function ignoredKeepStates(strategy: string): MolapError {
  return new MolapError('invalid-plugin', `${strategy}.evaluate ignored keepStates: it returned no states`, {
    hint: `the strategy '${strategy}' breaks the strategy contract: update or fix its plugin`,
  });
}

/**
 * Per-unit variance across trials, averaged over the time steps from the end of the fixation period.
 * @param states h [T, B, N].
 * @returns [N] variances.
 */
export function unitVarianceAcrossConditions(states: Float32Array, batch: Batch, hiddenSize: number): Float64Array {
  const sums = new ConditionSums(batch, hiddenSize);
  sums.add(states, 0, batch.batchSize);
  return sums.variance();
}

/**
 * Running sums of the states of a batch's trials at each step, fed a range of trials at a time (in trial
 * order): the variance of {@link unitVarianceAcrossConditions} without the states of every trial at once.
 * For each step and unit the trials are added in the same order whatever the ranges, so the result is the
 * same to the bit.
 */
class ConditionSums {
  /** [T, N] sums and sums of squares over the trials counted at each step. */
  private readonly sum: Float64Array;
  private readonly squares: Float64Array;
  /** [T] trials counted at each step. */
  private readonly count: Int32Array;
  /** [B] first step of each trial that counts: the end of its fixation period. */
  private readonly start: Int32Array;

  constructor(
    private readonly batch: Batch,
    private readonly hiddenSize: number,
  ) {
    const { steps, batchSize } = batch;
    this.sum = new Float64Array(steps * hiddenSize);
    this.squares = new Float64Array(steps * hiddenSize);
    this.count = new Int32Array(steps);
    const fixation = batch.epochs.fix1 ?? Object.values(batch.epochs)[0];
    this.start = Int32Array.from({ length: batchSize }, (_, b) => Math.max(0, fixation ? fixation.end[b] : 0));
  }

  /** Adds trials [first, end) of the batch. @param states h [T, end − first, N] of those trials. */
  add(states: Float32Array, first: number, end: number): void {
    const { steps } = this.batch;
    const n = this.hiddenSize;
    const trials = end - first;
    if (states.length !== steps * trials * n) {
      throw new MolapError(
        'incompatible',
        `states have ${states.length} values, expected T·B·N = ${steps}·${trials}·${n}`,
      );
    }
    for (let t = 0; t < steps; t++) {
      const row = t * n;
      for (let b = first; b < end; b++) {
        if (t < this.start[b] || t >= this.batch.trialSteps[b]) continue;
        const offset = (t * trials + b - first) * n;
        for (let i = 0; i < n; i++) {
          const value = states[offset + i];
          this.sum[row + i] += value;
          this.squares[row + i] += value * value;
        }
        this.count[t]++;
      }
    }
  }

  /** [N] variance across the trials added, averaged over the steps where at least two trials counted. */
  variance(): Float64Array {
    const n = this.hiddenSize;
    const total = new Float64Array(n);
    let usedSteps = 0;
    for (let t = 0; t < this.batch.steps; t++) {
      const count = this.count[t];
      if (count < 2) continue;
      const row = t * n;
      for (let i = 0; i < n; i++) {
        const m = this.sum[row + i] / count;
        total[i] += Math.max(0, this.squares[row + i] / count - m * m);
      }
      usedSteps++;
    }
    if (usedSteps > 0) for (let i = 0; i < n; i++) total[i] /= usedSteps;
    return total;
  }
}

/** A part of a batch: its trials [first, end), as a batch of their own (the batch itself when it is all of it). */
export interface BatchPart {
  readonly first: number;
  readonly end: number;
  readonly part: Batch;
  /** The part is the whole batch. */
  readonly whole: boolean;
}

/**
 * Trials of a batch the analyses run at a time (task variance and the dimensionality stage): the states of 32
 * trials at 512 units and 175 steps take 11 MB, where the whole condition grid of contextdelaydm1 (500 trials)
 * takes 171 MB, once in the engine and once more when returned. At 64 trials MoLaP's task-variance job of the
 * standard preset raised the study's peak by 24 MiB (2026-12-08). The dimensionality stage of a standard MoLaP
 * model, alone in a process, peaked at 331 MiB with its 128 trials at once, 254 with 64, 216 with 32, 188 with
 * 16, in the same time (28 s each; docs/performance.md).
 */
export const ANALYSIS_TRIALS_AT_ONCE = 32;

/** The batch in parts of at most `atOnce` trials, in order. */
export function* batchParts(batch: Batch, atOnce: number): Generator<BatchPart> {
  for (let first = 0; first < batch.batchSize; first += atOnce) {
    const end = Math.min(batch.batchSize, first + atOnce);
    const whole = end - first === batch.batchSize;
    yield { first, end, part: whole ? batch : batchTrials(batch, first, end), whole };
  }
}

/**
 * Trials [first, end) of a batch as a batch of their own (copies; the steps stay those of the batch).
 * @internal exported for tests
 */
export function batchTrials(batch: Batch, first: number, end: number): Batch {
  const { steps, batchSize } = batch;
  const trials = end - first;
  const rows = (source: Float32Array, width: number) => {
    const out = new Float32Array(steps * trials * width);
    for (let t = 0; t < steps; t++) {
      out.set(source.subarray((t * batchSize + first) * width, (t * batchSize + end) * width), t * trials * width);
    }
    return out;
  };
  const epochs: Record<string, { start: Int32Array; end: Int32Array }> = {};
  for (const [period, epoch] of Object.entries(batch.epochs)) {
    epochs[period] = { start: epoch.start.slice(first, end), end: epoch.end.slice(first, end) };
  }
  return {
    ...batch,
    batchSize: trials,
    inputs: rows(batch.inputs, batch.inputSize),
    targets: rows(batch.targets, batch.outputSize),
    mask: rows(batch.mask, batch.outputSize),
    targetAngle: rows(batch.targetAngle, 1),
    trialSteps: batch.trialSteps.slice(first, end),
    goCue: batch.goCue.slice(first, end),
    epochs,
    ...(batch.trialTasks ? { trialTasks: batch.trialTasks.slice(first, end) } : {}),
  };
}

/** The normalised matrix and active units of a variance matrix [unit][task] (see the module comment). */
export function normaliseTaskVariance(
  variance: readonly (readonly number[])[],
  activeThreshold = ACTIVE_UNIT_THRESHOLD,
): { activeUnits: number[]; normalised: number[][] } {
  const activeUnits: number[] = [];
  const normalised: number[][] = [];
  variance.forEach((row, unit) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    if (!(total >= activeThreshold)) return;
    const max = Math.max(...row);
    activeUnits.push(unit);
    normalised.push(row.map((value) => value / max));
  });
  return { activeUnits, normalised };
}

/** The test-grid batch of a task with input noise off (deterministic). */
export function conditionGridBatch(task: Task, taskOptions: Partial<TaskOptions> = {}): Batch {
  return task.generate(createRng(0), resolveTaskOptions(task, { ...taskOptions, mode: 'test', noise: false }));
}

/** Options of `taskVariance`. */
export interface TaskVarianceOptions {
  /** Tasks (learned by the model), in column order. */
  readonly tasks: readonly Task[];
  /** Task options of the grids besides mode and noise. */
  readonly taskOptions?: Partial<TaskOptions>;
  /** Default `ACTIVE_UNIT_THRESHOLD`. */
  readonly activeThreshold?: number;
  readonly signal?: AbortSignal;
}

/** Task variance of a trained model (see the module comment). */
export async function taskVariance(model: MultiTaskModel, options: TaskVarianceOptions): Promise<TaskVariance> {
  const n = model.hiddenSize;
  const columns: Float64Array[] = [];
  for (const task of options.tasks) {
    options.signal?.throwIfAborted();
    const batch = conditionGridBatch(task, options.taskOptions);
    const sums = new ConditionSums(batch, n);
    for (const { first, end, part } of batchParts(batch, ANALYSIS_TRIALS_AT_ONCE)) {
      // Noise off: a trial's states do not depend on the other trials of its pass (on the native engine to the bit).
      const evaluation = await model.evaluate(task.id, part, {
        noiseSeed: 0,
        perturbation: { kind: 'state-noise', scale: 0 },
        keepStates: true,
      });
      if (!evaluation.states) throw ignoredKeepStates(model.strategy);
      sums.add(evaluation.states, first, end);
    }
    columns.push(sums.variance());
  }
  const variance = Array.from({ length: n }, (_, unit) => columns.map((column) => column[unit]));
  return {
    tasks: options.tasks.map((task) => task.id),
    variance,
    ...normaliseTaskVariance(variance, options.activeThreshold),
  };
}
