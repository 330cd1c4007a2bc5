/**
 * The passes of the native engine over one batch, written once against the {@link Kernels} interface
 * and run by every thread on its share of the work:
 *
 * - {@link runTrials} (split by trials b): forward over all T steps (noise, leaky update, readout, loss
 *   and output gradient) and, when training, back-propagation through time for the same trials. Trials
 *   are independent, so threads need no synchronisation inside the time loop.
 * - {@link runWeightGradients} (split by rows of the gradients): the weight and bias gradients as
 *   products over all T·B samples, e.g. dW_rec = dPreᵀ · H_prev.
 *
 * Every output element is computed by exactly one thread with the same summation order whatever the
 * split, so results are bit-identical for every thread count.
 *
 * Layouts (float32, byte pointers): X [T,B,nIn], Y and M [T,B,nOut], H [(T+1),B,N] with H[0] = 0 and
 * H[t+1] the state after step t when the pass keeps the states (`keepStates`), else H [2,B,N] with the state
 * after step t in slot (t+1) mod 2 (nothing after the time loop reads a state: BPTT reads D and the
 * weight gradients read the transposed copy HT), D [T,B,N] = α·φ'(pre), Z [T,B,nOut] = ŷ, dZ [T,B,nOut],
 * rowLoss [T·B] float64, carry and dPre scratch [B,N], and the transposed copies
 * dPreT [N, T·B], HT [N, (T+1)·B], XT [nIn, T·B], dZT [nOut, T·B].
 */
import type { Kernels } from './kernels.js';

/** Everything a pass needs, as numbers only (so it can be copied into shared memory for workers). */
export interface PassJob {
  T: number;
  B: number;
  N: number;
  nIn: number;
  nOut: number;
  threads: number;
  activation: number;
  outputActivation: number;
  alpha: number;
  /** 2 / (T·B·nOut): scale of the output gradient. */
  lossScale: number;
  /** 1 when gradients are wanted (stores D, dZ and the transposed copies). */
  training: number;
  /** 1 when back-propagation through time is needed (a recurrent-side parameter is trainable). */
  bptt: number;
  /** 1: H holds every step's state [(T+1),B,N] for the caller; 0: H holds two steps [2,B,N], used in turn. */
  keepStates: number;
  trainInputWeights: number;
  trainRecurrentWeights: number;
  trainRecurrentBias: number;
  trainOutputWeights: number;
  trainOutputBias: number;
  /** Noise: 0 = off; else key words of the seed and the std σ_rec·√(2/α)·noiseScale. */
  noise: number;
  noiseKey0: number;
  noiseKey1: number;
  noiseStd: number;
  noiseTables: number;
  /** Noise positions: trial b of the pass draws as trial noiseFirstTrial + b of a batch of noiseBatchTrials. */
  noiseFirstTrial: number;
  noiseBatchTrials: number;
  inputWeights: number;
  recurrentWeights: number;
  recurrentBias: number;
  outputWeights: number;
  outputBias: number;
  recurrentWeightsT: number;
  outputWeightsT: number;
  unitMask: number;
  zeros: number;
  X: number;
  Y: number;
  M: number;
  H: number;
  D: number;
  Z: number;
  dZ: number;
  rowLoss: number;
  carry: number;
  dPre: number;
  dPreT: number;
  HT: number;
  XT: number;
  dZT: number;
  gradInputWeights: number;
  gradRecurrentWeights: number;
  gradRecurrentBias: number;
  gradOutputWeights: number;
  gradOutputBias: number;
  /** Module offsets and sizes along the units, flattened: [offset0, size0, offset1, size1, …]. */
  modules: number[];
}

/** The [start, end) share of `count` items of thread `thread` out of `threads`. */
export function share(count: number, thread: number, threads: number): [number, number] {
  return [Math.floor((count * thread) / threads), Math.floor((count * (thread + 1)) / threads)];
}

const F32 = 4;

/** Index words of a stream position (the noise kernel takes 32-bit halves). */
function low(index: number): number {
  return index % 4294967296;
}
function high(index: number): number {
  return Math.floor(index / 4294967296);
}

