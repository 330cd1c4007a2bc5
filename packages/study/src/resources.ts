/**
 * The resource plan of a study, made from its options before any work: how much memory each stage will
 * allocate (batch arrays, recurrent states, weights and optimiser moments, the corpus sample, the states
 * kept for analyses), so that a value too large for the machine is refused at once, with the option named,
 * instead of a process that grows silently until the kernel kills it. Threads and workers beyond the cores
 * are capped with a note.
 *
 * The figures are estimates of the float32 arrays the stages hold at their peak (not of Node's own
 * overhead): a stage is refused when its estimate alone exceeds the limit.
 */
import { availableParallelism, totalmem } from 'node:os';
import { MolapError } from '@molap/core';
import { createRng, resolveTaskOptions, type Task, type TaskOptions, trialLengthStats } from '@molap/tasks';

/** Bytes of a float32. */
const F32 = 4;
/** Time step at which trial lengths are measured when the run's is finer (lengths scale as 1/dt). */
const PROBE_DT_MS = 1;
/** Trials sampled to measure the longest trial of a task. */
const PROBE_TRIALS = 16;

/** One allocation of a stage: what it is, its bytes, and the options that set its size (config key and flag). */
export interface ResourceItem {
  readonly stage: 'pre-training' | 'learning' | 'analysis';
  /** What is allocated, with its shape, e.g. `batch arrays [T=150, B=64, 85 channels]`. */
  readonly what: string;
  readonly bytes: number;
  /** What to change, option by option, e.g. `lower run.budget.batchSize (--batch-size, now 64)`. */
  readonly options: readonly string[];
}

/** The resource plan: the allocations of each stage and the limit they are checked against. */
export interface ResourcePlan {
  readonly items: readonly ResourceItem[];
  /** Peak bytes of each stage (its items summed). */
  readonly stages: Readonly<Record<ResourceItem['stage'], number>>;
  /** Longest trial of the run's tasks, in steps of dt. */
  readonly trialSteps: number;
}

/** What the estimate reads: the resolved sizes of a plan. */
export interface ResourceInput {
  readonly tasks: readonly Task[];
  readonly corpus: readonly Task[];
  readonly taskOptions: Partial<TaskOptions>;
  /** Learning batch size and evaluation trials per task. */
  readonly batchSize: number;
  readonly evalTrials: number;
  /** Hidden units of each model (its name and N). */
  readonly models: readonly { readonly name: string; readonly units: number; readonly option: string }[];
  readonly analysisTrials: number;
  readonly bank?: {
    readonly trialsPerTask: number;
    readonly batchSize: number;
    readonly moduleSize: number;
    readonly k: number;
    readonly workers: number;
  };
}

const GB = 1024 ** 3;
/** Bytes in words: `1.5 GB`, `320 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 4) return `${(bytes / 1024 ** 4).toPrecision(3)} TB`;
  if (bytes >= GB) return `${(bytes / GB).toPrecision(3)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toPrecision(3)} MB`;
  return `${Math.ceil(bytes / 1024)} kB`;
}

/**
 * A size such as `512M`, `4G`, `1.5g`, `2T` or a number of bytes, in bytes.
 * @throws MolapError 'invalid-option' naming `option`.
 */
export function parseByteSize(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  const value = match ? Number(match[1]) * 1024 ** ' kmgt'.indexOf(match[2].toLowerCase() || ' ') : Number.NaN;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new MolapError('invalid-option', `${option} must be a size such as 512M, 4G or 1.5G, got "${text}"`, {
      hint: `e.g. ${option} 8G`,
    });
  }
  return Math.round(value);
}

/**
 * Longest trial of `task` under `options`, in steps of their dt, measured at a coarser dt when the run's is
 * fine (a trial of 10⁷ steps is never generated to measure it).
 */
export function longestTrialSteps(task: Task, options: Partial<TaskOptions>): number {
  const resolved = resolveTaskOptions(task, options);
  const probeDt = Math.max(resolved.dt, PROBE_DT_MS);
  const ring = Math.min(resolved.ringSize, 32);
  const probe = { ...options, dt: probeDt, tau: Math.max(resolved.tau, probeDt), ringSize: ring, batchSize: 1 };
  const stats = trialLengthStats(task, probe as Partial<TaskOptions>, { trials: PROBE_TRIALS, seed: 0 });
  return Math.ceil((stats.max * probeDt) / resolved.dt);
}

