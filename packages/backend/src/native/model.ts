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
import { disposedError } from '../errors.js';
import {
  parameterSizes,
  recurrentNoiseStd,
  resolveModelOptions,
  resolveNoiseTrials,
  trainableNames,
  validateBatch,
  validateExtraGradients,
  validateOptimizerState,
  validateParameterRecord,
  validateUnitMask,
} from '../model-options.js';
import { noiseSeedKeys } from '../noise.js';
import type { Heap } from './heap.js';
import { ACTIVATION_CODES, type Kernels, OUTPUT_CODES } from './kernels.js';
import type { PassJob } from './passes.js';
import { PHASE } from './protocol.js';
import type { PassRunner } from './runner.js';

/** What a model needs from its engine. */
export interface NativeContext {
  readonly heap: Heap;
  readonly kernels: Kernels;
  readonly runner: PassRunner;
  /** Byte offset of the noise tables in the heap. */
  readonly noiseTables: number;
}

const F32 = 4;

/** Buffers whose size depends on the batch (T, B); grouped so they are allocated together. */
interface BatchBuffers {
  /** Byte offset of each buffer. */
  pointers: Record<string, number>;
  /** Capacity of each buffer in bytes. */
  bytes: Record<string, number>;
  /** Trials of the batch the buffers were sized for (their first allocation or last growth). */
  batchSize: number;
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
    const resolved = resolveModelOptions(options);
    this.config = resolved.config;
    this.modules = [...(this.config.modules ?? [this.config.hiddenSize])];
    this.trainable = resolved.trainable;
    this.adam = resolved.adam;
    this.clipping = resolved.clipping;
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
    this.setParameters(resolved.parameters);
  }

  private f32(): Float32Array {
    return new Float32Array(this.context.heap.buffer());
  }

  private checkLive(): void {
    if (this.disposed) throw disposedError('this native model was disposed');
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
    validateParameterRecord(this.config, parameters, 'parameters', false);
    const f32 = this.f32();
    for (const name of PARAMETER_NAMES) {
      const value = parameters[name];
      if (value) f32.set(value, (this.params >> 2) + this.offsets[name]);
    }
    this.transposesStale = true;
  }

  /** (Re)allocates a group of batch buffers when the batch needs more room than it has. */
  private ensure(group: BatchBuffers | undefined, sizes: Record<string, number>, batchSize: number): BatchBuffers {
    if (group && fits(group, sizes)) return group;
    if (group) this.release(group);
    const pointers: Record<string, number> = {};
    for (const [name, bytes] of Object.entries(sizes)) pointers[name] = this.context.heap.allocate(bytes);
    return { pointers, bytes: { ...sizes }, batchSize };
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

  /**
   * Runs the forward pass (and the gradient passes when `training`); returns the loss. The states of every
   * step stay in the forward buffers only when `keepStates` asks for them: otherwise two steps' states are
   * kept, used in turn (at 512 units, 256 trials and T = 183 that is 1 MB instead of 96 MB), since neither the
   * readout nor the gradients read a state after its step (the gradients read their transposed copy).
   */
  private run(batch: TrainingBatch, options: RunOptions, training: boolean, keepStates = false): number {
    this.checkLive();
    validateBatch(this.config, batch);
    validateUnitMask(this.config, options.unitMask);
    const T = batch.steps;
    const B = batch.batchSize;
    const { inputSize: nIn, hiddenSize: N, outputSize: nOut } = this.config;
    const TB = T * B;
    const t = this.trainable;
    const bptt = training && (t.inputWeights || t.recurrentWeights || t.recurrentBias);
    const forwardSizes = {
      X: TB * nIn * F32,
      Y: TB * nOut * F32,
      M: TB * nOut * F32,
      H: (keepStates ? T + 1 : 2) * B * N * F32,
      Z: TB * nOut * F32,
      rowLoss: TB * 8,
    };
    // An evaluation batch bigger than the training batches (256 trials against 64) would otherwise sit in the
    // heap beside the training buffers: it frees them first, and the next training pass shrinks the forward
    // buffers back, so the heap's high-water mark is the larger of the two uses, not their sum. Freed blocks
    // are zero-filled again when reused, so the results do not change.
    if (!training && this.trainingBuffers && this.forwardBuffers && !fits(this.forwardBuffers, forwardSizes)) {
      this.release(this.trainingBuffers);
      this.trainingBuffers = undefined;
    }
    if (training && this.forwardBuffers && this.forwardBuffers.batchSize > B) {
      this.release(this.forwardBuffers);
      this.forwardBuffers = undefined;
    }
    this.forwardBuffers = this.ensure(this.forwardBuffers, forwardSizes, B);
    if (training) {
      this.trainingBuffers = this.ensure(
        this.trainingBuffers,
        {
          D: TB * N * F32,
          dZ: TB * nOut * F32,
          carry: B * N * F32,
          dPre: B * N * F32,
          dPreT: N * TB * F32,
          HT: N * (T + 1) * B * F32,
          XT: nIn * TB * F32,
          dZT: nOut * TB * F32,
        },
        B,
      );
    }
    const fb = this.forwardBuffers.pointers;
    const tb = this.trainingBuffers?.pointers ?? {};
    const f32 = this.f32();
    f32.set(batch.inputs, fb.X >> 2);
    f32.set(batch.targets, fb.Y >> 2);
    f32.set(batch.mask, fb.M >> 2);
    const mask = options.unitMask;
    if (mask) f32.set(mask, this.unitMask >> 2);
    else f32.fill(1, this.unitMask >> 2, (this.unitMask >> 2) + N);

    const noiseStd = recurrentNoiseStd(this.config, options.noiseScale, options.noiseSeed);
    const keys = noiseStd > 0 ? noiseSeedKeys(options.noiseSeed!) : [0, 0];
    const noiseTrials = resolveNoiseTrials(options.noiseTrials, B);
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
      keepStates: keepStates ? 1 : 0,
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
      noiseFirstTrial: noiseTrials.first,
      noiseBatchTrials: noiseTrials.of,
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
    const loss = this.run(batch, options, false, options.keepStates === true);
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
    return trainableNames(this.trainable);
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
    this.checkLive();
    const extra = options.extraGradients ?? {};
    validateExtraGradients(this.config, extra);
    const loss = this.run(batch, options, true);
    const names = this.trainableNames();
    if (names.length === 0) return loss;
    const k = this.context.kernels;
    const f32 = this.f32();
    for (const name of names) {
      const value = extra[name];
      if (!value) continue;
      const start = (this.grads >> 2) + this.offsets[name];
      if (name === 'recurrentWeights') {
        // only inside the module blocks: off-block entries are structural zeros and never move
        const N = this.config.hiddenSize;
        let offset = 0;
        for (const size of this.modules) {
          for (let i = offset; i < offset + size; i++) {
            for (let j = offset; j < offset + size; j++) f32[start + i * N + j] += value[i * N + j];
          }
          offset += size;
        }
      } else {
        for (let i = 0; i < value.length; i++) f32[start + i] += value[i];
      }
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
    validateOptimizerState(this.config, this.trainable, state);
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

/** Whether every buffer of `group` holds at least the bytes `sizes` asks for. */
function fits(group: BatchBuffers, sizes: Record<string, number>): boolean {
  return Object.entries(sizes).every(([name, bytes]) => bytes <= (group.bytes[name] ?? 0));
}
