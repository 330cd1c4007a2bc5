/**
 * The perturbation suite (MoLaP §6) as plain values in an explicit registry. A perturbation spec turns a
 * magnitude on its grid (and a draw seed) into a `Perturbation` of `@molap/core`, which every
 * `MultiTaskModel` applies at evaluation time without changing itself.
 *
 * Magnitude 0 is always "unperturbed": it maps to a perturbation that changes nothing (σ 0, fraction 0,
 * noise × 1) or, for module lesions, to no perturbation at all.
 */
import {
  createRegistry,
  type MultiTaskModel,
  type Perturbation,
  PLUGIN_ID_PATTERN,
  type PluginMeta,
  pluginProblems,
  type Registry,
} from '@molap/core';
import { createRng } from '@molap/tasks';

/** What a perturbation needs to know about the model it perturbs. */
export type PerturbedModel = Pick<MultiTaskModel, 'hiddenSize' | 'modules' | 'strategy'>;

/** Descriptive metadata of a perturbation. */
export interface PerturbationMeta extends PluginMeta {
  /** Name in reports, e.g. 'Recurrent weight noise'. */
  readonly displayName: string;
  /** One or two sentences: what is perturbed and how. */
  readonly description: string;
  /** What the magnitude means (axis label), e.g. 'σ / std(W_rec)'. */
  readonly magnitude: string;
}

/** Default grid and number of random draws. */
export interface PerturbationDefaults {
  /** Magnitudes, strictly increasing, starting at 0 (unperturbed). */
  readonly magnitudes: readonly number[];
  /** Independent random draws per magnitude (averaged); 1 for deterministic perturbations. */
  readonly draws: number;
}

/** A perturbation of the suite: a value with an id, metadata, defaults and a factory. */
export interface PerturbationSpec {
  /** Unique id in a registry (lower-kebab), e.g. 'unit-silencing'. */
  readonly id: string;
  /** Version of this perturbation's definition (semver); results record it. */
  readonly version: string;
  readonly meta: PerturbationMeta;
  readonly defaults: PerturbationDefaults;
  /** Largest allowed magnitude (fractions: 1); undefined for none. */
  readonly maxMagnitude?: number;
  /** Why the perturbation does not apply to `model` (e.g. not modular), or undefined when it does. */
  skipReason(model: PerturbedModel): string | undefined;
  /**
   * The perturbation at `magnitude` for the random draw `seed`, or undefined for "no perturbation".
   * Magnitude 0 must leave the model's evaluation unchanged.
   */
  create(magnitude: number, seed: number, model: PerturbedModel): Perturbation | undefined;
}

/** Perturbation ids: lower-kebab, optionally scoped (`lab/my-perturbation`). */
export const PERTURBATION_ID_PATTERN = PLUGIN_ID_PATTERN;

/** Problems of a magnitude grid for `spec` (empty when valid). */
export function magnitudeGridProblems(magnitudes: readonly number[], maxMagnitude?: number): string[] {
  if (!Array.isArray(magnitudes) || magnitudes.length < 2) {
    return ['magnitudes must list at least two values, starting at 0 (unperturbed)'];
  }
  const problems: string[] = [];
  if (magnitudes[0] !== 0) problems.push(`magnitudes must start at 0 (unperturbed), got ${magnitudes[0]}`);
  magnitudes.forEach((value, i) => {
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      problems.push(`magnitude ${String(value)} must be a finite number >= 0`);
    } else if (maxMagnitude !== undefined && value > maxMagnitude) {
      problems.push(`magnitude ${value} is above the largest allowed, ${maxMagnitude}`);
    }
    if (i > 0 && !(value > magnitudes[i - 1])) {
      problems.push(`magnitudes must be strictly increasing, got ${magnitudes[i - 1]} then ${value}`);
    }
  });
  return problems;
}

const nonModular = (model: PerturbedModel) =>
  model.modules === undefined || model.modules.length < 2
    ? `${model.strategy} has no separate modules (module lesions apply to modular models only)`
    : undefined;

const always = () => undefined;

/** Gaussian noise on W_rec, σ relative to the std of the recurrent weights; 3 draws. */
export const recurrentWeightNoise: PerturbationSpec = Object.freeze({
  id: 'recurrent-weight-noise',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Recurrent weight noise',
    description:
      'Gaussian noise added to every recurrent weight (structural zeros of modular networks stay 0), with standard deviation σ times the standard deviation of those weights.',
    magnitude: 'σ / std(W_rec)',
  }),
  defaults: Object.freeze({ magnitudes: Object.freeze([0, 0.1, 0.2, 0.4, 0.8]), draws: 3 }),
  skipReason: always,
  create: (magnitude: number, seed: number): Perturbation => ({
    kind: 'recurrent-weight-noise',
    sigma: magnitude,
    seed,
  }),
});

/** A random fraction of hidden units clamped to 0; 3 draws of which units. */
export const unitSilencing: PerturbationSpec = Object.freeze({
  id: 'unit-silencing',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Unit silencing',
    description: 'A random fraction of the hidden units (round(fraction·N), drawn anew for each draw) clamped to 0.',
    magnitude: 'fraction of units silenced',
  }),
  defaults: Object.freeze({ magnitudes: Object.freeze([0, 0.1, 0.2, 0.3, 0.5]), draws: 3 }),
  maxMagnitude: 1,
  skipReason: always,
  create: (magnitude: number, seed: number): Perturbation => ({ kind: 'unit-silencing', fraction: magnitude, seed }),
});

