/**
 * `psp`: Parameter Superposition (Cheung, Terekhov, Chen, Agrawal & Olshausen 2019, "Superposition of many
 * models into one"). One RNN stores the weights of all tasks in superposition: task k uses W·diag(c_k), where
 * c_k is a fixed random ±1 vector (a binary context) over the layer's inputs, drawn once per task. Tasks are
 * learned one after another; because the contexts of different tasks are nearly orthogonal, what one task
 * writes interferes little with what the others read.
 *
 * Implementation: the engine trains the materialised W_eff = W·diag(c_k) of the current task; its gradient
 * maps back as dW = dW_eff·diag(c_k), i.e. W = W_eff·diag(c_k) after training (c_k² = 1). Adam is equivariant
 * to these sign flips (its second moments are unchanged and its first moments flip with the weights), so this
 * is exactly training W through the context.
 *
 * Which weights are superposed is an option: the recurrent weights (default, as the project spec describes
 * PSP for the RNN), and optionally the input and readout weights (Cheung et al. apply a context to every
 * layer). Biases are shared.
 */
import type { JsonValue, RnnConfig, RnnParameters } from '@molap/backend';
import {
  defineOptions,
  deriveSeed,
  MolapError,
  OPTION_KINDS,
  type OptionsOf,
  option,
  readStrategyDocument,
  SEED_PURPOSE,
  type Strategy,
  type StrategyContext,
  taskSeedKey,
} from '@molap/core';
import { createRng } from '@molap/tasks';
import { z } from 'zod';
import { NETWORK_OPTION_SPECS, SEQUENTIAL_OPTION_SPECS } from './options.js';
import { type ContinualMethod, SequentialModel, type TaskEndContext } from './sequential.js';

/** Weight matrices that can be superposed; each gets its own context per task over its input (column) axis. */
export type SuperposedLayer = 'input' | 'recurrent' | 'readout';

const LAYERS: readonly SuperposedLayer[] = ['input', 'recurrent', 'readout'];

const PARAMETER_OF: Readonly<Record<SuperposedLayer, 'inputWeights' | 'recurrentWeights' | 'outputWeights'>> = {
  input: 'inputWeights',
  recurrent: 'recurrentWeights',
  readout: 'outputWeights',
};

const layers = z
  .array(z.enum(LAYERS as unknown as [SuperposedLayer, ...SuperposedLayer[]]))
  .min(1)
  .refine((value) => new Set(value).size === value.length);

/** Options of the `psp` strategy, declared once. */
export const PSP_OPTIONS = defineOptions('psp option', {
  ...NETWORK_OPTION_SPECS,
  ...SEQUENTIAL_OPTION_SPECS,
  superposed: option(
    OPTION_KINDS.custom(layers, `a non-empty list of distinct layers among ${LAYERS.map((l) => `'${l}'`).join(', ')}`),
    Object.freeze(['recurrent']) as readonly SuperposedLayer[],
    'weight matrices used through a task context',
  ),
  contextSeed: option(
    OPTION_KINDS.nonNegativeInteger,
    0,
    "extra seed of the contexts: a task's contexts come from (learn seed, contextSeed, task id)",
  ),
});

/** Options of the `psp` strategy. */
export type PspOptions = OptionsOf<typeof PSP_OPTIONS>;

/** A random ±1 vector of `size` entries drawn from `seed`. */
export function binaryContext(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const context = new Float32Array(size);
  for (let i = 0; i < size; i++) context[i] = rng.integer(2) === 0 ? 1 : -1;
  return context;
}

/** `matrix·diag(context)` for a row-major matrix [rows, cols] and a context [cols] (a new array). */
export function scaleColumns(matrix: Float32Array, context: Float32Array): Float32Array {
  const cols = context.length;
  const result = new Float32Array(matrix.length);
  for (let offset = 0; offset < matrix.length; offset += cols) {
    for (let j = 0; j < cols; j++) result[offset + j] = matrix[offset + j] * context[j];
  }
  return result;
}

/** The PSP method: per task, one ±1 context per superposed layer. */
class PspMethod implements ContinualMethod {
  /** Contexts by task id, then by layer. */
  private contexts = new Map<string, Partial<Record<SuperposedLayer, Float32Array>>>();

  constructor(private readonly options: PspOptions) {}

  beginTask(taskId: string, config: RnnConfig, seed: number): void {
    if (this.contexts.has(taskId)) return;
    const contexts: Partial<Record<SuperposedLayer, Float32Array>> = {};
    for (const [index, layer] of LAYERS.entries()) {
      if (!this.options.superposed.includes(layer)) continue;
      const size = layer === 'input' ? config.inputSize : config.hiddenSize;
      contexts[layer] = binaryContext(
        size,
        deriveSeed(seed, SEED_PURPOSE.contexts, this.options.contextSeed, taskSeedKey(taskId), index),
      );
    }
    this.contexts.set(taskId, contexts);
  }

