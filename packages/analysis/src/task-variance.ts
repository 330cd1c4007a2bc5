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
  const { steps, batchSize } = batch;
  if (states.length !== steps * batchSize * hiddenSize) {
    throw new MolapError(
      'incompatible',
      `states have ${states.length} values, expected T·B·N = ${steps}·${batchSize}·${hiddenSize}`,
    );
  }
  const fixation = batch.epochs.fix1 ?? Object.values(batch.epochs)[0];
  const start = (b: number) => Math.max(0, fixation ? fixation.end[b] : 0);
  const sum = new Float64Array(hiddenSize);
  const squares = new Float64Array(hiddenSize);
  const total = new Float64Array(hiddenSize);
  let usedSteps = 0;
  for (let t = 0; t < steps; t++) {
    sum.fill(0);
    squares.fill(0);
    let count = 0;
    for (let b = 0; b < batchSize; b++) {
      if (t < start(b) || t >= batch.trialSteps[b]) continue;
      const offset = (t * batchSize + b) * hiddenSize;
      for (let i = 0; i < hiddenSize; i++) {
        const value = states[offset + i];
        sum[i] += value;
        squares[i] += value * value;
      }
      count++;
    }
    if (count < 2) continue;
    for (let i = 0; i < hiddenSize; i++) {
      const m = sum[i] / count;
      total[i] += Math.max(0, squares[i] / count - m * m);
    }
    usedSteps++;
  }
  if (usedSteps > 0) for (let i = 0; i < hiddenSize; i++) total[i] /= usedSteps;
  return total;
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
    const evaluation = await model.evaluate(task.id, batch, {
      noiseSeed: 0,
      perturbation: { kind: 'state-noise', scale: 0 },
      keepStates: true,
    });
    if (!evaluation.states) throw ignoredKeepStates(model.strategy);
    columns.push(unitVarianceAcrossConditions(evaluation.states, batch, n));
  }
  const variance = Array.from({ length: n }, (_, unit) => columns.map((column) => column[unit]));
  return {
    tasks: options.tasks.map((task) => task.id),
    variance,
    ...normaliseTaskVariance(variance, options.activeThreshold),
  };
}
