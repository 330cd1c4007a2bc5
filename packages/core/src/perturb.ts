/**
 * Perturbations at evaluation time, strategy-neutral: each function returns new values and never changes
 * its arguments.
 *
 * - Weight perturbations (`recurrent-weight-noise`, `readout-noise`) → new `RnnParameters`
 *   (`perturbParameters`).
 * - Unit perturbations (`unit-silencing`, `module-lesion`) and `state-noise` → new engine `RunOptions`
 *   (`perturbRunOptions`: a unit mask, a σ_rec multiplier).
 * - `input-noise` → a new batch (`perturbBatch`). A batch's input noise was drawn when it was generated, so
 *   multiplying its σ by `scale ≥ 1` is done by adding independent seeded Gaussian noise of standard deviation
 *   σ·√(scale² − 1): the sum has standard deviation scale·σ, the distribution of a batch generated with
 *   σ·scale. Scales below 1 cannot be reached by adding noise; build the evaluation batch with a scaled σ
 *   instead (`evaluationBatch(task, { inputNoiseScale })` in `learning.ts`), which keeps the trial
 *   conditions of the unscaled batch.
 */
import type { RnnConfig, RnnParameters, RunOptions } from '@molap/backend';
import { type Batch, createRng, DEFAULT_INPUT_NOISE_SIGMA, DEFAULT_TAU, type Rng } from '@molap/tasks';
import { InvalidValueError, MolapError } from './errors.js';
import type { Perturbation } from './model.js';

/** The kinds of `Perturbation`, for validation messages and iteration. */
export const PERTURBATION_KINDS: readonly Perturbation['kind'][] = [
  'recurrent-weight-noise',
  'unit-silencing',
  'input-noise',
  'state-noise',
  'readout-noise',
  'module-lesion',
];

function isSeed(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isNonNegative(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Checks a perturbation for a network; throws a `MolapError` ('invalid-option', 'unknown-id', 'incompatible') naming the field and the fix.
 * @param modules module sizes of the network (module lesions need them).
 */
export function validatePerturbation(perturbation: Perturbation, modules?: readonly number[]): void {
  if (perturbation === null || typeof perturbation !== 'object') {
    throw new InvalidValueError(`a perturbation must be an object with a kind (${PERTURBATION_KINDS.join(', ')})`);
  }
  const p = perturbation as Perturbation;
  switch (p.kind) {
    case 'recurrent-weight-noise':
    case 'readout-noise':
      if (!isNonNegative(p.sigma)) {
        throw new InvalidValueError(
          `${p.kind}: sigma (relative to the weights' std) must be a finite number >= 0, got ${String(p.sigma)}`,
        );
      }
      if (!isSeed(p.seed)) throw new InvalidValueError(`${p.kind}: seed must be a safe integer, got ${String(p.seed)}`);
      return;
    case 'unit-silencing':
      if (!(typeof p.fraction === 'number' && p.fraction >= 0 && p.fraction <= 1)) {
        throw new InvalidValueError(`unit-silencing: fraction must be in [0, 1], got ${String(p.fraction)}`);
      }
      if (!isSeed(p.seed)) {
        throw new InvalidValueError(`unit-silencing: seed must be a safe integer, got ${String(p.seed)}`);
      }
      return;
    case 'input-noise':
    case 'state-noise':
      if (!isNonNegative(p.scale)) {
        throw new InvalidValueError(
          `${p.kind}: scale (a σ multiplier) must be a finite number >= 0, got ${String(p.scale)}`,
        );
      }
      return;
    case 'module-lesion': {
      if (modules === undefined) {
        throw new MolapError(
          'incompatible',
          'module-lesion applies to modular models only (this network has no modules)',
          { hint: 'use unit-silencing instead' },
        );
      }
      if (!Array.isArray(p.modules) || p.modules.length === 0) {
        throw new InvalidValueError('module-lesion: modules must be a non-empty list of module indices');
      }
      for (const index of p.modules) {
        if (!(Number.isInteger(index) && index >= 0 && index < modules.length)) {
          throw new InvalidValueError(
            `module-lesion: module index ${String(index)} is out of range: the network has ${modules.length} modules (0..${modules.length - 1})`,
          );
        }
      }
      return;
    }
    default:
      throw new MolapError('unknown-id', `unknown perturbation kind ${JSON.stringify((p as { kind: unknown }).kind)}`, {
        hint: `known kinds: ${PERTURBATION_KINDS.join(', ')}`,
      });
  }
}

/** Population standard deviation of `values` at the entries where `mask` is non-zero (all when no mask). */
function maskedStd(values: Float32Array, mask: Float32Array | undefined): number {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    sum += values[i];
    count++;
  }
  if (count === 0) return 0;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    squares += (values[i] - mean) ** 2;
  }
  return Math.sqrt(squares / count);
}