/** Forward (and, when training, BPTT) for the trials of `thread`. */
export function runTrials(k: Kernels, job: PassJob, thread: number): void {
  const { T, B, N, nIn, nOut, modules } = job;
  const [b0, b1] = share(B, thread, job.threads);
  const rows = b1 - b0;
  if (rows === 0) return;
  const TB = T * B;
  const at = (base: number, t: number, width: number) => base + (t * B + b0) * width * F32;
  const wantTransposes = job.training !== 0;
  /** The state before step t+1 (after step t; H[0] = 0), in the full or the two-slot layout of H. */
  const state = (t: number) => at(job.H, job.keepStates ? t : t & 1, N);

  // H[0] = 0 for these trials (and its transposed columns)
  k.fillRows(rows, N, state(0), N, job.zeros);
  if (wantTransposes && (job.trainRecurrentWeights || job.trainOutputWeights)) {
    k.transpose(rows, N, state(0), N, job.HT + b0 * F32, (T + 1) * B);
  }
  for (let t = 0; t < T; t++) {
    const hPrev = state(t);
    const pre = state(t + 1);
    k.fillRows(rows, N, pre, N, job.recurrentBias);
    if (nIn > 0) k.gemmNT(rows, N, nIn, at(job.X, t, nIn), nIn, job.inputWeights, nIn, pre, N, 1);
    for (let m = 0; m < modules.length; m += 2) {
      const offset = modules[m];
      const size = modules[m + 1];
      const block = (offset * N + offset) * F32;
      k.gemmNT(rows, size, size, hPrev + offset * F32, N, job.recurrentWeights + block, N, pre + offset * F32, N, 1);
    }
    if (job.noise) {
      const start = (t * job.noiseBatchTrials + job.noiseFirstTrial + b0) * N;
      k.noise(job.noiseTables, job.noiseKey0, job.noiseKey1, low(start), high(start), rows * N, pre, job.noiseStd, 1);
    }
    k.activate(rows, N, pre, hPrev, job.unitMask, job.bptt ? at(job.D, t, N) : 0, job.activation, job.alpha);
    const z = at(job.Z, t, nOut);
    k.fillRows(rows, nOut, z, nOut, job.outputBias);
    k.gemmNT(rows, nOut, N, pre, N, job.outputWeights, N, z, nOut, 1);
    const dz = job.training ? at(job.dZ, t, nOut) : 0;
    k.readout(
      rows,
      nOut,
      z,
      at(job.Y, t, nOut),
      at(job.M, t, nOut),
      job.outputActivation,
      job.lossScale,
      dz,
      job.rowLoss + (t * B + b0) * 8,
    );
    if (!wantTransposes) continue;
    if (job.trainRecurrentWeights || job.trainOutputWeights) {
      k.transpose(rows, N, pre, N, job.HT + ((t + 1) * B + b0) * F32, (T + 1) * B);
    }
    if (job.trainInputWeights && nIn > 0)
      k.transpose(rows, nIn, at(job.X, t, nIn), nIn, job.XT + (t * B + b0) * F32, TB);
    if (job.trainOutputWeights || job.trainOutputBias) {
      k.transpose(rows, nOut, dz, nOut, job.dZT + (t * B + b0) * F32, TB);
    }
  }
  if (!job.training || !job.bptt) return;

  const carry = job.carry + b0 * N * F32;
  const dPre = job.dPre + b0 * N * F32;
  k.fillRows(rows, N, carry, N, job.zeros);
  for (let t = T - 1; t >= 0; t--) {
    k.gemmNT(rows, N, nOut, at(job.dZ, t, nOut), nOut, job.outputWeightsT, nOut, carry, N, 1);
    k.backwardStep(rows, N, carry, job.unitMask, at(job.D, t, N), dPre, job.alpha);
    if (t > 0) {
      for (let m = 0; m < modules.length; m += 2) {
        const offset = modules[m];
        const size = modules[m + 1];
        const block = (offset * N + offset) * F32;
        k.gemmNT(
          rows,
          size,
          size,
          dPre + offset * F32,
          N,
          job.recurrentWeightsT + block,
          N,
          carry + offset * F32,
          N,
          1,
        );
      }
    }
    k.transpose(rows, N, dPre, N, job.dPreT + (t * B + b0) * F32, TB);
  }
}

