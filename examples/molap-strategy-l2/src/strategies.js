// @ts-check
/**
 * `lab/l2`: the L2 baseline of continual learning, as a third-party molap strategy.
 *
 * The multitask RNN of Yang et al. (2019) learns the tasks one after the other, like `ewc` and `sequential`
 * of @molap/baselines. When task k ends at θ*_k, θ*_k becomes the anchor, and while the next tasks are
 * learned the loss gets the penalty λ/2·Σ_i (θ_i − θ*_k,i)²: every weight is pulled back towards where the
 * last task left it, all with the same strength. It is EWC with every Fisher entry set to 1 and one anchor
 * (the last), the comparison Kirkpatrick et al. (2017, Fig. 2) draw to show that EWC's per-weight importance
 * matters. The penalty's gradient λ·(θ − θ*) reaches the engine as extra gradients, added before clipping.
 *
 * Everything here is public API: `SequentialModel` and its `ContinualMethod` interface and `NETWORK_OPTIONS`
 * (@molap/baselines), `defineOptions` and the strategy document (@molap/core), the model files
 * (@molap/backend). The package.json "molap" field (apiVersion 2) lets `molap compare` and `molap run` find it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel, PARAMETER_NAMES, saveModel } from '@molap/backend';
import { NETWORK_OPTIONS, SequentialModel } from '@molap/baselines';
import { defineOptions, OPTION_KINDS, option, readStrategyDocument } from '@molap/core';

/**
 * @typedef {import('@molap/backend').RnnConfig} RnnConfig
 * @typedef {import('@molap/backend').RnnParameters} RnnParameters
 * @typedef {import('@molap/backend').RnnGradients} RnnGradients
 * @typedef {import('@molap/backend').JsonValue} JsonValue
 * @typedef {import('@molap/baselines').ContinualMethod} ContinualMethod
 * @typedef {import('@molap/baselines').TaskEndContext} TaskEndContext
 * @typedef {import('@molap/core').StrategyContext} StrategyContext
 */

/** Id of the strategy; scoped (`lab/…`) so that it never collides with a built-in one. */
export const L2_ID = 'lab/l2';
/** Version of the strategy (semver): saved models record it; bump the major version when results change. */
const L2_VERSION = '1.0.0';

/**
 * Default λ. Not tuned: a starting point of the same order as the effective strength of `ewc` on Yang's tasks
 * (λ_ewc·F ≈ 10⁴ × 10⁻⁶…10⁻⁴). Tune it on validation trials as the built-in baselines were tuned before
 * comparing it with them.
 */
export const DEFAULT_L2_LAMBDA = 0.01;

/** Options of `lab/l2`, declared once: the network options of every baseline, the optimiser reset, λ. */
export const L2_OPTIONS = defineOptions('lab/l2 option', {
  ...NETWORK_OPTIONS.specs,
  resetOptimizer: option(OPTION_KINDS.boolean, true, 'fresh Adam state at the start of each task'),
  lambda: option(
    OPTION_KINDS.nonNegativeNumber,
    DEFAULT_L2_LAMBDA,
    'λ, the strength of the penalty λ/2·Σ (θ − θ*)² towards the last task’s weights; 0 is plain sequential learning',
  ),
});

/** @typedef {import('@molap/core').OptionsOf<typeof L2_OPTIONS>} L2Options */

/**
 * The L2 method: no anchor while the first task is learned; after each task the anchor is that task's
 * parameters, and the penalty gradient λ·(θ − θ*) is added at every step of the next tasks.
 * @implements {ContinualMethod}
 */
export class L2Method {
  /** @param {L2Options} options */
  constructor(options) {
    this.lambda = options.lambda;
    /** @type {RnnParameters | undefined} θ* (each array of its parameter's length), after the first task. */
    this.anchor = undefined;
    /** @type {RnnConfig | undefined} */
    this.config = undefined;
  }

