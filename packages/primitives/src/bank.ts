/**
 * Module banks: MoLaP's structural bias as plain data. A bank holds k recurrent modules of `moduleSize`
 * units (no connections between them), frozen after pre-training, with what is needed to reuse and
 * reproduce them: the channel layout of the corpus tasks, the latent primitives the modules were trained to
 * produce, the corpus, the seeds, the options and the training log.
 *
 * The k modules are stored as one block-diagonal network (`bank.network`), which is exactly how MoLaP
 * assembles them:
 *
 *   config     { inputSize: nIn, hiddenSize: k·m, outputSize: k, modules: [m, …, m], outputActivation: 'linear' }
 *   W_in       [k·m, nIn]  rows i·m … (i+1)·m − 1 are module i's input weights (sensory and rule columns)
 *   W_rec      [k·m, k·m]  block-diagonal, block i is module i's recurrence
 *   b_rec      [k·m]       module biases
 *   W_out      [k, k·m]    row i reads block i only: module i's scalar readout of its latent v_i
 *   b_out      [k]
 *
 * Running `bank.network` on a corpus batch gives the k latent estimates v̂_i(t) as outputs.
 */
import {
  type Activation,
  initRnnParameters,
  type JsonValue,
  type RecurrentInit,
  type RnnConfig,
  type RnnParameters,
  validateConfig,
} from '@molap/backend';
import { deriveSeed, InvalidValueError, MolapError } from '@molap/core';
import {
  type ChannelGroup,
  type InputRole,
  resolveTaskOptions,
  type Task,
  type TaskOptions,
  taskRule,
} from '@molap/tasks';
import type { BankLatents, ExtractorRecord } from './extractor.js';
import { assertPositiveInteger } from './sample.js';

/** Default units per module (MoLaP §3). */
export const DEFAULT_MODULE_SIZE = 32;
/**
 * Default recurrent nonlinearity of the modules: tanh. A deviation from the softplus of the paper's
 * networks (the spec's default φ), for stability: modules regress unbounded, unit-variance latents through
 * a linear readout, and softplus modules trained on the CCA latents of the nine-task corpus grew their
 * recurrent weights until their activity exploded (NaN at step 1699 of 3000 for module 2 with Adam 1e-3;
 * still spiking with 3e-4), while tanh modules trained stably (README, "Module pre-training"). Softplus and
 * relu stay available through `activation`.
 */
export const DEFAULT_MODULE_ACTIVATION: Activation = 'tanh';
/** Default σ_rec of the modules (Yang et al.). */
export const DEFAULT_MODULE_RECURRENT_NOISE = 0.05;

/** Output channel groups of a layout. */
export type OutputGroup = ChannelGroup<'fixation' | 'response'>;

/** The channel layout and time constants of the tasks a bank was built for. */
export interface BankLayout {
  /** Input channels of the corpus tasks, nIn (85 at the Yang defaults). */
  readonly inputSize: number;
  /** Input channel groups, in order (fixation, sensory rings, rule one-hot). */
  readonly inputGroups: readonly ChannelGroup<InputRole>[];
  /** Task ids spanned by the rule one-hot block, in order (`TaskOptions.rules`); [] without a rule group. */
  readonly rules: readonly string[];
  /** Output channels, nOut (33 at the Yang defaults). */
  readonly outputSize: number;
  readonly outputGroups: readonly OutputGroup[];
  /** Time step in ms. */
  readonly dt: number;
  /** Membrane time constant τ in ms; the modules' leak is α = dt/τ. */
  readonly tau: number;
}

/** The bank layout of `task` under `taskOptions` (resolved with the task's and the library's defaults). */
export function bankLayout(task: Task, taskOptions: Partial<TaskOptions> = {}): BankLayout {
  const options = resolveTaskOptions(task, { ...taskOptions, mode: 'random' });
  const layout = task.layout(options);
  const hasRules = layout.inputs.some((group) => group.role === 'rule');
  return {
    inputSize: layout.inputSize,
    inputGroups: layout.inputs.map((group) => ({ ...group })),
    rules: hasRules ? [...options.rules] : [],
    outputSize: layout.outputSize,
    outputGroups: layout.outputs.map((group) => ({ ...group })),
    dt: options.dt,
    tau: options.tau,
  };
}

/** Input channels whose role is `fixation` or `sensory`, in layout order (65 at the Yang defaults). */
export function sensoryChannels(layout: Pick<BankLayout, 'inputGroups'>): number[] {
  const channels: number[] = [];
  for (const group of layout.inputGroups) {
    if (group.role === 'fixation' || group.role === 'sensory') {
      for (let c = 0; c < group.size; c++) channels.push(group.start + c);
    }
  }
  return channels;
}