/** Block-diagonal mask [N, N] of the module blocks, or undefined for one dense block. */
function blockMask(config: RnnConfig): Float32Array | undefined {
  const modules = config.modules;
  if (modules === undefined || modules.length <= 1) return undefined;
  const n = config.hiddenSize;
  const mask = new Float32Array(n * n);
  let start = 0;
  for (const size of modules) {
    for (let row = start; row < start + size; row++) mask.fill(1, row * n + start, row * n + start + size);
    start += size;
  }
  return mask;
}

/**
 * `values + sigma·std(values)·ξ`, ξ standard normal from `rng`, at the entries where `mask` is non-zero
 * (structural zeros stay zero). The std is taken over the same entries.
 */
function addRelativeNoise(values: Float32Array, sigma: number, rng: Rng, mask?: Float32Array): Float32Array {
  const result = Float32Array.from(values);
  const std = sigma * maskedStd(values, mask);
  if (std === 0) return result;
  for (let i = 0; i < result.length; i++) {
    const sample = rng.normal();
    if (mask?.[i] !== 0) result[i] += std * sample;
  }
  return result;
}

/**
 * Parameters under a weight perturbation: `recurrent-weight-noise` adds N(0, (σ·std(W_rec))²) to every
 * W_rec entry that is a parameter (off-block entries of modular networks stay 0; the std is over the
 * parameter entries), `readout-noise` does the same to W_out. Other kinds return `parameters` itself.
 * The inputs are never modified.
 */
export function perturbParameters(
  config: RnnConfig,
  parameters: RnnParameters,
  perturbation: Perturbation | undefined,
): RnnParameters {
  if (perturbation === undefined) return parameters;
  validatePerturbation(perturbation, config.modules);
  if (perturbation.kind === 'recurrent-weight-noise') {
    const rng = createRng(perturbation.seed);
    return {
      ...parameters,
      recurrentWeights: addRelativeNoise(parameters.recurrentWeights, perturbation.sigma, rng, blockMask(config)),
    };
  }
  if (perturbation.kind === 'readout-noise') {
    const rng = createRng(perturbation.seed);
    return { ...parameters, outputWeights: addRelativeNoise(parameters.outputWeights, perturbation.sigma, rng) };
  }
  return parameters;
}

/**
 * The unit mask [N] that silences `round(fraction·N)` units chosen uniformly without replacement by `seed`
 * (1 = kept, 0 = clamped to 0).
 */
