/**
 * Validation and defaults at the engine boundary: every engine checks configs, parameters, batches and
 * optimiser state with these functions, so bad input gets the same clear error whichever engine runs.
 */
import {
  type Activation,
  type AdamOptions,
  type GradientClipping,
  type ModelOptions,
  type NoiseTrials,
  type OptimizerState,
  type OutputActivation,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
  type TrainableFlags,
  type TrainingBatch,
} from './engine.js';
import { invalidOption } from './errors.js';

/** Adam defaults of Yang et al. (TensorFlow's defaults with lr 1e-3). */
export const DEFAULT_ADAM: AdamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Gradient clipping default of Yang et al.: element-wise to [−1, 1]. */
export const DEFAULT_CLIPPING: GradientClipping = { kind: 'value', value: 1 };

const ACTIVATIONS: readonly Activation[] = ['softplus', 'relu', 'tanh'];
const OUTPUT_ACTIVATIONS: readonly OutputActivation[] = ['sigmoid', 'linear'];

/** A model's options with every default filled in and the parameters copied. */
export interface ResolvedModelOptions {
  readonly config: RnnConfig;
  readonly parameters: RnnParameters;
  readonly trainable: TrainableFlags;
  readonly adam: AdamOptions;
  readonly clipping: GradientClipping;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Checks an `RnnConfig`; throws a BackendError 'invalid-option' naming the field and the fix. */
export function validateConfig(config: RnnConfig): void {
  if (config === null || typeof config !== 'object') throw invalidOption('RnnConfig must be an object');
  for (const field of ['inputSize', 'hiddenSize', 'outputSize'] as const) {
    if (!isPositiveInteger(config[field])) {
      throw invalidOption(`RnnConfig.${field} must be a positive integer, got ${String(config[field])}`);
    }
  }
  if (!ACTIVATIONS.includes(config.activation)) {
    throw invalidOption(
      `RnnConfig.activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(config.activation)}`,
    );
  }
  if (!OUTPUT_ACTIVATIONS.includes(config.outputActivation)) {
    throw invalidOption(
      `RnnConfig.outputActivation must be one of ${OUTPUT_ACTIVATIONS.join(', ')}, got ${JSON.stringify(config.outputActivation)}`,
    );
  }
  if (!(typeof config.alpha === 'number' && config.alpha > 0 && config.alpha <= 1)) {
    throw invalidOption(`RnnConfig.alpha (dt/τ) must be in (0, 1], got ${String(config.alpha)}`);
  }
  if (
    !(typeof config.recurrentNoise === 'number' && config.recurrentNoise >= 0 && Number.isFinite(config.recurrentNoise))
  ) {
    throw invalidOption(`RnnConfig.recurrentNoise must be a finite number >= 0, got ${String(config.recurrentNoise)}`);
  }
  if (config.modules !== undefined) {
    if (!Array.isArray(config.modules) || config.modules.length === 0 || !config.modules.every(isPositiveInteger)) {
      throw invalidOption(
        `RnnConfig.modules must be a non-empty list of positive integers, got ${JSON.stringify(config.modules)}`,
      );
    }
    const total = config.modules.reduce((sum, size) => sum + size, 0);
    if (total !== config.hiddenSize) {
      throw invalidOption(
        `RnnConfig.modules sum to ${total} but hiddenSize is ${config.hiddenSize}: make hiddenSize the sum of the module sizes`,
      );
    }
  }
}

/** Shapes of the parameter tensors: W_in [N, nIn], W_rec [N, N], b_rec [N], W_out [nOut, N], b_out [nOut]. */
export function parameterShapes(config: RnnConfig): Record<ParameterName, readonly number[]> {
  const { inputSize, hiddenSize, outputSize } = config;
  return {
    inputWeights: [hiddenSize, inputSize],
    recurrentWeights: [hiddenSize, hiddenSize],
    recurrentBias: [hiddenSize],
    outputWeights: [outputSize, hiddenSize],
    outputBias: [outputSize],
  };
}

/** Number of elements of each parameter tensor. */
export function parameterSizes(config: RnnConfig): Record<ParameterName, number> {
  const shapes = parameterShapes(config);
  const sizes = {} as Record<ParameterName, number>;
  for (const name of PARAMETER_NAMES) sizes[name] = shapes[name].reduce((a, b) => a * b, 1);
  return sizes;
}

/**
 * Checks the named tensors of a parameter-like record (parameters, gradients, moments) against the config.
 * @param what how the record is called in error messages ("parameters", "extraGradients", …).
 * @param required whether every parameter must be present.
 */
export function validateParameterRecord(
  config: RnnConfig,
  record: Partial<Record<ParameterName, Float32Array>>,
  what: string,
  required: boolean,
): void {
  if (record === null || typeof record !== 'object') throw invalidOption(`${what} must be an object of Float32Arrays`);
  const shapes = parameterShapes(config);
  const sizes = parameterSizes(config);
  for (const key of Object.keys(record)) {
    if (!(PARAMETER_NAMES as readonly string[]).includes(key)) {
      throw invalidOption(`${what} has an unknown entry "${key}"; known names: ${PARAMETER_NAMES.join(', ')}`);
    }
  }
  for (const name of PARAMETER_NAMES) {
    const value = record[name];
    if (value === undefined) {
      if (required)
        throw invalidOption(`${what}.${name} is missing (expected a Float32Array of shape [${shapes[name]}])`);
      continue;
    }
    if (!(value instanceof Float32Array)) throw invalidOption(`${what}.${name} must be a Float32Array`);
    if (value.length !== sizes[name]) {
      throw invalidOption(
        `${what}.${name} has ${value.length} elements, expected ${sizes[name]} for shape [${shapes[name]}]`,
      );
    }
  }
}

/** Checks a batch against the config: sizes of inputs [T, B, nIn], targets and mask [T, B, nOut]. */
export function validateBatch(config: RnnConfig, batch: TrainingBatch): void {
  if (batch === null || typeof batch !== 'object') throw invalidOption('batch must be an object');
  if (!isPositiveInteger(batch.steps))
    throw invalidOption(`batch.steps (T) must be a positive integer, got ${String(batch.steps)}`);
  if (!isPositiveInteger(batch.batchSize)) {
    throw invalidOption(`batch.batchSize (B) must be a positive integer, got ${String(batch.batchSize)}`);
  }
  const rows = batch.steps * batch.batchSize;
  const check = (field: 'inputs' | 'targets' | 'mask', channels: number, channelName: string) => {
    const value = batch[field];
    if (!(value instanceof Float32Array)) throw invalidOption(`batch.${field} must be a Float32Array`);
    if (value.length !== rows * channels) {
      throw invalidOption(
        `batch.${field} has ${value.length} elements, expected T·B·${channelName} = ${batch.steps}·${batch.batchSize}·${channels} = ${rows * channels} ([T, B, ${channelName}], time-major)`,
      );
    }
  };
  check('inputs', config.inputSize, 'nIn');
  check('targets', config.outputSize, 'nOut');
  check('mask', config.outputSize, 'nOut');
}

/** Checks a unit mask [N]. */
export function validateUnitMask(config: RnnConfig, unitMask: Float32Array | undefined): void {
  if (unitMask === undefined) return;
  if (!(unitMask instanceof Float32Array) || unitMask.length !== config.hiddenSize) {
    throw invalidOption(`unitMask must be a Float32Array of hiddenSize = ${config.hiddenSize} elements`);
  }
}

/**
 * Standard deviation of the pre-activation noise for a pass: σ_rec·√(2/α)·noiseScale; checks that a seed
 * is given when it is not 0.
 */
export function recurrentNoiseStd(
  config: RnnConfig,
  noiseScale: number | undefined,
  noiseSeed: number | undefined,
): number {
  const scale = noiseScale ?? 1;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale >= 0)) {
    throw invalidOption(`noiseScale must be a finite number >= 0, got ${String(noiseScale)}`);
  }
  const std = config.recurrentNoise * Math.sqrt(2 / config.alpha) * scale;
  if (std > 0 && noiseSeed === undefined) {
    throw invalidOption(
      'noiseSeed is required: this model has recurrent noise (recurrentNoise > 0); pass a noiseSeed, or noiseScale: 0 for a noise-free pass',
    );
  }
  if (noiseSeed !== undefined && !(Number.isSafeInteger(noiseSeed) && noiseSeed >= 0)) {
    throw invalidOption(`noiseSeed must be a non-negative safe integer, got ${String(noiseSeed)}`);
  }
  return std;
}

