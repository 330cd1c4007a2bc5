/**
 * `si`: intelligent synapses (synaptic intelligence; Zenke, Poole & Ganguli 2017) on the multitask RNN learned
 * task after task, the continual-learning method Yang et al. (2019) compare against, as in their code
 * (gyyang/multitask `train_sequential`):
 *
 * - While task μ is learned, each parameter accumulates its contribution to the decrease of the loss along
 *   the learning path: ω_i ← ω_i − g_i·Δθ_i at every step, with g the gradient of the task's own loss (no
 *   penalty) at the parameters the step starts from, and Δθ the step's update.
 * - When task μ ends (at θ_μ, having started at θ_{μ−1}): Ω_i ← max(0, Ω_i + ω_i / ((θ_μ,i − θ_{μ−1},i)² + ξ)),
 *   ω ← 0, and the anchor becomes θ_μ.
 * - Later tasks add the penalty c·Σ_i Ω_i (θ_i − θ_μ,i)² to the loss; its gradient 2c·Ω ⊙ (θ − θ_μ) reaches
 *   the engine as extra gradients (added before clipping). Yang et al. write the penalty without ½.
 *
 * Cost: g needs one extra forward and backward pass per step (the engine's fused training step does not return
 * the loss gradient), so `si` trains in about twice the time of `ewc` or `sequential` (none with c = 0).
 * Resuming a task interrupted mid-way restarts its path integral at the resumed step (the trainer's checkpoints
 * hold weights and Adam state, not ω); resuming at task boundaries is exact.
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
import { NETWORK_OPTION_SPECS, SEQUENTIAL_OPTION_SPECS } from './options.js';
import { type ContinualMethod, SequentialModel, type StepInfo, type TaskEndContext } from './sequential.js';

/** Default c of `si` (Yang et al. 2019's continual-learning networks: c = 1, ξ = 0.01; see the README). */
export const DEFAULT_SI_C = 1;
/** Default ξ of `si` (Yang et al. 2019). */
export const DEFAULT_SI_XI = 0.01;

/** Options of the `si` strategy, declared once. */
export const SI_OPTIONS = defineOptions('si option', {
  ...NETWORK_OPTION_SPECS,
  ...SEQUENTIAL_OPTION_SPECS,
  c: option(
    OPTION_KINDS.nonNegativeNumber,
    DEFAULT_SI_C,
    'c, the strength of the penalty c·Σ Ω (θ − θ*)²; 0 turns consolidation (and the path integral) off',
  ),
  xi: option(OPTION_KINDS.positiveNumber, DEFAULT_SI_XI, 'ξ, the damping of Ω = ω / (Δθ² + ξ)'),
});

/** Options of the `si` strategy. */
export type SiOptions = OptionsOf<typeof SI_OPTIONS>;

const zerosLike = (parameters: RnnParameters): RnnParameters =>
  Object.fromEntries(PARAMETER_NAMES.map((name) => [name, new Float32Array(parameters[name].length)])) as RnnParameters;

/** The SI method: path integral during a task, importance and anchor at its end, quadratic penalty after. */
export class SiMethod implements ContinualMethod {
  /** Ω, the consolidated importance of each parameter (undefined before the first task ends). */
  private importance: RnnParameters | undefined;
  /** θ at the end of the last learned task (the penalty's anchor), or the initial parameters during the first. */
  private anchor: RnnParameters | undefined;
  /** ω of the task being learned. */
  private pathIntegral: RnnParameters | undefined;
  /** Parameters and loss gradient at the start of the step in flight. */
  private pending: { readonly before: RnnParameters; readonly gradient: RnnGradients } | undefined;
  private config: RnnConfig | undefined;

  constructor(private readonly options: SiOptions) {}

  beginTask(_taskId: string, config: RnnConfig): void {
    this.config = config;
    this.pending = undefined;
    this.pathIntegral = undefined;
  }

  toTask(record: Partial<RnnParameters>): Partial<RnnParameters> {
    return { ...record };
  }

  fromTask(record: Partial<RnnParameters>): Partial<RnnParameters> {
    return { ...record };
  }

  async beforeStep({ model, batch, noiseSeed }: StepInfo): Promise<void> {
    if (this.options.c === 0) return;
    const now = model.getParameters();
    this.settle(now);
    this.anchor ??= now;
    this.pathIntegral ??= zerosLike(now);
    const { gradients } = await model.gradients(batch, { noiseSeed });
    this.pending = { before: now, gradient: gradients };
  }