/** The input channel of the rule unit of `taskId` in `layout`, or −1 when the layout has no unit for it. */
export function ruleChannel(layout: Pick<BankLayout, 'inputGroups' | 'rules'>, taskId: string): number {
  const group = layout.inputGroups.find((g) => g.role === 'rule');
  const index = layout.rules.indexOf(taskId);
  if (!group || index < 0 || index >= group.size) return -1;
  return group.start + index;
}

/** Dynamics shared by the modules of a bank. */
export interface ModuleDynamics {
  /** Recurrent nonlinearity φ. Default softplus. */
  readonly activation: Activation;
  /** σ_rec of the modules. Default 0.05. */
  readonly recurrentNoise: number;
}

/** The engine config of one module: nIn inputs, `moduleSize` units, one linear output (its latent). */
export function moduleConfig(layout: BankLayout, moduleSize: number, dynamics: ModuleDynamics): RnnConfig {
  return {
    inputSize: layout.inputSize,
    hiddenSize: moduleSize,
    outputSize: 1,
    activation: dynamics.activation,
    outputActivation: 'linear',
    alpha: layout.dt / layout.tau,
    recurrentNoise: dynamics.recurrentNoise,
  };
}

/** The engine config of a bank's network: k modules of `moduleSize` units and k linear latent outputs. */
export function bankNetworkConfig(
  layout: BankLayout,
  k: number,
  moduleSize: number,
  dynamics: ModuleDynamics,
): RnnConfig {
  return {
    ...moduleConfig(layout, moduleSize, dynamics),
    hiddenSize: k * moduleSize,
    outputSize: k,
    modules: Array.from({ length: k }, () => moduleSize),
  };
}

/** The corpus a bank was pre-trained on. */
export interface BankCorpus {
  /** Corpus task ids, in order. */
  readonly taskIds: readonly string[];
  /** Task options of the corpus batches (JSON), besides `mode` and `batchSize`. */
  readonly taskOptions: { readonly [key: string]: JsonValue };
}

/** What pre-training one module did. */
export interface ModuleLog {
  /** Module index, 0 … k−1. */
  readonly module: number;
  /** Seed of the module's initialisation, batches and noise. */
  readonly seed: number;
  /** Optimiser steps completed. */
  readonly steps: number;
  /** Mean training loss over windows of `logEvery` steps: `{ step, loss }` (step = steps completed). */
  readonly lossCurve: readonly { readonly step: number; readonly loss: number }[];
  /**
   * Fit of the module's latent on held-out corpus trials: 1 − SSE/SST over the masked time steps of every
   * corpus task pooled (SST around the held-out mean). Null for random banks.
   */
  readonly heldOutR2: number | null;
  /** Wall-clock seconds of the module's training (not deterministic; for reports only). */
  readonly seconds: number;
}

/** Kinds of bank: pre-trained on a corpus, or random (initialised and frozen, never trained; an ablation). */
export type ModuleBankKind = 'pretrained' | 'random';

/** A bank of k frozen modules and everything needed to reuse and reproduce them. Plain data. */
export interface ModuleBank {
  readonly kind: ModuleBankKind;
  /** Number of modules. */
  readonly k: number;
  /** Units per module, m. */
  readonly moduleSize: number;
  readonly layout: BankLayout;
  /** The modules as one block-diagonal network (see the module comment for the layout). */
  readonly network: { readonly config: RnnConfig; readonly parameters: RnnParameters };
  /** The latents module i was trained to produce (v_i); null for random banks. */
  readonly primitives: BankLatents | null;
  /** The extractor that built the latents (id, version, options, teacher fingerprint); null for random banks. */
  readonly extractor: ExtractorRecord | null;
  /** The pre-training corpus; null for random banks. */
  readonly corpus: BankCorpus | null;
  /** The bank seed; module i's seed is `moduleSeed(seed, i)`. */
  readonly seed: number;
  /** Seed of each module. */
  readonly moduleSeeds: readonly number[];
  /** The resolved options the bank was built with (JSON). */
  readonly options: { readonly [key: string]: JsonValue };
  /** One entry per module. */
  readonly log: readonly ModuleLog[];
}

/** Random streams of a bank seed. */
export const BANK_STREAM = { modules: 11, heldOut: 12, pool: 13 } as const;

/** The seed of module `index` of a bank with seed `seed`: independent of k and of the other modules. */
export function moduleSeed(seed: number, index: number): number {
  return deriveSeed(seed, BANK_STREAM.modules, index);
}

/** Options of `initialModuleParameters` and `createRandomModuleBank`. */
export interface ModuleInitOptions {
  /** W_rec initialisation of each module: 'diag' (default, 0.5·I) or 'randortho'. */
  readonly recurrentInit?: RecurrentInit;
  /** Scale of the W_rec initialisation. Default 0.5. */
  readonly recurrentScale?: number;
}