/** Weight and bias gradients for the unit rows and output rows of `thread`. */
export function runWeightGradients(k: Kernels, job: PassJob, thread: number): void {
  const { T, B, N, nIn, nOut, modules } = job;
  const TB = T * B;
  const ldH = (T + 1) * B;
  const [i0, i1] = share(N, thread, job.threads);
  const [o0, o1] = share(nOut, thread, job.threads);
  if (job.bptt && i1 > i0) {
    if (job.trainRecurrentWeights) {
      for (let m = 0; m < modules.length; m += 2) {
        const offset = modules[m];
        const size = modules[m + 1];
        const r0 = Math.max(i0, offset);
        const r1 = Math.min(i1, offset + size);
        if (r1 <= r0) continue;
        k.gemmNT(
          r1 - r0,
          size,
          TB,
          job.dPreT + r0 * TB * F32,
          TB,
          job.HT + offset * ldH * F32,
          ldH,
          job.gradRecurrentWeights + (r0 * N + offset) * F32,
          N,
          0,
        );
      }
    }
    if (job.trainInputWeights && nIn > 0) {
      k.gemmNT(
        i1 - i0,
        nIn,
        TB,
        job.dPreT + i0 * TB * F32,
        TB,
        job.XT,
        TB,
        job.gradInputWeights + i0 * nIn * F32,
        nIn,
        0,
      );
    }
    if (job.trainRecurrentBias) {
      k.rowSums(i1 - i0, TB, job.dPreT + i0 * TB * F32, TB, job.gradRecurrentBias + i0 * F32, 0);
    }
  }
  if (o1 > o0) {
    if (job.trainOutputWeights) {
      k.gemmNT(
        o1 - o0,
        N,
        TB,
        job.dZT + o0 * TB * F32,
        TB,
        job.HT + B * F32,
        ldH,
        job.gradOutputWeights + o0 * N * F32,
        N,
        0,
      );
    }
    if (job.trainOutputBias) k.rowSums(o1 - o0, TB, job.dZT + o0 * TB * F32, TB, job.gradOutputBias + o0 * F32, 0);
  }
}

/** The scalar fields of {@link PassJob}, in the order they are stored in shared memory. */
const FIELDS = [
  'T',
  'B',
  'N',
  'nIn',
  'nOut',
  'threads',
  'activation',
  'outputActivation',
  'alpha',
  'lossScale',
  'training',
  'bptt',
  'keepStates',
  'trainInputWeights',
  'trainRecurrentWeights',
  'trainRecurrentBias',
  'trainOutputWeights',
  'trainOutputBias',
  'noise',
  'noiseKey0',
  'noiseKey1',
  'noiseStd',
  'noiseTables',
  'noiseFirstTrial',
  'noiseBatchTrials',
  'inputWeights',
  'recurrentWeights',
  'recurrentBias',
  'outputWeights',
  'outputBias',
  'recurrentWeightsT',
  'outputWeightsT',
  'unitMask',
  'zeros',
  'X',
  'Y',
  'M',
  'H',
  'D',
  'Z',
  'dZ',
  'rowLoss',
  'carry',
  'dPre',
  'dPreT',
  'HT',
  'XT',
  'dZT',
  'gradInputWeights',
  'gradRecurrentWeights',
  'gradRecurrentBias',
  'gradOutputWeights',
  'gradOutputBias',
] as const satisfies readonly Exclude<keyof PassJob, 'modules'>[];

/** Float64 slots a job with `moduleCount` modules takes in shared memory. */
export function jobSlots(moduleCount: number): number {
  return FIELDS.length + 1 + 2 * moduleCount;
}

/** Writes `job` into `slots` (a Float64Array over shared memory). */
export function encodeJob(job: PassJob, slots: Float64Array): void {
  FIELDS.forEach((field, i) => {
    slots[i] = job[field];
  });
  slots[FIELDS.length] = job.modules.length / 2;
  for (let i = 0; i < job.modules.length; i++) slots[FIELDS.length + 1 + i] = job.modules[i];
}

/** Reads a job written by {@link encodeJob}. */
export function decodeJob(slots: Float64Array): PassJob {
  const job = { modules: [] as number[] } as unknown as Record<string, number | number[]>;
  FIELDS.forEach((field, i) => {
    job[field] = slots[i];
  });
  const count = slots[FIELDS.length];
  job.modules = Array.from(slots.subarray(FIELDS.length + 1, FIELDS.length + 1 + 2 * count));
  return job as unknown as PassJob;
}
