/**
 * A task as data, for people and programs (`molap tasks show`, `plot`, `export`): its metadata, resolved
 * options, channel layout and trial-length statistics, and the one batch those commands draw from.
 */
import { resolveTaskOptions } from './options.js';
import { createRng } from './rng.js';
import { taskRule } from './rules.js';
import { YANG19_SCORE } from './scores.js';
import type { Batch, ChannelLayout, GenerationMode, Task, TaskOptions } from './task.js';
import { type TrialLengthStats, trialLengthStats } from './trial-length.js';

/** Everything `describeTask` says about a task (plain JSON). */
export interface TaskDescription {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Package that registered it, or 'unknown'. */
  readonly source: string;
  /** The task's own version (`Task.version`, semver), when it has one. */
  readonly version?: string;
  /** The paper it comes from and where to read it, when the task gives them. */
  readonly paper?: string;
  readonly link?: string;
  readonly tags: string[];
  /** Named periods of a trial, in order. */
  readonly periods: string[];
  /** Its unit in the rule block composed for the tasks that share a network (`taskRule`). */
  readonly rule: string;
  /** How a trial is scored: the task's own score, else the Yang score (criterion null). */
  readonly score: { id: string; description: string; criterion: number | null };
  /** The task's own defaults (`Task.defaults`). */
  readonly taskDefaults: Partial<TaskOptions>;
  /** The resolved options, without the condition grid. */
  readonly options: Omit<TaskOptions, 'conditions'>;
  /** Input channel groups, in order, covering [0, inputSize). */
  readonly inputs: ChannelLayout['inputs'];
  /** Output channel groups, in order, covering [0, outputSize). */
  readonly outputs: ChannelLayout['outputs'];
  /** Trial lengths in steps of `dt`: random mode (with its seed) and the test grid. */
  readonly trialLength: { random: TrialLengthStats & { seed: number }; test: TrialLengthStats };
}

/** Options of `describeTask`. */
export interface DescribeTaskOptions {
  /** Task options (e.g. `tasks.options` of a config) over the task's defaults. */
  readonly taskOptions?: Partial<TaskOptions>;
  /** Seed of the random-mode trials measured. */
  readonly seed: number;
  /** Random-mode trials measured. */
  readonly trials: number;
  /** Package that registered the task (`TaskRegistry.source`). */
  readonly source?: string;
}

/**
 * The optional parts of a task's identity, those it gives: `version`, `paper`, `link` (an empty paper or
 * link counts as not given). Shared by `describeTask` and `listTasks`.
 */
export function identityFields(task: Task): { version?: string; paper?: string; link?: string } {
  const { paper, link } = task.meta;
  return {
    ...(task.version === undefined ? {} : { version: task.version }),
    ...(paper ? { paper } : {}),
    ...(link ? { link } : {}),
  };
}

/** The description of a task under the given options (see `TaskDescription`). */
export function describeTask(task: Task, options: DescribeTaskOptions): TaskDescription {
  const taskOptions = options.taskOptions ?? {};
  const resolved = resolveTaskOptions(task, taskOptions);
  const layout = task.layout(resolved);
  const { seed } = options;
  const random = trialLengthStats(task, { ...taskOptions, mode: 'random' }, { trials: options.trials, seed });
  const test = trialLengthStats(task, { ...taskOptions, mode: 'test' }, { seed });
  const { conditions: _conditions, ...shown } = resolved;
  return {
    id: task.id,
    name: task.meta.displayName,
    description: task.meta.description,
    source: options.source ?? 'unknown',
    ...identityFields(task),
    tags: [...(task.meta.tags ?? [])],
    periods: [...task.periods],
    rule: taskRule(task),
    score: task.score
      ? { id: task.score.id, description: task.score.description, criterion: task.score.criterion ?? null }
      : { id: YANG19_SCORE.id, description: YANG19_SCORE.description, criterion: null },
    taskDefaults: task.defaults ?? {},
    options: shown,
    inputs: layout.inputs,
    outputs: layout.outputs,
    trialLength: { random: { seed, ...random }, test },
  };
}

/**
 * The batch of `task` in `mode` drawn from `seed` under `taskOptions`: the same task, options, mode and seed
 * give the same batch (`molap tasks plot` draws trial i of the batch `molap tasks export` writes).
 * Shapes: inputs `[T, B, nIn]`, targets and mask `[T, B, nOut]`, time in steps of `dt` ms.
 */
export function taskBatch(
  task: Task,
  options: { readonly taskOptions?: Partial<TaskOptions>; readonly mode: GenerationMode; readonly seed: number },
): Batch {
  return task.generate(
    createRng(options.seed),
    resolveTaskOptions(task, { ...options.taskOptions, mode: options.mode }),
  );
}