export function silencingMask(hiddenSize: number, fraction: number, seed: number): Float32Array {
  const count = Math.round(fraction * hiddenSize);
  const order = Int32Array.from({ length: hiddenSize }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) {
    const j = i + rng.integer(hiddenSize - i);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  const mask = new Float32Array(hiddenSize).fill(1);
  for (let i = 0; i < count; i++) mask[order[i]] = 0;
  return mask;
}

/** The unit mask [N] that silences every unit of the listed modules. */
export function moduleLesionMask(modules: readonly number[], lesioned: readonly number[]): Float32Array {
  const hiddenSize = modules.reduce((sum, size) => sum + size, 0);
  const mask = new Float32Array(hiddenSize).fill(1);
  const starts: number[] = [];
  let start = 0;
  for (const size of modules) {
    starts.push(start);
    start += size;
  }
  for (const index of lesioned) mask.fill(0, starts[index], starts[index] + modules[index]);
  return mask;
}

function combineMasks(base: Float32Array | undefined, extra: Float32Array): Float32Array {
  if (!base) return extra;
  const combined = Float32Array.from(base);
  for (let i = 0; i < combined.length; i++) combined[i] *= extra[i];
  return combined;
}

/**
 * Engine run options under a perturbation: `unit-silencing` and `module-lesion` multiply a unit mask into
 * `base.unitMask`, `state-noise` multiplies `base.noiseScale` (default 1). Other kinds return a copy of `base`.
 */
export function perturbRunOptions(
  config: RnnConfig,
  perturbation: Perturbation | undefined,
  base: RunOptions = {},
): RunOptions {
  if (perturbation === undefined) return { ...base };
  validatePerturbation(perturbation, config.modules);
  switch (perturbation.kind) {
    case 'unit-silencing':
      return {
        ...base,
        unitMask: combineMasks(
          base.unitMask,
          silencingMask(config.hiddenSize, perturbation.fraction, perturbation.seed),
        ),
      };
    case 'module-lesion':
      return {
        ...base,
        unitMask: combineMasks(base.unitMask, moduleLesionMask(config.modules ?? [], perturbation.modules)),
      };
    case 'state-noise':
      return { ...base, noiseScale: (base.noiseScale ?? 1) * perturbation.scale };
    default:
      return { ...base };
  }
}

/** Standard deviation of a batch's input noise: σ_x·√(2/α) with α = dt/τ (tasks spec §1.7). */
export function inputNoiseStd(dt: number, sigma = DEFAULT_INPUT_NOISE_SIGMA, tau = DEFAULT_TAU): number {
  return sigma * Math.sqrt((2 * tau) / dt);
}

/** Options of `perturbBatch`. */
export interface PerturbBatchOptions {
  /** Seed of the added input noise. */
  readonly seed: number;
  /**
   * Standard deviation of the input noise already in the batch; default σ_x·√(2τ/dt) with the task
   * defaults (σ_x = 0.01, τ = 100 ms) and the batch's dt.
   */
  readonly inputNoiseStd?: number;
}

/**
 * The batch under an `input-noise` perturbation of `scale ≥ 1`: a copy whose inputs get extra noise of
 * standard deviation σ·√(scale² − 1) on every channel of every real (unpadded) step. Other perturbation kinds
 * return `batch` itself.
 * @throws InvalidValueError for scale < 1 (regenerate the batch with `evaluationBatch(task, { inputNoiseScale })`).
 */
export function perturbBatch(
  batch: Batch,
  perturbation: Perturbation | undefined,
  options: PerturbBatchOptions,
): Batch {
  if (perturbation === undefined || perturbation.kind !== 'input-noise') return batch;
  validatePerturbation(perturbation);
  const scale = perturbation.scale;
  if (scale < 1) {
    throw new InvalidValueError(
      `input-noise scale ${scale} < 1 cannot be applied to a generated batch (its noise is already drawn)`,
      {
        hint: `build the batch with evaluationBatch(task, { inputNoiseScale: ${scale} }) and evaluate it without the perturbation`,
      },
    );
  }
  if (!isSeed(options.seed)) {
    throw new InvalidValueError(`perturbBatch needs an integer seed, got ${String(options.seed)}`);
  }
  const sigma = options.inputNoiseStd ?? inputNoiseStd(batch.dt);
  const extra = sigma * Math.sqrt(scale * scale - 1);
  const inputs = Float32Array.from(batch.inputs);
  if (extra > 0) {
    const rng = createRng(options.seed);
    const { batchSize, inputSize } = batch;
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < batch.trialSteps[b]; t++)
        rng.addNormal(inputs, extra, (t * batchSize + b) * inputSize, inputSize);
    }
  }
  return { ...batch, inputs };
}