  /** ω −= g ⊙ (θ_now − θ_before) for the step in flight. */
  private settle(now: RnnParameters): void {
    if (!this.pending || !this.pathIntegral) return;
    const { before, gradient } = this.pending;
    for (const name of PARAMETER_NAMES) {
      const g = gradient[name];
      if (!g) continue;
      const omega = this.pathIntegral[name];
      const after = now[name];
      const start = before[name];
      for (let i = 0; i < omega.length; i++) omega[i] -= g[i] * (after[i] - start[i]);
    }
    this.pending = undefined;
  }

  penaltyGradients(parameters: RnnParameters): RnnGradients | undefined {
    if (this.options.c === 0 || !this.importance || !this.anchor) return undefined;
    const scale = 2 * this.options.c;
    const gradients: RnnGradients = {};
    for (const name of PARAMETER_NAMES) {
      const theta = parameters[name];
      const omega = this.importance[name];
      const anchor = this.anchor[name];
      const gradient = new Float32Array(theta.length);
      for (let i = 0; i < theta.length; i++) gradient[i] = scale * omega[i] * (theta[i] - anchor[i]);
      gradients[name] = gradient;
    }
    return gradients;
  }

  async endTask({ model }: TaskEndContext): Promise<void> {
    if (this.options.c === 0) return;
    const end = model.getParameters();
    this.settle(end);
    const start = this.anchor ?? end;
    const omega = this.pathIntegral ?? zerosLike(end);
    const importance = this.importance ?? zerosLike(end);
    for (const name of PARAMETER_NAMES) {
      const total = importance[name];
      for (let i = 0; i < total.length; i++) {
        const moved = end[name][i] - start[name][i];
        total[i] = Math.max(0, total[i] + omega[name][i] / (moved * moved + this.options.xi));
      }
    }
    this.importance = importance;
    this.anchor = end;
    this.pathIntegral = undefined;
  }

  async save(dir: string): Promise<{ readonly [key: string]: JsonValue }> {
    await mkdir(dir, { recursive: true });
    const config = this.config;
    if (config && this.importance && this.anchor) {
      await saveModel(join(dir, 'importance'), {
        config,
        parameters: this.importance,
        metadata: { role: 'si-importance' },
      });
      await saveModel(join(dir, 'anchor'), { config, parameters: this.anchor, metadata: { role: 'si-anchor' } });
      return { consolidated: true };
    }
    return { consolidated: false };
  }

  async load(dir: string, state: { readonly [key: string]: JsonValue }): Promise<void> {
    this.importance = undefined;
    this.anchor = undefined;
    this.pathIntegral = undefined;
    this.pending = undefined;
    if (state.consolidated !== true) return;
    const importance = await loadModel(join(dir, 'importance'));
    this.config = importance.config;
    this.importance = importance.parameters;
    this.anchor = (await loadModel(join(dir, 'anchor'))).parameters;
  }
}

/** Version of the `si` strategy (its models record it). */
const SI_VERSION = '1.0.0';

const create = (context: StrategyContext, options: SiOptions) =>
  new SequentialModel({ id: 'si', version: SI_VERSION }, context, options, new SiMethod(options));

/** The `si` strategy: intelligent synapses on the multitask RNN, tasks learned in sequence. */
export const si: Strategy<SiOptions> = Object.freeze({
  id: 'si',
  version: SI_VERSION,
  meta: Object.freeze({
    displayName: 'Intelligent synapses (Zenke et al. 2017)',
    paper:
      'Zenke, Poole & Ganguli (2017). Continual learning through synaptic intelligence. Proceedings of the 34th International Conference on Machine Learning (PMLR 70), 3987–3995',
    link: 'https://proceedings.mlr.press/v70/zenke17a.html',
    description:
      'The multitask RNN learned task after task; each weight accumulates how much it reduced the loss along the learning path, and a quadratic penalty weighted by that importance keeps weights important to earlier tasks close to where those tasks left them (the continual-learning baseline of Yang et al. 2019).',
    schedule: 'sequential' as const,
  }),
  defaults: SI_OPTIONS.defaults,
  checkOptions: (options: Partial<SiOptions>) => void SI_OPTIONS.resolve(options),
  async create(context: StrategyContext, options?: Partial<SiOptions>) {
    return create(context, SI_OPTIONS.resolve(options));
  },
  async load(dir: string, context: StrategyContext) {
    const document = await readStrategyDocument(dir, 'si');
    const model = create(context, SI_OPTIONS.resolve(document.options as Partial<SiOptions>));
    await model.restore(dir, document);
    return model;
  },
});
