/**
 * MoLaP and its random-modules ablation as strategies of @molap/core, registered like every baseline:
 * `molap` learns on a pre-trained module bank (the input 'bank'), `random-modules` on random, frozen
 * modules of the same shape and dynamics (MoLaP §5).
 */
import {
  type AnyStrategy,
  type ModelCreation,
  MolapError,
  type Strategy,
  type StrategyContext,
  strategyInput,
} from '@molap/core';
import type { ModuleBank } from '@molap/primitives';
import { createMolap } from './molap.js';
import { loadMolap, MOLAP_STRATEGY_VERSIONS } from './molap-file.js';
import { DEFAULT_MOLAP_OPTIONS, type MolapOptions, resolveMolapOptions } from './molap-options.js';

const PAPER =
  'Márton, Gagnon, Lajoie & Rajan (2021). Efficient and robust multi-task learning in the brain with modular latent primitives. arXiv:2105.14108';
const LINK = 'https://arxiv.org/abs/2105.14108';

/** Tag of strategies built on modules: the `molap` options section of a study applies to them. */
export const MODULAR_TAG = 'modular';

/** Descriptive metadata of the MoLaP strategy. */
export const MOLAP_META = Object.freeze({
  displayName: 'MoLaP (modular latent primitives)',
  paper: PAPER,
  link: LINK,
  description:
    'Frozen recurrent modules pre-trained on latent primitives of the task corpus; each task learns only its own input weights (or context) and readout.',
  schedule: 'independent' as const,
  tags: Object.freeze([MODULAR_TAG]),
});

/** Names of the inputs the strategies declare: a pre-trained bank, a random bank. */
export const PRETRAINED_BANK_INPUT = 'pretrained-bank';
export const RANDOM_BANK_INPUT = 'random-bank';

/** The `molap` strategy: MoLaP on a module bank pre-trained on the corpus (input 'pretrained-bank'). */
export const molap: Strategy<MolapOptions> = Object.freeze({
  id: 'molap',
  version: MOLAP_STRATEGY_VERSIONS.molap,
  meta: MOLAP_META,
  defaults: DEFAULT_MOLAP_OPTIONS,
  inputs: Object.freeze([
    Object.freeze({
      name: PRETRAINED_BANK_INPUT,
      description:
        'a module bank pre-trained on the corpus: buildModuleBank or loadModuleBank of @molap/primitives (a study builds it)',
    }),
  ]),
  async create(context: StrategyContext, options?: Partial<MolapOptions>, creation?: ModelCreation) {
    const bank = strategyInput<ModuleBank>(molap, creation, PRETRAINED_BANK_INPUT);
    if (bank.kind !== 'pretrained') {
      throw new MolapError('incompatible', "the 'molap' strategy got a random module bank", {
        hint: "pass a pre-trained bank (buildModuleBank), or use the 'random-modules' strategy",
      });
    }
    return createMolap(bank, context, options);
  },
  load: (dir: string, context: StrategyContext) => loadMolap(dir, context, 'molap'),
  checkOptions: (options: Partial<MolapOptions>) => void resolveMolapOptions(options),
});

/**
 * The `random-modules` strategy: MoLaP's architecture and learning on random, frozen, never-trained
 * modules (input 'random-bank': `createRandomModuleBank` with the shape and dynamics the pre-trained bank
 * has, so that the ablation differs from MoLaP only by the training of the modules).
 */
export const randomModules: Strategy<MolapOptions> = Object.freeze({
  id: 'random-modules',
  version: MOLAP_STRATEGY_VERSIONS['random-modules'],
  meta: Object.freeze({
    displayName: 'Random modules (MoLaP without pre-training)',
    paper: PAPER,
    link: LINK,
    description:
      "MoLaP's exact architecture and per-task learning on random, frozen modules that were never pre-trained: what pre-training buys.",
    schedule: 'independent' as const,
    tags: Object.freeze([MODULAR_TAG, 'ablation']),
  }),
  defaults: DEFAULT_MOLAP_OPTIONS,
  inputs: Object.freeze([
    Object.freeze({
      name: RANDOM_BANK_INPUT,
      description:
        'a random module bank: createRandomModuleBank of @molap/primitives with the shape of the pre-trained bank (a study makes it)',
    }),
  ]),
  async create(context: StrategyContext, options?: Partial<MolapOptions>, creation?: ModelCreation) {
    const bank = strategyInput<ModuleBank>(randomModules, creation, RANDOM_BANK_INPUT);
    if (bank.kind !== 'random') {
      throw new MolapError('incompatible', "the 'random-modules' strategy got a pre-trained module bank", {
        hint: "pass a random bank (createRandomModuleBank), or use the 'molap' strategy",
      });
    }
    return createMolap(bank, context, options);
  },
  load: (dir: string, context: StrategyContext) => loadMolap(dir, context, 'random-modules'),
  checkOptions: (options: Partial<MolapOptions>) => void resolveMolapOptions(options),
});

/** The strategies of this package: molap and random-modules. */
export const MOLAP_STRATEGIES: readonly AnyStrategy[] = Object.freeze([molap, randomModules]);