/** The initial parameters of one module (Yang et al.'s initialisation, `initRnnParameters`) from its seed. */
export function initialModuleParameters(
  config: RnnConfig,
  seed: number,
  options: ModuleInitOptions = {},
): RnnParameters {
  return initRnnParameters(config, {
    seed,
    ...(options.recurrentInit ? { recurrentInit: options.recurrentInit } : {}),
    ...(options.recurrentScale !== undefined ? { recurrentScale: options.recurrentScale } : {}),
  });
}

/**
 * Stacks k single-module parameter sets (each for `moduleConfig`: [m, nIn], [m, m], [m], [1, m], [1]) into
 * the parameters of the bank network (`bankNetworkConfig`).
 */
export function assembleModules(modules: readonly RnnParameters[], config: RnnConfig): RnnParameters {
  const k = modules.length;
  const m = config.hiddenSize / k;
  const nIn = config.inputSize;
  const n = k * m;
  const parameters: RnnParameters = {
    inputWeights: new Float32Array(n * nIn),
    recurrentWeights: new Float32Array(n * n),
    recurrentBias: new Float32Array(n),
    outputWeights: new Float32Array(k * n),
    outputBias: new Float32Array(k),
  };
  modules.forEach((module, i) => {
    const start = i * m;
    parameters.inputWeights.set(module.inputWeights, start * nIn);
    for (let row = 0; row < m; row++) {
      parameters.recurrentWeights.set(
        module.recurrentWeights.subarray(row * m, (row + 1) * m),
        (start + row) * n + start,
      );
    }
    parameters.recurrentBias.set(module.recurrentBias, start);
    parameters.outputWeights.set(module.outputWeights, i * n + start);
    parameters.outputBias[i] = module.outputBias[0];
  });
  return parameters;
}

/** The parameters of module `index` on its own (for `moduleConfig`), copied out of the bank network. */
export function moduleParameters(bank: ModuleBank, index: number): RnnParameters {
  if (!(Number.isInteger(index) && index >= 0 && index < bank.k)) {
    throw new InvalidValueError(
      `module index ${index} is out of range: the bank has ${bank.k} modules (0..${bank.k - 1})`,
    );
  }
  const { moduleSize: m, k } = bank;
  const n = k * m;
  const nIn = bank.layout.inputSize;
  const start = index * m;
  const { parameters } = bank.network;
  const recurrentWeights = new Float32Array(m * m);
  for (let row = 0; row < m; row++) {
    recurrentWeights.set(
      parameters.recurrentWeights.subarray((start + row) * n + start, (start + row) * n + start + m),
      row * m,
    );
  }
  return {
    inputWeights: parameters.inputWeights.slice(start * nIn, (start + m) * nIn),
    recurrentWeights,
    recurrentBias: parameters.recurrentBias.slice(start, start + m),
    outputWeights: parameters.outputWeights.slice(index * n + start, index * n + start + m),
    outputBias: parameters.outputBias.slice(index, index + 1),
  };
}

/** Options of `createRandomModuleBank`. */
export interface RandomModuleBankOptions extends ModuleInitOptions, Partial<ModuleDynamics> {
  /** Channel layout of the tasks the bank will serve (`bankLayout(task, taskOptions)`). */
  readonly layout: BankLayout;
  /** Number of modules. Default 8 (as the default number of latents). */
  readonly k?: number;
  /** Units per module. Default 32. */
  readonly moduleSize?: number;
  /** Bank seed; module i is initialised from `moduleSeed(seed, i)`. */
  readonly seed: number;
}

/** Default number of modules of a random bank (the default number of latents). */
export const DEFAULT_RANDOM_BANK_MODULES = 8;

/**
 * A bank of random, frozen, never-trained modules: the `random-modules` ablation of MoLaP. Module i gets
 * exactly the initial parameters pre-training would start from with the same seed and options
 * (`initialModuleParameters(moduleConfig(…), moduleSeed(seed, i))`), so the ablation differs from MoLaP only
 * by the training of the modules.
 */