  /** @param {string} _taskId @param {RnnConfig} config */
  beginTask(_taskId, config) {
    this.config = config;
  }

  /**
   * The shared and task spaces are the same here (PSP is a method where they differ).
   * @param {Partial<RnnParameters>} record
   * @returns {Partial<RnnParameters>}
   */
  toTask(record) {
    return { ...record };
  }

  /** @param {Partial<RnnParameters>} record @returns {Partial<RnnParameters>} */
  fromTask(record) {
    return { ...record };
  }

  /**
   * λ·(θ − θ*) for every parameter, or undefined before the first task ends (or with λ = 0).
   * @param {RnnParameters} parameters θ, task space
   * @returns {RnnGradients | undefined}
   */
  penaltyGradients(parameters) {
    const anchor = this.anchor;
    if (this.lambda === 0 || anchor === undefined) return undefined;
    /** @type {RnnGradients} */
    const gradients = {};
    for (const name of PARAMETER_NAMES) {
      const theta = parameters[name];
      const anchored = anchor[name];
      const gradient = new Float32Array(theta.length);
      for (let i = 0; i < theta.length; i++) gradient[i] = this.lambda * (theta[i] - anchored[i]);
      gradients[name] = gradient;
    }
    return gradients;
  }

  /** The parameters the task ended at become the anchor. @param {TaskEndContext} context */
  async endTask({ model }) {
    if (this.lambda === 0) return;
    this.anchor = model.getParameters();
  }

  /** @param {string} dir @returns {Promise<{ readonly [key: string]: JsonValue }>} */
  async save(dir) {
    await mkdir(dir, { recursive: true });
    if (this.config === undefined || this.anchor === undefined) return { anchored: false };
    await saveModel(join(dir, 'anchor'), {
      config: this.config,
      parameters: this.anchor,
      metadata: { role: 'l2-anchor' },
    });
    return { anchored: true };
  }

  /** @param {string} dir @param {{ readonly [key: string]: JsonValue }} state */
  async load(dir, state) {
    this.anchor = undefined;
    if (state.anchored !== true) return;
    const saved = await loadModel(join(dir, 'anchor'));
    this.config = saved.config;
    this.anchor = saved.parameters;
  }
}

/** @param {StrategyContext} context @param {L2Options} options */
const createModel = (context, options) =>
  new SequentialModel({ id: L2_ID, version: L2_VERSION }, context, options, new L2Method(options));

/** @type {import('@molap/core').Strategy<L2Options>} */
export const l2 = Object.freeze({
  id: L2_ID,
  version: L2_VERSION,
  meta: Object.freeze({
    displayName: 'L2 towards the last task (Kirkpatrick et al. 2017)',
    description:
      'The multitask RNN learned task after task; a quadratic penalty of one strength pulls every weight back to where the last task left it (EWC without per-weight importance).',
    paper:
      'Kirkpatrick et al. (2017). Overcoming catastrophic forgetting in neural networks. PNAS 114(13), 3521–3526 (the L2 comparison of Fig. 2)',
    link: 'https://doi.org/10.1073/pnas.1611835114',
    tags: ['continual learning'],
    schedule: /** @type {const} */ ('sequential'),
  }),
  defaults: L2_OPTIONS.defaults,
  /** @param {Partial<L2Options>} options */
  checkOptions: (options) => void L2_OPTIONS.resolve(options),
  /** @param {StrategyContext} context @param {Partial<L2Options>} [options] */
  async create(context, options) {
    return createModel(context, L2_OPTIONS.resolve(options));
  },
  /** @param {string} dir @param {StrategyContext} context */
  async load(dir, context) {
    const document = await readStrategyDocument(dir, L2_ID);
    const model = createModel(context, L2_OPTIONS.resolve(/** @type {Partial<L2Options>} */ (document.options)));
    await model.restore(dir, document);
    return model;
  },
});

/** What discovery reads (the "strategies" entry of the package.json "molap" field). */
export const strategies = [l2];