/** The resource plan of a study's sizes (see the module comment). */
export function estimateResources(input: ResourceInput): ResourcePlan {
  const dtOption = `raise tasks.options.dt (now ${resolveTaskOptions(input.tasks[0], input.taskOptions).dt} ms)`;
  let trialSteps = 0;
  let channels = 0;
  let outputs = 0;
  let inputs = 0;
  for (const task of input.tasks) {
    trialSteps = Math.max(trialSteps, longestTrialSteps(task, input.taskOptions));
    const layout = task.layout(resolveTaskOptions(task, input.taskOptions));
    inputs = Math.max(inputs, layout.inputSize);
    outputs = Math.max(outputs, layout.outputSize);
  }
  // A batch holds inputs, targets and mask [T, B, channels] and the target angle [T, B].
  channels = inputs + 2 * outputs + 1;
  const ringOption = `lower tasks.options.ringSize (now ${resolveTaskOptions(input.tasks[0], input.taskOptions).ringSize})`;
  const T = trialSteps;
  const items: ResourceItem[] = [];
  const largest = input.models.reduce((a, b) => (b.units > a.units ? b : a), input.models[0]);
  if (largest) {
    const N = largest.units;
    // Weights W_rec [N, N], W_in [N, nIn], W_out [nOut, N] with gradients and two Adam moments: 4 copies.
    items.push({
      stage: 'learning',
      what: `${largest.name}: weights, gradients and Adam moments (4 × [N=${N}, N + ${inputs} + ${outputs}])`,
      bytes: 4 * N * (N + inputs + outputs) * F32,
      options: [largest.option],
    });
    // Training keeps the states and their pre-activations [T, B, N] for backpropagation through time, and a gradient.
    items.push({
      stage: 'learning',
      what: `batch arrays [T=${T}, B=${input.batchSize}, ${channels} channels] and states 3 × [T, B, N=${N}]`,
      bytes: T * input.batchSize * (channels + 3 * N) * F32,
      options: [
        `lower run.budget.batchSize (--batch-size, now ${input.batchSize})`,
        dtOption,
        ringOption,
        largest.option,
      ],
    });
    items.push({
      stage: 'learning',
      what: `evaluation batch [T=${T}, ${input.evalTrials} trials, ${channels} channels] and states [T, trials, N]`,
      bytes: T * input.evalTrials * (channels + N) * F32,
      options: [`lower run.budget.evalTrials (--eval-trials, now ${input.evalTrials})`, dtOption],
    });
    // The analyses keep the hidden states of every analysis trial of every task [T, trials, N].
    items.push({
      stage: 'analysis',
      what: `states kept for the analyses [${input.tasks.length} tasks × T=${T}, ${input.analysisTrials} trials, N=${N}] and a batch`,
      bytes: input.tasks.length * T * input.analysisTrials * N * F32 + T * input.analysisTrials * (channels + N) * F32,
      options: [`lower run.analysisTrials (--analysis-trials, now ${input.analysisTrials})`, dtOption, largest.option],
    });
  }
  const bank = input.bank;
  if (bank) {
    // The corpus sample: inputs and outputs of every trial [trials × T, nIn + nOut], and its histories (×2).
    items.push({
      stage: 'pre-training',
      what: `corpus sample [${input.corpus.length} tasks × ${bank.trialsPerTask} trials × T=${T}, ${inputs + outputs} channels] and its histories`,
      bytes: 2 * input.corpus.length * bank.trialsPerTask * T * (inputs + outputs) * F32,
      options: [`lower run.bank.corpus.trialsPerTask (now ${bank.trialsPerTask})`, dtOption],
    });
    items.push({
      stage: 'pre-training',
      what: `module batches of ${bank.workers} worker${bank.workers === 1 ? '' : 's'} [T=${T}, B=${bank.batchSize}, ${channels} channels] and states 3 × [T, B, m=${bank.moduleSize}]`,
      bytes: bank.workers * T * bank.batchSize * (channels + 3 * bank.moduleSize) * F32,
      options: [
        `lower run.bank.batchSize (now ${bank.batchSize})`,
        `lower run.bank.workers (--workers, now ${bank.workers})`,
        `lower run.bank.moduleSize (--module-size, now ${bank.moduleSize})`,
        dtOption,
      ],
    });
  }
  const stages = { 'pre-training': 0, learning: 0, analysis: 0 };
  for (const item of items) stages[item.stage] += item.bytes;
  return { items, stages, trialSteps: T };
}

/** The memory a study may use: `--max-memory` when given, else the machine's memory (`os.totalmem()`). */
export function memoryLimit(maxMemory?: number): { bytes: number; source: string } {
  const machine = totalmem();
  if (maxMemory !== undefined && maxMemory < machine) return { bytes: maxMemory, source: '--max-memory' };
  return { bytes: machine, source: "this machine's memory" };
}