export function createRandomModuleBank(options: RandomModuleBankOptions): ModuleBank {
  const k = options.k ?? DEFAULT_RANDOM_BANK_MODULES;
  const moduleSize = options.moduleSize ?? DEFAULT_MODULE_SIZE;
  assertPositiveInteger(k, 'k (the number of modules)');
  assertPositiveInteger(moduleSize, 'moduleSize');
  if (!Number.isSafeInteger(options.seed)) throw new InvalidValueError(`seed must be an integer, got ${options.seed}.`);
  validateLayout(options.layout);
  const dynamics: ModuleDynamics = {
    activation: options.activation ?? DEFAULT_MODULE_ACTIVATION,
    recurrentNoise: options.recurrentNoise ?? DEFAULT_MODULE_RECURRENT_NOISE,
  };
  const single = moduleConfig(options.layout, moduleSize, dynamics);
  validateConfig(single);
  const seeds = Array.from({ length: k }, (_, i) => moduleSeed(options.seed, i));
  const init: ModuleInitOptions = {
    ...(options.recurrentInit ? { recurrentInit: options.recurrentInit } : {}),
    ...(options.recurrentScale !== undefined ? { recurrentScale: options.recurrentScale } : {}),
  };
  const config = bankNetworkConfig(options.layout, k, moduleSize, dynamics);
  const parameters = assembleModules(
    seeds.map((seed) => initialModuleParameters(single, seed, init)),
    config,
  );
  return {
    kind: 'random',
    k,
    moduleSize,
    layout: options.layout,
    network: { config, parameters },
    primitives: null,
    extractor: null,
    corpus: null,
    seed: options.seed,
    moduleSeeds: seeds,
    options: { k, moduleSize, ...dynamics, ...init },
    log: seeds.map((seed, module) => ({ module, seed, steps: 0, lossCurve: [], heldOutR2: null, seconds: 0 })),
  };
}

/** Checks a layout's structure; throws an InvalidValueError naming the problem. */
export function validateLayout(layout: BankLayout): void {
  if (layout === null || typeof layout !== 'object') {
    throw new InvalidValueError('layout must be a BankLayout', { hint: 'build it with bankLayout(task, taskOptions)' });
  }
  assertPositiveInteger(layout.inputSize, 'layout.inputSize');
  assertPositiveInteger(layout.outputSize, 'layout.outputSize');
  if (!(layout.dt > 0 && layout.tau >= layout.dt)) {
    throw new InvalidValueError(
      `layout needs 0 < dt ≤ tau (α = dt/τ in (0, 1]), got dt ${layout.dt} ms, tau ${layout.tau} ms.`,
    );
  }
  if (sensoryChannels(layout).length === 0) {
    throw new InvalidValueError('layout has no fixation or sensory input channel: the modules would see no stimulus.');
  }
}

/** How a task's channels map onto a bank. */
export interface TaskFit {
  /** The task's fixation and sensory input channels (indices into its inputs), in the bank's order. */
  readonly sensoryChannels: readonly number[];
  /** The bank's input channel of the task's rule unit (a column of the modules' W_in), or −1 if none. */
  readonly bankRuleChannel: number;
  /** Whether the task was in the bank's pre-training corpus. */
  readonly inCorpus: boolean;
  /** The task's layout. */
  readonly layout: BankLayout;
}

function groupSignature(groups: readonly ChannelGroup[]): string {
  return groups.map((group) => `${group.role}:${group.name}[${group.size}]`).join(', ');
}

/**
 * Checks that `task` (under `taskOptions`) fits `bank`: the same fixation/sensory input groups (names, roles,
 * sizes, order), the same output groups and the same α = dt/τ. The rule block may differ (a plugin task
 * without a rule unit in the bank fits). Throws a MolapError 'incompatible' that names what differs and what to do.
 */
export function fitTaskToBank(bank: ModuleBank, task: Task, taskOptions: Partial<TaskOptions> = {}): TaskFit {
  const layout = bankLayout(task, taskOptions);
  const bankSensory = bank.layout.inputGroups.filter((g) => g.role !== 'rule');
  const taskSensory = layout.inputGroups.filter((g) => g.role !== 'rule');
  if (groupSignature(bankSensory) !== groupSignature(taskSensory)) {
    throw new MolapError(
      'incompatible',
      `task '${task.id}' does not fit the module bank: its fixation/sensory inputs are [${groupSignature(taskSensory)}] but the bank's modules read [${groupSignature(bankSensory)}]`,
      { hint: "use tasks with the bank's input layout (same ringSize) or pre-train a bank on such tasks" },
    );
  }
  if (groupSignature(bank.layout.outputGroups) !== groupSignature(layout.outputGroups)) {
    throw new MolapError(
      'incompatible',
      `task '${task.id}' does not fit the module bank: its outputs are [${groupSignature(layout.outputGroups)}] but the bank was built for [${groupSignature(bank.layout.outputGroups)}]`,
      { hint: "use tasks with the bank's output layout (same ringSize)" },
    );
  }
  const alpha = layout.dt / layout.tau;
  const bankAlpha = bank.layout.dt / bank.layout.tau;
  if (alpha !== bankAlpha) {
    throw new MolapError(
      'incompatible',
      `task '${task.id}' does not fit the module bank: its α = dt/τ = ${layout.dt}/${layout.tau} differs from the bank's ${bank.layout.dt}/${bank.layout.tau}`,
      { hint: "generate the task with the bank's dt and tau" },
    );
  }
  return {
    sensoryChannels: sensoryChannels(layout),
    bankRuleChannel: ruleChannel(bank.layout, taskRule(task)),
    inCorpus: bank.corpus?.taskIds.includes(task.id) ?? false,
    layout,
  };
}