/**
 * The larger batch a pass's trials belong to for their noise (`RunOptions.noiseTrials`), checked against the
 * pass's batch size; the pass's own batch when not given.
 * @throws EngineError 'invalid-option' when the trials do not fit in the larger batch.
 */
export function resolveNoiseTrials(noiseTrials: NoiseTrials | undefined, batchSize: number): NoiseTrials {
  if (noiseTrials === undefined) return { first: 0, of: batchSize };
  const { first, of } = noiseTrials;
  if (!(Number.isSafeInteger(first) && first >= 0 && Number.isSafeInteger(of) && of >= 1 && first + batchSize <= of)) {
    throw invalidOption(
      `noiseTrials { first: ${String(first)}, of: ${String(of)} } does not hold this pass's ${batchSize} trials: first must be an integer >= 0 and first + ${batchSize} <= of`,
    );
  }
  return { first, of };
}

/**
 * Block-diagonal mask of W_rec [N, N] (1 inside the module blocks, 0 outside), or `undefined` when the
 * network is one fully connected block.
 */
export function moduleMask(config: RnnConfig): Float32Array | undefined {
  const modules = config.modules;
  if (modules === undefined || modules.length === 1) return undefined;
  const n = config.hiddenSize;
  const mask = new Float32Array(n * n);
  let start = 0;
  for (const size of modules) {
    for (let row = start; row < start + size; row++) mask.fill(1, row * n + start, row * n + start + size);
    start += size;
  }
  return mask;
}

