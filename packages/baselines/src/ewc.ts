/**
 * `ewc`: elastic weight consolidation (Kirkpatrick et al. 2017) on the multitask RNN learned task after
 * task, and `sequential`: the same without the penalty (plain sequential fine-tuning, λ = 0).
 *
 * After task k is learned at θ*_k, a diagonal Fisher information F_k is estimated, and while later tasks
 * are learned the loss gets the penalty λ/2·Σ_k Σ_i F_k,i (θ_i − θ*_k,i)² (one penalty per earlier task, as
 * in the paper). Its gradient λ·Σ_k F_k ⊙ (θ − θ*_k) is passed to the engine as extra gradients, added to the
 * loss gradients before clipping.
 *
 * Fisher estimate (documented deviation): the empirical Fisher from per-batch gradients,
 * F = (1/M)·Σ_m g_m ⊙ g_m, with g_m the gradient of the batch loss on M fresh training batches of the task
 * (with input and recurrent noise). With one trial per batch (the default) this is the empirical Fisher of
 * per-trial gradients; larger batches average trials before squaring, which shrinks F roughly by the batch
 * size. The paper samples outputs from the model's own predictive distribution instead (the "true" Fisher),
 * which is not defined for Yang's squared-error outputs.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type JsonValue,
  loadModel,
  PARAMETER_NAMES,
  type RnnConfig,
  type RnnGradients,
  type RnnParameters,
  saveModel,
} from '@molap/backend';
import {
  defineOptions,
  OPTION_KINDS,
  type OptionsOf,
  option,
  readStrategyDocument,
  type Strategy,
  type StrategyContext,
} from '@molap/core';
import { createRng, resolveTaskOptions } from '@molap/tasks';
import { NETWORK_OPTION_SPECS, SEQUENTIAL_OPTION_SPECS } from './options.js';
import { type ContinualMethod, SequentialModel, type TaskEndContext } from './sequential.js';

/** Default λ of `ewc` (chosen for Yang's tasks and loss scale; see the README). */
export const DEFAULT_EWC_LAMBDA = 1e4;

const EWC_OPTION_SPECS = {
  ...NETWORK_OPTION_SPECS,
  ...SEQUENTIAL_OPTION_SPECS,
  lambda: option(
    OPTION_KINDS.nonNegativeNumber,
    DEFAULT_EWC_LAMBDA,
    'λ, the strength of the consolidation penalty λ/2·Σ F(θ − θ*)²; 0 gives plain sequential fine-tuning',
  ),
  fisherBatches: option(
    OPTION_KINDS.positiveInteger,
    64,
    'M, batches whose squared gradients are averaged into the Fisher estimate',
  ),
  fisherBatchSize: option(OPTION_KINDS.positiveInteger, 1, 'trials per Fisher batch (1: per-trial empirical Fisher)'),
} as const;

/** Options of the `ewc` strategy, declared once. */
export const EWC_OPTIONS = defineOptions('ewc option', EWC_OPTION_SPECS);

/** Options of the `sequential` strategy: those of `ewc` with λ = 0. */
export const SEQUENTIAL_STRATEGY_OPTIONS = defineOptions('sequential option', {
  ...EWC_OPTION_SPECS,
  lambda: option(EWC_OPTION_SPECS.lambda, 0, EWC_OPTION_SPECS.lambda.description),
});

/** Options of the `ewc` and `sequential` strategies. */
export type EwcOptions = OptionsOf<typeof EWC_OPTIONS>;

/** A consolidated task: its diagonal Fisher F_k and its parameters θ*_k. */
interface Consolidation {
  readonly taskId: string;
  readonly fisher: RnnParameters;
  readonly anchor: RnnParameters;
}

/**
 * Estimates the diagonal empirical Fisher of `model` on a task: the mean over `batches` fresh batches of
 * the squared gradient of the batch loss, per parameter. Only trainable parameters get an entry; the others
 * are zero.
 */
