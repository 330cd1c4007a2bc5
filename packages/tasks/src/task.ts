/**
 * The task contract: what a task is, the options it is generated with, and the batch it produces.
 * Pure TypeScript over `Float32Array`; no compute library. Layout conventions: docs/architecture.md.
 */
import type { PluginMeta } from './plugin-shape.js';
import type { TaskScore } from './scores.js';

/** How trial conditions are chosen. */
export type GenerationMode =
  /** Conditions drawn from the task's distributions (training). */
  | 'random'
  /**
   * The task's deterministic grid of conditions (analysis, golden tests): no random conditions. Input noise
   * still follows `noise` (as in the reference); with `noise: false` the batch is fully deterministic.
   */
  | 'test'
  /** Conditions given by the caller in `TaskOptions.conditions`. */
  | 'psychometric';

/** Options every task understands. Validated once, at the boundary, by `resolveTaskOptions`. */
export interface TaskOptions {
  /** Time step in ms. Default 20. */
  readonly dt: number;
  /** Units per stimulus ring and in the output ring. Default 32. */
  readonly ringSize: number;
  /** Trials per batch in `random` mode (`test` mode uses the grid size; `psychometric` the conditions). Default 64. */
  readonly batchSize: number;
  /** Input noise on or off. Default true. */
  readonly noise: boolean;
  /** σ_x: input noise has standard deviation σ_x·√(2/α) with α = dt/τ. Default 0.01. */
  readonly inputNoiseSigma: number;
  /** Membrane time constant τ in ms (used only to scale the input noise, as in Yang et al.). Default 100. */
  readonly tau: number;
  readonly mode: GenerationMode;
  /**
   * Rule ids spanned by the rule one-hot block of the input, in order; the active unit is the task's rule
   * (`taskRule(task)`, its id unless it declares another). Default: `composeRules([task])`, i.e. the 20 Yang
   * rules in reference order (85 inputs) for a Yang task. Tasks that share a network need one block:
   * `composeRules(tasks)` (the study, `compare` and module banks compose it for their tasks).
   */
  readonly rules: readonly string[];
  /** `psychometric` mode only: one condition object per trial, in the task's own condition type. */
  readonly conditions?: readonly Readonly<Record<string, unknown>>[];
}

/** Role of a group of input channels. MoLaP's corpus statistics use the `sensory` ones. */
export type InputRole = 'fixation' | 'sensory' | 'rule';

/** A named, contiguous group of channels. */
export interface ChannelGroup<Role extends string = string> {
  readonly name: string;
  readonly role: Role;
  /** Index of the first channel of the group. */
  readonly start: number;
  readonly size: number;
}

/** Input and output channels of a task under given options. */
export interface ChannelLayout {
  /** Input groups in order, covering [0, inputSize). */
  readonly inputs: readonly ChannelGroup<InputRole>[];
  /** Output groups in order, covering [0, outputSize). */
  readonly outputs: readonly ChannelGroup<'fixation' | 'response'>[];
  readonly inputSize: number;
  readonly outputSize: number;
}

/**
 * Descriptive metadata, as neurogym puts it on its environments: the meta of every molap plugin
 * (`PluginMeta`), with tags always given (a task registry lists tasks by tag; `[]` for none).
 */
export interface TaskMeta extends PluginMeta {
  /** Keywords, e.g. 'working memory' (optional, as for every plugin); `registry.list({ tag })` filters by them. */
  readonly tags?: readonly string[];
}

/**
 * A batch of trials, time-major. Element (t, b, c) of a `[T, B, C]` array is at `(t * B + b) * C + c`.
 * Trials shorter than `steps` (mixed-task batches) are padded with zeros and mask 0.
 */
export interface Batch {
  readonly taskId: string;
  /** T. */
  readonly steps: number;
  /** B. */
  readonly batchSize: number;
  /** nIn. */
  readonly inputSize: number;
  /** nOut. */
  readonly outputSize: number;
  /** Time step in ms. */
  readonly dt: number;
  /** [T, B, nIn]. */
  readonly inputs: Float32Array;
  /** [T, B, nOut]. */
  readonly targets: Float32Array;
  /** [T, B, nOut] loss weights, multiplied into the error before squaring. */
  readonly mask: Float32Array;
  /** [T, B] target direction in radians while a response is required, −1 while the network must fixate. */
  readonly targetAngle: Float32Array;
  /** [B] number of real (unpadded) steps of each trial. */
  readonly trialSteps: Int32Array;
  /** [B] step at which the response is cued (the go cue). */
  readonly goCue: Int32Array;
  /** Per period name: [B] start step and [B] end step (exclusive) of that period in each trial (−1: absent). */
  readonly epochs: Readonly<Record<string, { readonly start: Int32Array; readonly end: Int32Array }>>;
  readonly layout: ChannelLayout;
  /** [B] task id of each trial, set by `mixBatches` on mixed batches (absent: every trial is `taskId`). */
  readonly trialTasks?: readonly string[];
  /** How the trials are judged: the task's own score (`Task.score`); absent: Yang's last-step criterion. */
  readonly score?: TaskScore;
}

/**
 * A seeded pseudo-random generator. Every stochastic function of molap takes one; the same seed gives the
 * same stream on every platform. Created with `createRng(seed)`.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  integer(n: number): number;
  /** Standard normal sample. */
  normal(): number;
  /** Adds `std` × standard normal samples to `out[offset .. offset + count)` in place. */
  addNormal(out: Float32Array, std: number, offset?: number, count?: number): void;
  /** An independent generator derived from this one's seed and `key` (does not advance this one). */
  fork(key: number): Rng;
}

/** Version of the task contract; plugins declare the one they implement. */
export const TASK_API_VERSION = 1;

/**
 * A task: an immutable value with metadata, named channels and periods, and one function that builds a
 * whole batch. Register it in a `TaskRegistry` to make it available by id.
 */
export interface Task {
  /** Unique id: bare for the built-in Yang tasks (`fdgo`), `scope/name` (lower-kebab) for plugins. */
  readonly id: string;
  /** The task contract version the task implements (`TASK_API_VERSION`). */
  readonly apiVersion: number;
  /**
   * Version of the task itself, semver (`SEMVER_PATTERN`), e.g. '1.2.0': bump it when its trials change.
   * Optional; discovery gives a plugin task without one its package's version.
   */
  readonly version?: string;
  readonly meta: TaskMeta;
  /** Period (epoch) names in temporal order, e.g. `['fix1', 'stim1', 'delay1', 'go1']`. */
  readonly periods: readonly string[];
  /**
   * Rule identity: the id of the unit of the rule one-hot input this task switches on (`taskRule`).
   * Default: the task id. Variants of one task may share a rule. The rule block of a network is composed
   * from the rules of the tasks that share it (`composeRules`).
   */
  readonly rule?: string;
  /** Options this task prefers over the library defaults (e.g. a longer dt). */
  readonly defaults?: Partial<TaskOptions>;
  /**
   * How the task's trials are judged (default: Yang's criterion at the last step, `YANG19_SCORE`). A task
   * with a score puts it on every batch it generates (`Batch.score`), where evaluation finds it.
   */
  readonly score?: TaskScore;
  /** Input and output channels under the given options. */
  layout(options: TaskOptions): ChannelLayout;
  /**
   * Builds a batch. Deterministic: same `rng` state and options, same batch. In `test` mode `rng` is used
   * only for the input noise (none with `noise: false`). Options are already validated (`resolveTaskOptions`).
   */
  generate(rng: Rng, options: TaskOptions): Batch;
}
