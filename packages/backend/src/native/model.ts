/**
 * A leaky RNN living in the native engine's heap: parameters, gradients and Adam moments in one
 * canonical flat layout, batch buffers reused across calls (grown only when a larger batch arrives),
 * and the passes of `passes.ts` dispatched to the engine's threads.
 */
import {
  type AdamOptions,
  type EngineModel,
  type ForwardResult,
  type GradientClipping,
  type ModelOptions,
  type OptimizerState,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
  type RunOptions,
  type TrainableFlags,
  type TrainingBatch,
} from '../engine.js';
import { noiseSeedKeys } from '../noise.js';
import type { Heap } from './heap.js';
import { ACTIVATION_CODES, type Kernels, OUTPUT_CODES } from './kernels.js';
import type { PassJob } from './passes.js';
import { PHASE } from './protocol.js';
import type { PassRunner } from './threads.js';

/** Defaults of the optimiser and clipping (Yang et al. 2019). */
export const DEFAULT_ADAM: AdamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
export const DEFAULT_CLIPPING: GradientClipping = { kind: 'value', value: 1 };

/** What a model needs from its engine. */
export interface NativeContext {
  readonly heap: Heap;
  readonly kernels: Kernels;
  readonly runner: PassRunner;
  /** Byte offset of the noise tables in the heap. */
  readonly noiseTables: number;
}