export async function empiricalFisher(
  context: Omit<TaskEndContext, 'seed'>,
  options: { readonly batches: number; readonly batchSize: number; readonly seed: number },
): Promise<RnnParameters> {
  const { model, task } = context;
  const taskOptions = resolveTaskOptions(task, {
    ...context.taskOptions,
    mode: 'random',
    batchSize: options.batchSize,
  });
  const parameters = model.getParameters();
  const fisher = {} as RnnParameters;
  for (const name of PARAMETER_NAMES) fisher[name] = new Float32Array(parameters[name].length);
  const rng = createRng(options.seed);
  for (let m = 0; m < options.batches; m++) {
    const batchRng = rng.fork(m);
    const batch = task.generate(batchRng, taskOptions);
    const noiseSeed = Math.floor(batchRng.uniform() * 2 ** 32);
    const { gradients } = await model.gradients(batch, { noiseSeed });
    for (const name of PARAMETER_NAMES) {
      const gradient = gradients[name];
      if (!gradient) continue;
      const target = fisher[name];
      for (let i = 0; i < target.length; i++) target[i] += (gradient[i] * gradient[i]) / options.batches;
    }
  }
  return fisher;
}

/** The EWC method: Fisher after each task, penalty gradient λ·Σ_k F_k ⊙ (θ − θ*_k) during later tasks. */
class EwcMethod implements ContinualMethod {
  private consolidations: Consolidation[] = [];
  /** Σ_k F_k and Σ_k F_k ⊙ θ*_k, so the penalty gradient is λ·(ΣF ⊙ θ − ΣFθ*). */
  private fisherSum: RnnParameters | undefined;
  private anchoredSum: RnnParameters | undefined;

  constructor(private readonly options: EwcOptions) {}

  /** Config of the network, for the Fisher and anchor files. */
  private config: RnnConfig | undefined;

  beginTask(_taskId: string, config: RnnConfig): void {
    this.config = config;
  }

  toTask(record: Partial<RnnParameters>): Partial<RnnParameters> {
    return { ...record };
  }

  fromTask(record: Partial<RnnParameters>): Partial<RnnParameters> {
    return { ...record };
  }

  penaltyGradients(parameters: RnnParameters): RnnGradients | undefined {
    if (this.options.lambda === 0 || !this.fisherSum || !this.anchoredSum) return undefined;
    const lambda = this.options.lambda;
    const gradients: RnnGradients = {};
    for (const name of PARAMETER_NAMES) {
      const theta = parameters[name];
      const fisher = this.fisherSum[name];
      const anchored = this.anchoredSum[name];
      const gradient = new Float32Array(theta.length);
      for (let i = 0; i < theta.length; i++) gradient[i] = lambda * (fisher[i] * theta[i] - anchored[i]);
      gradients[name] = gradient;
    }
    return gradients;
  }

  async endTask(context: TaskEndContext): Promise<void> {
    if (this.options.lambda === 0) return;
    const fisher = await empiricalFisher(context, {
      batches: this.options.fisherBatches,
      batchSize: this.options.fisherBatchSize,
      seed: context.seed,
    });
    this.add({ taskId: context.task.id, fisher, anchor: context.model.getParameters() });
  }

  private add(consolidation: Consolidation): void {
    this.consolidations.push(consolidation);
    if (!this.fisherSum || !this.anchoredSum) {
      this.fisherSum = {} as RnnParameters;
      this.anchoredSum = {} as RnnParameters;
      for (const name of PARAMETER_NAMES) {
        this.fisherSum[name] = new Float32Array(consolidation.fisher[name].length);
        this.anchoredSum[name] = new Float32Array(consolidation.fisher[name].length);
      }
    }
    for (const name of PARAMETER_NAMES) {
      const fisher = consolidation.fisher[name];
      const anchor = consolidation.anchor[name];
      const fisherSum = this.fisherSum[name];
      const anchoredSum = this.anchoredSum[name];
      for (let i = 0; i < fisher.length; i++) {
        fisherSum[i] += fisher[i];
        anchoredSum[i] += fisher[i] * anchor[i];
      }
    }
  }