function validateAdam(adam: AdamOptions): void {
  const { learningRate, beta1, beta2, epsilon } = adam;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw invalidOption(`adam.learningRate must be a finite number > 0, got ${String(learningRate)}`);
  }
  for (const [name, value] of [
    ['beta1', beta1],
    ['beta2', beta2],
  ] as const) {
    if (!(value >= 0 && value < 1)) throw invalidOption(`adam.${name} must be in [0, 1), got ${String(value)}`);
  }
  if (!(epsilon > 0 && Number.isFinite(epsilon)))
    throw invalidOption(`adam.epsilon must be > 0, got ${String(epsilon)}`);
}

function validateClipping(clipping: GradientClipping): void {
  if (clipping.kind === 'none') return;
  if (clipping.kind === 'value') {
    if (!(clipping.value > 0)) throw invalidOption(`clipping.value must be > 0, got ${String(clipping.value)}`);
    return;
  }
  if (clipping.kind === 'norm') {
    if (!(clipping.maxNorm > 0)) throw invalidOption(`clipping.maxNorm must be > 0, got ${String(clipping.maxNorm)}`);
    return;
  }
  throw invalidOption(
    `clipping.kind must be 'none', 'value' or 'norm', got ${JSON.stringify((clipping as { kind: unknown }).kind)}`,
  );
}

/** Validates model options, fills in the defaults and copies the parameters. */
export function resolveModelOptions(options: ModelOptions): ResolvedModelOptions {
  if (options === null || typeof options !== 'object') throw invalidOption('createModel needs an options object');
  validateConfig(options.config);
  validateParameterRecord(options.config, options.parameters, 'parameters', true);
  const trainable = {} as Record<ParameterName, boolean>;
  for (const key of Object.keys(options.trainable ?? {})) {
    if (!(PARAMETER_NAMES as readonly string[]).includes(key)) {
      throw invalidOption(`trainable has an unknown entry "${key}"; known names: ${PARAMETER_NAMES.join(', ')}`);
    }
  }
  for (const name of PARAMETER_NAMES) trainable[name] = options.trainable?.[name] ?? true;
  const adam = { ...DEFAULT_ADAM, ...options.adam };
  validateAdam(adam);
  const clipping = options.clipping ?? DEFAULT_CLIPPING;
  validateClipping(clipping);
  const parameters = {} as Record<ParameterName, Float32Array>;
  for (const name of PARAMETER_NAMES) parameters[name] = Float32Array.from(options.parameters[name]);
  return { config: structuredClone(options.config), parameters, trainable, adam, clipping };
}

/** Names of the trainable parameters, in canonical order. */
export function trainableNames(trainable: TrainableFlags): ParameterName[] {
  return PARAMETER_NAMES.filter((name) => trainable[name]);
}

/**
 * Checks an optimiser state for a model: a non-negative integer step and one first and one second moment
 * per trainable parameter (and none for frozen ones).
 */
export function validateOptimizerState(config: RnnConfig, trainable: TrainableFlags, state: OptimizerState): void {
  if (state === null || typeof state !== 'object') throw invalidOption('optimizer state must be an object');
  if (!(Number.isSafeInteger(state.step) && state.step >= 0)) {
    throw invalidOption(`optimizer state step must be an integer >= 0, got ${String(state.step)}`);
  }
  for (const field of ['firstMoment', 'secondMoment'] as const) {
    const moments = state[field];
    validateParameterRecord(config, moments, `optimizer state ${field}`, false);
    for (const name of PARAMETER_NAMES) {
      if (trainable[name] && moments[name] === undefined) {
        throw invalidOption(`optimizer state ${field}.${name} is missing: ${name} is trainable in this model`);
      }
      if (!trainable[name] && moments[name] !== undefined) {
        throw invalidOption(`optimizer state ${field}.${name} is given but ${name} is frozen in this model`);
      }
    }
  }
}

/**
 * Checks extra gradients: known names and shapes. Entries for frozen parameters are allowed and ignored by
 * the engines (a frozen parameter has no gradient to add them to).
 */
export function validateExtraGradients(config: RnnConfig, extra: RnnGradients): void {
  validateParameterRecord(config, extra, 'extraGradients', false);
}