  /** The contexts of a task (copies), by layer. */
  contextsOf(taskId: string): Partial<Record<SuperposedLayer, Float32Array>> {
    const contexts = this.contexts.get(taskId);
    if (!contexts) throw noContext(taskId);
    return Object.fromEntries(Object.entries(contexts).map(([layer, values]) => [layer, Float32Array.from(values)]));
  }

  /** W ↦ W·diag(c) on every superposed matrix present in `record` (its own inverse). */
  private apply(record: Partial<RnnParameters>, taskId: string): Partial<RnnParameters> {
    const contexts = this.contexts.get(taskId);
    if (!contexts) throw noContext(taskId);
    const result = { ...record };
    for (const layer of this.options.superposed) {
      const name = PARAMETER_OF[layer];
      const values = record[name];
      if (values) result[name] = scaleColumns(values, contexts[layer]!);
    }
    return result;
  }

  toTask(record: Partial<RnnParameters>, taskId: string): Partial<RnnParameters> {
    return this.apply(record, taskId);
  }

  fromTask(record: Partial<RnnParameters>, taskId: string): Partial<RnnParameters> {
    return this.apply(record, taskId);
  }

  penaltyGradients(): undefined {
    return undefined;
  }

  async endTask(_context: TaskEndContext): Promise<void> {}

  async save(): Promise<{ readonly [key: string]: JsonValue }> {
    // Contexts are ±1: stored as strings of '+' and '-' per task and layer.
    const contexts: Record<string, Record<string, string>> = {};
    for (const [taskId, byLayer] of this.contexts) {
      contexts[taskId] = Object.fromEntries(
        Object.entries(byLayer).map(([layer, values]) => [
          layer,
          Array.from(values, (v) => (v > 0 ? '+' : '-')).join(''),
        ]),
      );
    }
    return { contexts };
  }

  async load(_dir: string, state: { readonly [key: string]: JsonValue }): Promise<void> {
    this.contexts.clear();
    const contexts = (state.contexts ?? {}) as Record<string, Record<string, string>>;
    for (const [taskId, byLayer] of Object.entries(contexts)) {
      const decoded: Partial<Record<SuperposedLayer, Float32Array>> = {};
      for (const [layer, text] of Object.entries(byLayer)) {
        decoded[layer as SuperposedLayer] = Float32Array.from(text, (sign) => (sign === '+' ? 1 : -1));
      }
      this.contexts.set(taskId, decoded);
    }
  }
}

/** Version of the `psp` strategy (its models record it). */
const PSP_VERSION = '1.0.0';

/** A PSP model: a sequential model whose method exposes the task contexts. */
export class PspModel extends SequentialModel {
  private readonly psp: PspMethod;
  constructor(context: StrategyContext, options: PspOptions) {
    const method = new PspMethod(options);
    super({ id: 'psp', version: PSP_VERSION }, context, options, method);
    this.psp = method;
  }

  /** The ±1 contexts of a learned task, by superposed layer. */
  contexts(taskId: string): Partial<Record<SuperposedLayer, Float32Array>> {
    return this.psp.contextsOf(taskId);
  }
}

/** The `psp` strategy: parameter superposition, tasks learned in sequence. */
export const psp: Strategy<PspOptions> = Object.freeze({
  id: 'psp',
  version: PSP_VERSION,
  meta: Object.freeze({
    displayName: 'Parameter superposition (Cheung et al. 2019)',
    paper:
      'Cheung, Terekhov, Chen, Agrawal & Olshausen (2019). Superposition of many models into one. Advances in Neural Information Processing Systems 32 (NeurIPS 2019)',
    link: 'https://arxiv.org/abs/1902.05522',
    description:
      'One RNN whose recurrent weights are used through a fixed random ±1 context per task and unit (W·diag(c_task)); tasks are learned one after another.',
    schedule: 'sequential' as const,
  }),
  defaults: PSP_OPTIONS.defaults,
  checkOptions: (options: Partial<PspOptions>) => void PSP_OPTIONS.resolve(options),
  async create(context: StrategyContext, options?: Partial<PspOptions>) {
    return new PspModel(context, PSP_OPTIONS.resolve(options));
  },
  async load(dir: string, context: StrategyContext) {
    const document = await readStrategyDocument(dir, 'psp');
    const model = new PspModel(context, PSP_OPTIONS.resolve(document.options as Partial<PspOptions>));
    await model.restore(dir, document);
    return model;
  },
});

/** A task PSP has no context for: one it has not learned (an unknown id for the model). */
function noContext(taskId: string): MolapError {
  return new MolapError('unknown-id', `PSP has no context for task '${taskId}': it has not been learned`);
}