/**
 * Refuses (exit 2, 'resource-limit') a plan whose stage needs more memory than `limit`, naming the stage,
 * the largest allocation with its shape and the options that set its size.
 */
export function checkResources(
  plan: ResourcePlan,
  limit: { bytes: number; source: string },
  /** Why the stages count several times, e.g. '2 jobs at once': then also a hint to run fewer. */
  parallel?: string,
): void {
  for (const stage of ['pre-training', 'learning', 'analysis'] as const) {
    if (plan.stages[stage] <= limit.bytes) continue;
    const items = plan.items.filter((item) => item.stage === stage);
    const worst = items.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    throw new MolapError(
      'resource-limit',
      `${stage} would need about ${formatBytes(plan.stages[stage])}${parallel ? ` (${parallel})` : ''}, more than ${limit.source} (${formatBytes(limit.bytes)}): ${worst.what} take ${formatBytes(worst.bytes)}`,
      {
        kind: 'bad-input',
        hint: `${worst.options.join(', or ')}${parallel && stage !== 'pre-training' ? ', or run fewer jobs at once (--jobs 1)' : ''}${limit.source === '--max-memory' ? ', or raise --max-memory' : ''}`,
      },
    );
  }
}

/** A count capped at the machine's cores, with a note when it was capped. */
export function capAtCores(value: number | undefined, what: string, cores = availableParallelism()) {
  if (value === undefined || value <= cores) return { value, note: undefined };
  return { value: cores, note: `${what} ${value} is capped at the ${cores} cores of this machine` };
}

/** Size above which an export asks for `--force` (256 MB): a file that large is rarely what was meant. */
export const EXPORT_FORCE_BYTES = 256 * 1024 ** 2;

/** The size of one batch of `task` under `options`, before it is generated. */
export interface BatchEstimate {
  /** Longest trial, in steps of dt. */
  readonly steps: number;
  readonly batchSize: number;
  /** Channels of inputs, targets and mask, and the target angle. */
  readonly channels: number;
  /** Bytes of the float32 arrays `[T, B, channels]`. */
  readonly bytes: number;
}

/**
 * How large one batch of `task` would be (e.g. for `molap tasks export`), measured on a probe batch at a
 * coarse dt (and at most 32 ring units) and scaled, so a huge batch is never built to find out.
 */
export function estimateBatch(task: Task, options: Partial<TaskOptions>): BatchEstimate {
  const resolved = resolveTaskOptions(task, options);
  const probeDt = Math.max(resolved.dt, PROBE_DT_MS);
  const probe = resolveTaskOptions(task, {
    ...options,
    dt: probeDt,
    tau: Math.max(resolved.tau, probeDt),
    ringSize: Math.min(resolved.ringSize, 32),
    batchSize: Math.min(resolved.batchSize, 8),
    noise: false,
  });
  const layout = task.layout(resolved);
  const channels = layout.inputSize + 2 * layout.outputSize + 1;
  const lengths = resolved.mode === 'random' ? longestTrialSteps(task, options) : Number.NaN;
  let steps = lengths;
  let batchSize = resolved.batchSize;
  if (resolved.mode !== 'random') {
    const batch = task.generate(createRng(0), probe);
    steps = Math.ceil((batch.steps * probeDt) / resolved.dt);
    batchSize = batch.batchSize;
  }
  return { steps, batchSize, channels, bytes: steps * batchSize * channels * F32 };
}

/**
 * Refuses, before the batch is built, an export of `task` under `options` that cannot fit in memory, or that
 * is larger than `EXPORT_FORCE_BYTES` without `force`, naming its shape and the options that set it.
 * @throws MolapError 'usage' (bad input) with the options to change.
 */
export function checkExportSize(task: Task, options: Partial<TaskOptions>, force: boolean): BatchEstimate {
  const estimate = estimateBatch(task, options);
  const shape = `${estimate.batchSize} trials × ${estimate.steps} steps × ${estimate.channels} channels (float32)`;
  const fix = 'lower --batch-size, raise tasks.options.dt or lower tasks.options.ringSize';
  const limit = memoryLimit();
  if (estimate.bytes > limit.bytes) {
    throw new MolapError(
      'usage',
      `the batch would take about ${formatBytes(estimate.bytes)} (${shape}), more than ${limit.source} (${formatBytes(limit.bytes)})`,
      { hint: fix },
    );
  }
  if (estimate.bytes > EXPORT_FORCE_BYTES && !force) {
    throw new MolapError(
      'usage',
      `the export would write about ${formatBytes(estimate.bytes)} (${shape}), more than ${formatBytes(EXPORT_FORCE_BYTES)}`,
      { hint: `add --force to write it anyway, or ${fix}` },
    );
  }
  return estimate;
}