  async save(dir: string): Promise<{ readonly [key: string]: JsonValue }> {
    await mkdir(dir, { recursive: true });
    // The Fisher diagonal and the anchor have the parameters' shapes: they are stored as model folders.
    for (const [index, { taskId, fisher, anchor }] of this.consolidations.entries()) {
      for (const [role, values] of [
        ['fisher', fisher],
        ['anchor', anchor],
      ] as const) {
        await saveModel(join(dir, `${index}-${role}`), {
          config: this.configOf(values),
          parameters: values,
          metadata: { role: `ewc-${role}`, taskId },
        });
      }
    }
    return { tasks: this.consolidations.map((c) => c.taskId) };
  }

  private configOf(_values: RnnParameters): RnnConfig {
    if (!this.config) throw new Error('internal: EWC state saved before its network config is known');
    return this.config;
  }

  async load(dir: string, state: { readonly [key: string]: JsonValue }): Promise<void> {
    this.consolidations = [];
    this.fisherSum = undefined;
    this.anchoredSum = undefined;
    const tasks = (state.tasks ?? []) as string[];
    for (const [index, taskId] of tasks.entries()) {
      const fisher = await loadModel(join(dir, `${index}-fisher`));
      const anchor = await loadModel(join(dir, `${index}-anchor`));
      this.config = fisher.config;
      this.add({ taskId, fisher: fisher.parameters, anchor: anchor.parameters });
    }
  }
}

/** Version of the `ewc` and `sequential` strategies (their models record it). */
const EWC_VERSION = '1.0.0';

function ewcStrategy(name: 'ewc' | 'sequential', declaration: typeof EWC_OPTIONS): Strategy<EwcOptions> {
  const create = (context: StrategyContext, options: EwcOptions) =>
    new SequentialModel({ id: name, version: EWC_VERSION }, context, options, new EwcMethod(options));
  return Object.freeze({
    id: name,
    version: EWC_VERSION,
    meta: Object.freeze(
      name === 'ewc'
        ? {
            displayName: 'Elastic weight consolidation (Kirkpatrick et al. 2017)',
            paper:
              'Kirkpatrick, Pascanu, Rabinowitz, Veness, Desjardins, Rusu, Milan, Quan, Ramalho, Grabska-Barwinska, Hassabis, Clopath, Kumaran & Hadsell (2017). Overcoming catastrophic forgetting in neural networks. PNAS 114(13), 3521–3526',
            link: 'https://doi.org/10.1073/pnas.1611835114',
            description:
              'The multitask RNN learned task after task; a quadratic penalty weighted by the diagonal Fisher information of earlier tasks keeps the weights they rely on close to where those tasks left them.',
            schedule: 'sequential' as const,
          }
        : {
            displayName: 'Sequential fine-tuning',
            paper:
              'Kirkpatrick et al. (2017). Overcoming catastrophic forgetting in neural networks. PNAS 114(13), 3521–3526 (the unconsolidated baseline, λ = 0)',
            link: 'https://doi.org/10.1073/pnas.1611835114',
            description:
              'The multitask RNN learned task after task with no protection of earlier tasks (EWC with λ = 0): the catastrophic-forgetting reference.',
            schedule: 'sequential' as const,
          },
    ),
    defaults: declaration.defaults,
    checkOptions: (options: Partial<EwcOptions>) => void declaration.resolve(options),
    async create(context: StrategyContext, options?: Partial<EwcOptions>) {
      return create(context, declaration.resolve(options));
    },
    async load(dir: string, context: StrategyContext) {
      const document = await readStrategyDocument(dir, name);
      const model = create(context, declaration.resolve(document.options as Partial<EwcOptions>));
      await model.restore(dir, document);
      return model;
    },
  });
}

/** The `ewc` strategy: elastic weight consolidation on the multitask RNN, tasks learned in sequence. */
export const ewc: Strategy<EwcOptions> = ewcStrategy('ewc', EWC_OPTIONS);

/** The `sequential` strategy: plain sequential fine-tuning of the multitask RNN (EWC with λ = 0). */
export const sequential: Strategy<EwcOptions> = ewcStrategy('sequential', SEQUENTIAL_STRATEGY_OPTIONS);
