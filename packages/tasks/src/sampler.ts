/**
 * Multi-task sampling, as in Yang et al. 2019 training: every step draws one task (with the rule
 * probabilities) and a batch of that task. The batch of step s is a pure function of (seed, s): the step's
 * generator is `createRng(seed).fork(s)`, so a resumed run sees the same batches.
 */
import { InvalidOptionError } from './errors.js';
import { resolveTaskOptions } from './options.js';
import { createRng } from './rng.js';
import type { Batch, Rng, Task, TaskOptions } from './task.js';
import type { Yang19Rule } from './yang19/rules.js';

/**
 * Yang et al.'s rule weights for the paper networks (`rule_prob_map`): contextdm1 and contextdm2 × 5, every
 * other rule × 1, i.e. p = 5/28 ≈ 0.179 for each context task and 1/28 ≈ 0.036 for the others.
 */
export const YANG19_RULE_WEIGHTS: Readonly<Record<Yang19Rule, number>> = Object.freeze({
  fdgo: 1,
  reactgo: 1,
  delaygo: 1,
  fdanti: 1,
  reactanti: 1,
  delayanti: 1,
  dm1: 1,
  dm2: 1,
  contextdm1: 5,
  contextdm2: 5,
  multidm: 1,
  delaydm1: 1,
  delaydm2: 1,
  contextdelaydm1: 1,
  contextdelaydm2: 1,
  multidelaydm: 1,
  dmsgo: 1,
  dmsnogo: 1,
  dmcgo: 1,
  dmcnogo: 1,
});

/** Options of `createTaskSampler`. */
export interface TaskSamplerOptions {
  /** Tasks to sample from (at least one, distinct ids). */
  readonly tasks: readonly Task[];
  /**
   * Relative weights: an array parallel to `tasks`, or a record by task id where missing ids weigh 1 (as the
   * reference's `rule_prob_map`). Default: uniform. E.g. `YANG19_RULE_WEIGHTS`.
   */
  readonly weights?: readonly number[] | Readonly<Record<string, number>>;
  /** Seed of the sampler (a safe integer or a bigint). */
  readonly seed: number | bigint;
  /** Task options for every batch (validated once per task with `resolveTaskOptions`). */
  readonly options?: Partial<TaskOptions>;
}

/** Draws the batch of any training step, reproducibly. */
export interface TaskSampler {
  readonly tasks: readonly Task[];
  /** Probability of each task, parallel to `tasks` (sums to 1). */
  readonly probabilities: readonly number[];
  /** The resolved options of each task, parallel to `tasks`. */
  readonly options: readonly TaskOptions[];
  /** Index in `tasks` of the task of training step `step`. */
  taskIndexAt(step: number): number;
  /** The batch of training step `step` (0, 1, …): same seed and step, same batch. */
  batch(step: number): Batch;
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new InvalidOptionError('step', step, 'Pass the training step, an integer >= 0.');
  }
}

function resolveWeights(tasks: readonly Task[], weights: TaskSamplerOptions['weights']): number[] {
  let values: number[];
  if (weights === undefined) values = tasks.map(() => 1);
  else if (Array.isArray(weights)) {
    if (weights.length !== tasks.length) {
      throw new InvalidOptionError(
        'weights',
        weights,
        `Give one weight per task (${tasks.length}), or a record by task id such as { contextdm1: 5 }.`,
      );
    }
    values = [...weights];
  } else if (typeof weights === 'object' && weights !== null) {
    const record = weights as Readonly<Record<string, number>>;
    const ids = new Set(tasks.map((task) => task.id));
    for (const key of Object.keys(record)) {
      if (!ids.has(key)) {
        throw new InvalidOptionError(
          `weights.${key}`,
          record[key],
          `No task '${key}' in tasks; the ids are ${[...ids].join(', ')}.`,
        );
      }
    }
    values = tasks.map((task) => record[task.id] ?? 1);
  } else {
    throw new InvalidOptionError(
      'weights',
      weights,
      'Pass an array of numbers parallel to tasks or a record by task id.',
    );
  }
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InvalidOptionError(
        `weights[${index}]`,
        value,
        'Weights are relative frequencies: finite numbers >= 0.',
      );
    }
  });
  if (values.every((value) => value === 0)) {
    throw new InvalidOptionError('weights', weights, 'At least one task needs a weight > 0.');
  }
  return values;
}

/**
 * Creates a sampler that draws one task per step (with `weights`) and a batch of it, as the reference
 * training loop does. Pure in (seed, step): `sampler.batch(s)` can be called in any order.
 */
export function createTaskSampler({ tasks, weights, seed, options = {} }: TaskSamplerOptions): TaskSampler {
  if (!Array.isArray(tasks) || tasks.length === 0) {
    throw new InvalidOptionError('tasks', tasks, 'Pass a non-empty array of tasks, e.g. yang19.');
  }
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.id))
      throw new InvalidOptionError(
        'tasks',
        task.id,
        `Task '${task.id}' is listed twice; list each task once and use weights for frequencies.`,
      );
    seen.add(task.id);
  }
  const values = resolveWeights(tasks, weights);
  const total = values.reduce((sum, value) => sum + value, 0);
  const probabilities = values.map((value) => value / total);
  const cumulative = new Float64Array(probabilities.length);
  let running = 0;
  probabilities.forEach((p, i) => {
    running += p;
    cumulative[i] = running;
  });
  const resolved = tasks.map((task) => resolveTaskOptions(task, options));
  const root = createRng(seed);

  const pick = (rng: Rng): number => {
    const u = rng.uniform() * running;
    let last = 0;
    for (let i = 0; i < cumulative.length; i++) {
      if (probabilities[i] === 0) continue;
      if (u < cumulative[i]) return i;
      last = i;
    }
    return last; // u within rounding of the total
  };

  return Object.freeze({
    tasks: Object.freeze([...tasks]),
    probabilities: Object.freeze(probabilities),
    options: Object.freeze(resolved),
    taskIndexAt(step: number): number {
      checkStep(step);
      return pick(root.fork(step));
    },
    batch(step: number): Batch {
      checkStep(step);
      const rng = root.fork(step);
      const index = pick(rng);
      return tasks[index].generate(rng, resolved[index]);
    },
  });
}