const F32 = 4;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Checks a config at the boundary; returns the module list (one block when none is given). */
export function validateConfig(config: RnnConfig): number[] {
  const problems: string[] = [];
  for (const key of ['inputSize', 'hiddenSize', 'outputSize'] as const) {
    if (!isPositiveInteger(config[key])) problems.push(`${key} must be a positive integer (got ${config[key]})`);
  }
  if (!(config.activation in ACTIVATION_CODES)) {
    problems.push(`activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')} (got ${config.activation})`);
  }
  if (!(config.outputActivation in OUTPUT_CODES)) {
    problems.push(`outputActivation must be sigmoid or linear (got ${config.outputActivation})`);
  }
  if (!(config.alpha > 0 && config.alpha <= 1)) problems.push(`alpha must be in (0, 1] (got ${config.alpha})`);
  if (!(config.recurrentNoise >= 0)) problems.push(`recurrentNoise must be ≥ 0 (got ${config.recurrentNoise})`);
  const modules = config.modules ?? [config.hiddenSize];
  if (!modules.every(isPositiveInteger)) problems.push('modules must be positive integers');
  else if (modules.reduce((a, b) => a + b, 0) !== config.hiddenSize) {
    problems.push(`modules [${modules.join(', ')}] must sum to hiddenSize ${config.hiddenSize}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid RnnConfig: ${problems.join('; ')}`);
  return [...modules];
}

/** Element counts of each parameter tensor. */
function parameterSizes(config: RnnConfig): Record<ParameterName, number> {
  const { inputSize: nIn, hiddenSize: N, outputSize: nOut } = config;
  return {
    inputWeights: N * nIn,
    recurrentWeights: N * N,
    recurrentBias: N,
    outputWeights: nOut * N,
    outputBias: nOut,
  };
}

function shapeOf(config: RnnConfig, name: ParameterName): string {
  const { inputSize: nIn, hiddenSize: N, outputSize: nOut } = config;
  const shapes: Record<ParameterName, string> = {
    inputWeights: `[${N}, ${nIn}]`,
    recurrentWeights: `[${N}, ${N}]`,
    recurrentBias: `[${N}]`,
    outputWeights: `[${nOut}, ${N}]`,
    outputBias: `[${nOut}]`,
  };
  return shapes[name];
}

/** Buffers whose size depends on the batch (T, B); grouped so they are allocated together. */
interface BatchBuffers {
  /** Byte offset of each buffer. */
  pointers: Record<string, number>;
  /** Capacity of each buffer in bytes. */
  bytes: Record<string, number>;
}

export class NativeModel implements EngineModel {
  readonly config: RnnConfig;
  readonly trainable: TrainableFlags;
  private readonly modules: number[];
  private readonly adam: AdamOptions;
  private readonly clipping: GradientClipping;
  private readonly sizes: Record<ParameterName, number>;
  /** Float offsets of each tensor inside the flat parameter layout. */
  private readonly offsets: Record<ParameterName, number>;
  private readonly count: number;
  private readonly params: number;
  private readonly grads: number;
  private readonly firstMoment: number;
  private readonly secondMoment: number;
  private readonly recurrentT: number;
  private readonly outputT: number;
  private readonly unitMask: number;
  private readonly zeros: number;
  private forwardBuffers: BatchBuffers | undefined;
  private trainingBuffers: BatchBuffers | undefined;
  private transposesStale = true;
  private step = 0;
  private disposed = false;

  constructor(
    private readonly context: NativeContext,
    options: ModelOptions,
  ) {
    this.config = { ...options.config, modules: options.config.modules ? [...options.config.modules] : undefined };
    this.modules = validateConfig(this.config);
    const trainable = { ...options.trainable };
    for (const key of Object.keys(trainable)) {
      if (!PARAMETER_NAMES.includes(key as ParameterName)) {
        throw new RangeError(`trainable: unknown parameter "${key}"; known: ${PARAMETER_NAMES.join(', ')}`);
      }
    }
    this.trainable = Object.fromEntries(
      PARAMETER_NAMES.map((name) => [name, trainable[name] ?? true]),
    ) as TrainableFlags;
    this.adam = { ...DEFAULT_ADAM, ...options.adam };
    for (const [key, value] of Object.entries(this.adam)) {
      if (!Number.isFinite(value)) throw new RangeError(`adam.${key} must be a finite number (got ${value})`);
    }
    this.clipping = options.clipping ?? DEFAULT_CLIPPING;
    if (this.clipping.kind === 'value' && !(this.clipping.value > 0)) {
      throw new RangeError(`clipping.value must be > 0 (got ${this.clipping.value})`);
    }
    if (this.clipping.kind === 'norm' && !(this.clipping.maxNorm > 0)) {
      throw new RangeError(`clipping.maxNorm must be > 0 (got ${this.clipping.maxNorm})`);
    }
    this.sizes = parameterSizes(this.config);
    let offset = 0;
    const offsets = {} as Record<ParameterName, number>;
    for (const name of PARAMETER_NAMES) {
      offsets[name] = offset;
      offset += this.sizes[name];
    }
    this.offsets = offsets;
    this.count = offset;
    const { heap } = context;
    const N = this.config.hiddenSize;
    this.params = heap.allocate(this.count * F32);
    this.grads = heap.allocate(this.count * F32);
    this.firstMoment = heap.allocate(this.count * F32);
    this.secondMoment = heap.allocate(this.count * F32);
    this.recurrentT = heap.allocate(N * N * F32);
    this.outputT = heap.allocate(N * this.config.outputSize * F32);
    this.unitMask = heap.allocate(N * F32);
    this.zeros = heap.allocate(Math.max(N, this.config.outputSize) * F32);
    for (const name of PARAMETER_NAMES) {
      if (!(options.parameters?.[name] instanceof Float32Array)) {
        throw new TypeError(`parameters.${name} must be a Float32Array of shape ${shapeOf(this.config, name)}`);
      }
    }
    this.setParameters(options.parameters);
  }

  private f32(): Float32Array {
    return new Float32Array(this.context.heap.buffer());
  }

  private checkLive(): void {
    if (this.disposed) throw new Error('this native model was disposed');
  }

  private pointer(base: number, name: ParameterName): number {
    return base + this.offsets[name] * F32;
  }

  private copyOut(base: number, name: ParameterName): Float32Array {
    const start = (base >> 2) + this.offsets[name];
    return this.f32().slice(start, start + this.sizes[name]);
  }

  getParameters(): RnnParameters {
    this.checkLive();
    return Object.fromEntries(PARAMETER_NAMES.map((name) => [name, this.copyOut(this.params, name)])) as RnnParameters;
  }

  setParameters(parameters: Partial<RnnParameters>): void {
    this.checkLive();
    for (const [name, value] of Object.entries(parameters) as [ParameterName, Float32Array | undefined][]) {
      if (value === undefined) continue;
      if (!PARAMETER_NAMES.includes(name)) {
        throw new RangeError(`setParameters: unknown parameter "${name}"; known: ${PARAMETER_NAMES.join(', ')}`);
      }
      if (!(value instanceof Float32Array) || value.length !== this.sizes[name]) {
        throw new RangeError(
          `setParameters: ${name} must be a Float32Array of shape ${shapeOf(this.config, name)} ` +
            `(${this.sizes[name]} values), got ${value instanceof Float32Array ? value.length : typeof value}`,
        );
      }
    }
    const f32 = this.f32();
    for (const [name, value] of Object.entries(parameters) as [ParameterName, Float32Array | undefined][]) {
      if (value) f32.set(value, (this.params >> 2) + this.offsets[name]);
    }
    this.transposesStale = true;
  }

  /** Checks a batch against the config and returns its (T, B). */
  private checkBatch(batch: TrainingBatch): { T: number; B: number } {
    const T = batch.steps;
    const B = batch.batchSize;
    if (!isPositiveInteger(T) || !isPositiveInteger(B)) {
      throw new RangeError(`batch.steps and batch.batchSize must be positive integers (got ${T}, ${B})`);
    }
    const { inputSize: nIn, outputSize: nOut } = this.config;
    const expect = (name: 'inputs' | 'targets' | 'mask', channels: number) => {
      const array = batch[name];
      if (!(array instanceof Float32Array) || array.length !== T * B * channels) {
        throw new RangeError(
          `batch.${name} must be a Float32Array [T=${T}, B=${B}, ${channels}] (${T * B * channels} values), ` +
            `got ${array instanceof Float32Array ? array.length : typeof array}`,
        );
      }
    };
    expect('inputs', nIn);
    expect('targets', nOut);
    expect('mask', nOut);
    return { T, B };
  }

  /** (Re)allocates a group of batch buffers when the batch needs more room than it has. */
  private ensure(group: BatchBuffers | undefined, sizes: Record<string, number>): BatchBuffers {
    if (group && Object.entries(sizes).every(([name, bytes]) => bytes <= group.bytes[name])) return group;
    if (group) this.release(group);
    const pointers: Record<string, number> = {};
    for (const [name, bytes] of Object.entries(sizes)) pointers[name] = this.context.heap.allocate(bytes);
    return { pointers, bytes: { ...sizes } };
  }

  private release(group: BatchBuffers): void {
    for (const pointer of Object.values(group.pointers)) this.context.heap.free(pointer);
  }

  private refreshTransposes(): void {
    if (!this.transposesStale) return;
    const k = this.context.kernels;
    const { hiddenSize: N, outputSize: nOut } = this.config;
    let offset = 0;
    for (const size of this.modules) {
      const block = (offset * N + offset) * F32;
      k.transpose(size, size, this.pointer(this.params, 'recurrentWeights') + block, N, this.recurrentT + block, N);
      offset += size;
    }
    k.transpose(nOut, N, this.pointer(this.params, 'outputWeights'), N, this.outputT, nOut);
    this.transposesStale = false;
  }

  /** Runs the forward pass (and the gradient passes when `training`); returns the loss. */
  private run(batch: TrainingBatch, options: RunOptions, training: boolean): number {
    this.checkLive();
    const { T, B } = this.checkBatch(batch);
    const { inputSize: nIn, hiddenSize: N, outputSize: nOut } = this.config;
    const TB = T * B;
    const t = this.trainable;
    const bptt = training && (t.inputWeights || t.recurrentWeights || t.recurrentBias);
    this.forwardBuffers = this.ensure(this.forwardBuffers, {
      X: TB * nIn * F32,
      Y: TB * nOut * F32,
      M: TB * nOut * F32,
      H: (T + 1) * B * N * F32,
      Z: TB * nOut * F32,
      rowLoss: TB * 8,
    });
    if (training) {
      this.trainingBuffers = this.ensure(this.trainingBuffers, {
        D: TB * N * F32,
        dZ: TB * nOut * F32,
        carry: B * N * F32,
        dPre: B * N * F32,
        dPreT: N * TB * F32,
        HT: N * (T + 1) * B * F32,
        XT: nIn * TB * F32,
        dZT: nOut * TB * F32,
      });
    }
    const fb = this.forwardBuffers.pointers;
    const tb = this.trainingBuffers?.pointers ?? {};
    const f32 = this.f32();
    f32.set(batch.inputs, fb.X >> 2);
    f32.set(batch.targets, fb.Y >> 2);
    f32.set(batch.mask, fb.M >> 2);
    const mask = options.unitMask;
    if (mask !== undefined && (!(mask instanceof Float32Array) || mask.length !== N)) {
      throw new RangeError(`unitMask must be a Float32Array of length hiddenSize ${N}`);
    }
    if (mask) f32.set(mask, this.unitMask >> 2);
    else f32.fill(1, this.unitMask >> 2, (this.unitMask >> 2) + N);

    const noiseScale = options.noiseScale ?? 1;
    if (!Number.isFinite(noiseScale) || noiseScale < 0) {
      throw new RangeError(`noiseScale must be a finite number ≥ 0 (got ${noiseScale})`);
    }
    const noiseStd = this.config.recurrentNoise * Math.sqrt(2 / this.config.alpha) * noiseScale;
    let keys: [number, number] = [0, 0];
    if (noiseStd > 0) {
      if (options.noiseSeed === undefined) {
        throw new RangeError(
          'noiseSeed is required when recurrentNoise > 0 (pass a seed, or noiseScale: 0 to run without noise)',
        );
      }
      keys = noiseSeedKeys(options.noiseSeed);
    }
    if (bptt) this.refreshTransposes();
    const grad = (name: ParameterName) => this.pointer(this.grads, name);
    const param = (name: ParameterName) => this.pointer(this.params, name);
    const moduleSpans: number[] = [];
    let offset = 0;
    for (const size of this.modules) {
      moduleSpans.push(offset, size);
      offset += size;
    }
    const job: PassJob = {
      T,
      B,
      N,
      nIn,
      nOut,
      threads: this.context.runner.threads,
      activation: ACTIVATION_CODES[this.config.activation],
      outputActivation: OUTPUT_CODES[this.config.outputActivation],
      alpha: this.config.alpha,
      lossScale: 2 / (TB * nOut),
      training: training ? 1 : 0,
      bptt: bptt ? 1 : 0,
      trainInputWeights: training && t.inputWeights ? 1 : 0,
      trainRecurrentWeights: training && t.recurrentWeights ? 1 : 0,
      trainRecurrentBias: training && t.recurrentBias ? 1 : 0,
      trainOutputWeights: training && t.outputWeights ? 1 : 0,
      trainOutputBias: training && t.outputBias ? 1 : 0,
      noise: noiseStd > 0 ? 1 : 0,
      noiseKey0: keys[0],
      noiseKey1: keys[1],
      noiseStd,
      noiseTables: this.context.noiseTables,
      inputWeights: param('inputWeights'),
      recurrentWeights: param('recurrentWeights'),
      recurrentBias: param('recurrentBias'),
      outputWeights: param('outputWeights'),
      outputBias: param('outputBias'),
      recurrentWeightsT: this.recurrentT,
      outputWeightsT: this.outputT,
      unitMask: this.unitMask,
      zeros: this.zeros,
      X: fb.X,
      Y: fb.Y,
      M: fb.M,
      H: fb.H,
      Z: fb.Z,
      rowLoss: fb.rowLoss,
      D: tb.D ?? 0,
      dZ: tb.dZ ?? 0,
      carry: tb.carry ?? 0,
      dPre: tb.dPre ?? 0,
      dPreT: tb.dPreT ?? 0,
      HT: tb.HT ?? 0,
      XT: tb.XT ?? 0,
      dZT: tb.dZT ?? 0,
      gradInputWeights: grad('inputWeights'),
      gradRecurrentWeights: grad('recurrentWeights'),
      gradRecurrentBias: grad('recurrentBias'),
      gradOutputWeights: grad('outputWeights'),
      gradOutputBias: grad('outputBias'),
      modules: moduleSpans,
    };
    this.context.runner.run(PHASE.trials, job);
    if (training) this.context.runner.run(PHASE.weightGradients, job);
    const rowLoss = new Float64Array(this.context.heap.buffer(), fb.rowLoss, TB);
    let sum = 0;
    for (let i = 0; i < TB; i++) sum += rowLoss[i];
    return sum / (TB * nOut);
  }

  async forward(
    batch: TrainingBatch,
    options: RunOptions & { readonly keepStates?: boolean } = {},
  ): Promise<ForwardResult> {
    const loss = this.run(batch, options, false);
    const T = batch.steps;
    const B = batch.batchSize;
    const { hiddenSize: N, outputSize: nOut } = this.config;
    const f32 = this.f32();
    const { Z, H } = this.forwardBuffers!.pointers;
    const outputs = f32.slice(Z >> 2, (Z >> 2) + T * B * nOut);
    const states = options.keepStates ? f32.slice((H >> 2) + B * N, (H >> 2) + (T + 1) * B * N) : undefined;
    return states ? { outputs, states, loss } : { outputs, loss };
  }

  private trainableNames(): ParameterName[] {
    return PARAMETER_NAMES.filter((name) => this.trainable[name]);
  }

  async gradients(batch: TrainingBatch, options: RunOptions = {}) {
    const loss = this.run(batch, options, true);
    const gradients: RnnGradients = {};
    for (const name of this.trainableNames()) gradients[name] = this.copyOut(this.grads, name);
    return { loss, gradients };
  }

  async trainStep(
    batch: TrainingBatch,
    options: RunOptions & { readonly extraGradients?: RnnGradients } = {},
  ): Promise<number> {
    const extra = options.extraGradients ?? {};
    for (const [name, value] of Object.entries(extra) as [ParameterName, Float32Array | undefined][]) {
      if (value === undefined) continue;
      if (!PARAMETER_NAMES.includes(name) || !(value instanceof Float32Array) || value.length !== this.sizes[name]) {
        throw new RangeError(`extraGradients.${name} must be a Float32Array of shape ${shapeOf(this.config, name)}`);
      }
    }
    const loss = this.run(batch, options, true);
    const names = this.trainableNames();
    if (names.length === 0) return loss;
    const k = this.context.kernels;
    const f32 = this.f32();
    for (const name of names) {
      const value = extra[name];
      if (!value) continue;
      const start = (this.grads >> 2) + this.offsets[name];
      for (let i = 0; i < value.length; i++) f32[start + i] += value[i];
    }
    const clipping = this.clipping;
    if (clipping.kind === 'value') {
      for (const name of names) k.clipValue(this.pointer(this.grads, name), this.sizes[name], clipping.value);
    } else if (clipping.kind === 'norm') {
      let squares = 0;
      for (const name of names) squares += k.sumSquares(this.pointer(this.grads, name), this.sizes[name]);
      const norm = Math.sqrt(squares);
      if (norm > clipping.maxNorm) {
        for (const name of names) k.scale(this.pointer(this.grads, name), this.sizes[name], clipping.maxNorm / norm);
      }
    }
    this.step += 1;
    const { learningRate, beta1, beta2, epsilon } = this.adam;
    const lrT = (learningRate * Math.sqrt(1 - beta2 ** this.step)) / (1 - beta1 ** this.step);
    for (const name of names) {
      k.adam(
        this.sizes[name],
        this.pointer(this.params, name),
        this.pointer(this.grads, name),
        this.pointer(this.firstMoment, name),
        this.pointer(this.secondMoment, name),
        lrT,
        beta1,
        beta2,
        epsilon,
      );
    }
    this.transposesStale = true;
    return loss;
  }

  getOptimizerState(): OptimizerState {
    this.checkLive();
    const firstMoment: Partial<RnnParameters> = {};
    const secondMoment: Partial<RnnParameters> = {};
    for (const name of this.trainableNames()) {
      firstMoment[name] = this.copyOut(this.firstMoment, name);
      secondMoment[name] = this.copyOut(this.secondMoment, name);
    }
    return { step: this.step, firstMoment, secondMoment };
  }

  setOptimizerState(state: OptimizerState): void {
    this.checkLive();
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`optimizer state step must be a non-negative integer (got ${state.step})`);
    }
    for (const name of this.trainableNames()) {
      for (const [label, moments] of [
        ['firstMoment', state.firstMoment],
        ['secondMoment', state.secondMoment],
      ] as const) {
        const value = moments[name];
        if (!(value instanceof Float32Array) || value.length !== this.sizes[name]) {
          throw new RangeError(
            `optimizer state ${label}.${name} must be a Float32Array of shape ${shapeOf(this.config, name)} ` +
              '(every trainable parameter needs both moments)',
          );
        }
      }
    }
    const f32 = this.f32();
    for (const name of this.trainableNames()) {
      f32.set(state.firstMoment[name]!, (this.firstMoment >> 2) + this.offsets[name]);
      f32.set(state.secondMoment[name]!, (this.secondMoment >> 2) + this.offsets[name]);
    }
    this.step = state.step;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const { heap } = this.context;
    for (const pointer of [
      this.params,
      this.grads,
      this.firstMoment,
      this.secondMoment,
      this.recurrentT,
      this.outputT,
      this.unitMask,
      this.zeros,
    ]) {
      heap.free(pointer);
    }
    if (this.forwardBuffers) this.release(this.forwardBuffers);
    if (this.trainingBuffers) this.release(this.trainingBuffers);
  }
}