/** Input noise σ multiplied by 1 + magnitude. */
export const inputNoise: PerturbationSpec = Object.freeze({
  id: 'input-noise',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Input noise',
    description:
      'The input noise of the evaluation trials is raised to (1 + m) times its standard deviation (independent extra noise is added), so m = 0 is the trained condition.',
    magnitude: 'extra input noise m (σ × (1 + m))',
  }),
  defaults: Object.freeze({ magnitudes: Object.freeze([0, 1, 3, 7, 15]), draws: 1 }),
  skipReason: always,
  create: (magnitude: number): Perturbation => ({ kind: 'input-noise', scale: 1 + magnitude }),
});

/** Recurrent (state) noise σ_rec multiplied by 1 + magnitude. */
export const stateNoise: PerturbationSpec = Object.freeze({
  id: 'state-noise',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Recurrent (state) noise',
    description:
      'The recurrent noise σ_rec inside the units is multiplied by 1 + m, so m = 0 is the trained condition.',
    magnitude: 'extra state noise m (σ_rec × (1 + m))',
  }),
  defaults: Object.freeze({ magnitudes: Object.freeze([0, 1, 3, 7, 15]), draws: 1 }),
  skipReason: always,
  create: (magnitude: number): Perturbation => ({ kind: 'state-noise', scale: 1 + magnitude }),
});

/** Gaussian noise on W_out, σ relative to the std of the readout weights; 3 draws. */
export const readoutNoise: PerturbationSpec = Object.freeze({
  id: 'readout-noise',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Readout weight noise',
    description:
      'Gaussian noise added to every readout weight, with standard deviation σ times the standard deviation of the readout weights.',
    magnitude: 'σ / std(W_out)',
  }),
  defaults: Object.freeze({ magnitudes: Object.freeze([0, 0.1, 0.2, 0.4, 0.8]), draws: 3 }),
  skipReason: always,
  create: (magnitude: number, seed: number): Perturbation => ({ kind: 'readout-noise', sigma: magnitude, seed }),
});

/** Modules lesioned for a draw: round(fraction·k) distinct module indices chosen by `seed`, sorted. */
export function lesionedModules(moduleCount: number, fraction: number, seed: number): number[] {
  const count = Math.round(fraction * moduleCount);
  const order = Array.from({ length: moduleCount }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) {
    const j = i + rng.integer(moduleCount - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count).sort((a, b) => a - b);
}

/** Whole modules silenced (modular models only): a fraction of the modules, drawn at random; 3 draws. */
export const moduleLesion: PerturbationSpec = Object.freeze({
  id: 'module-lesion',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Module lesions',
    description:
      'Every unit of round(fraction·k) randomly drawn modules (of k) clamped to 0. Applies to modular models only; others are skipped with the reason recorded.',
    magnitude: 'fraction of modules lesioned',
  }),
  defaults: Object.freeze({ magnitudes: Object.freeze([0, 0.125, 0.25, 0.5]), draws: 3 }),
  maxMagnitude: 1,
  skipReason: nonModular,
  create: (magnitude: number, seed: number, model: PerturbedModel): Perturbation | undefined => {
    const modules = lesionedModules(model.modules?.length ?? 0, magnitude, seed);
    return modules.length === 0 ? undefined : { kind: 'module-lesion', modules };
  },
});

/** The built-in suite, in report order. */
export const BUILTIN_PERTURBATIONS: readonly PerturbationSpec[] = Object.freeze([
  recurrentWeightNoise,
  unitSilencing,
  inputNoise,
  stateNoise,
  readoutNoise,
  moduleLesion,
]);

/**
 * Perturbation specs by id: a registry of @molap/core (`createRegistry`), with the errors every molap
 * registry gives (MolapError 'invalid-plugin', 'duplicate-id', 'unknown-id' with the closest id).
 */
export type PerturbationRegistry = Registry<PerturbationSpec>;

/** Problems of a perturbation spec (empty when well formed): the shared plugin fields, then its own. */
export function validatePerturbationSpec(spec: PerturbationSpec): string[] {
  if (spec === null || typeof spec !== 'object') return ['a perturbation must be an object'];
  return [...pluginProblems(spec), ...perturbationFieldProblems(spec)];
}

/** Problems of the fields a perturbation adds to the plugin shape. */
function perturbationFieldProblems(spec: PerturbationSpec): string[] {
  const problems: string[] = [];
  if (typeof spec.meta?.magnitude !== 'string' || spec.meta.magnitude === '') {
    problems.push('meta.magnitude must be a non-empty string (what the magnitude means, e.g. the axis label)');
  }
  if (spec.defaults !== null && typeof spec.defaults === 'object') {
    problems.push(...magnitudeGridProblems(spec.defaults.magnitudes, spec.maxMagnitude).map((p) => `defaults.${p}`));
    if (!(Number.isSafeInteger(spec.defaults.draws) && spec.defaults.draws >= 1)) {
      problems.push('defaults.draws must be an integer >= 1');
    }
  }
  if (typeof spec.skipReason !== 'function') problems.push('skipReason(model) must be a function');
  if (typeof spec.create !== 'function') problems.push('create(magnitude, seed, model) must be a function');
  return problems;
}

/** An empty registry, or one holding `specs` (registered in order). Nothing registers itself on import. */
export function createPerturbationRegistry(specs: readonly PerturbationSpec[] = []): PerturbationRegistry {
  return createRegistry<PerturbationSpec>({
    kind: 'perturbation',
    validate: perturbationFieldProblems,
    hint: 'start from createBuiltinPerturbationRegistry()',
    plugins: specs,
  });
}

/** A new registry holding the built-in suite (`BUILTIN_PERTURBATIONS`). */
export function createBuiltinPerturbationRegistry(): PerturbationRegistry {
  return createPerturbationRegistry(BUILTIN_PERTURBATIONS);
}
