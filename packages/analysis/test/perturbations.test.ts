import { MolapError } from '@molap/core';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PERTURBATIONS,
  createBuiltinPerturbationRegistry,
  createPerturbationRegistry,
  lesionedModules,
  magnitudeGridProblems,
  moduleLesion,
  type PerturbationSpec,
  unitSilencing,
} from '../src/perturbations.js';

const dense = { strategy: 'multitask', hiddenSize: 16 };
const modular = { strategy: 'molap', hiddenSize: 24, modules: [8, 8, 8] };

describe('the built-in suite', () => {
  it('has the six perturbations of the spec, each with a valid default grid starting at 0', () => {
    expect(BUILTIN_PERTURBATIONS.map((spec) => spec.id)).toEqual([
      'recurrent-weight-noise',
      'unit-silencing',
      'input-noise',
      'state-noise',
      'readout-noise',
      'module-lesion',
    ]);
    for (const spec of BUILTIN_PERTURBATIONS) {
      expect(magnitudeGridProblems(spec.defaults.magnitudes, spec.maxMagnitude)).toEqual([]);
    }
  });

  it('maps magnitude 0 to a perturbation that changes nothing', () => {
    const neutral = BUILTIN_PERTURBATIONS.map((spec) => spec.create(0, 5, modular));
    expect(neutral).toEqual([
      { kind: 'recurrent-weight-noise', sigma: 0, seed: 5 },
      { kind: 'unit-silencing', fraction: 0, seed: 5 },
      { kind: 'input-noise', scale: 1 },
      { kind: 'state-noise', scale: 1 },
      { kind: 'readout-noise', sigma: 0, seed: 5 },
      undefined,
    ]);
  });

  it('lesions modules of modular models only, nested across magnitudes for one seed', () => {
    expect(moduleLesion.skipReason(dense)).toMatch(/no separate modules/);
    expect(moduleLesion.skipReason(modular)).toBeUndefined();
    expect(unitSilencing.skipReason(dense)).toBeUndefined();
    const modules = 8;
    const small = lesionedModules(modules, 0.25, 11);
    const large = lesionedModules(modules, 0.5, 11);
    expect(small).toHaveLength(2);
    expect(large).toHaveLength(4);
    for (const index of small) expect(large).toContain(index);
    expect(lesionedModules(modules, 0.5, 11)).toEqual(large);
    expect(new Set([1, 2, 3, 4, 5].map((seed) => lesionedModules(modules, 0.25, seed).join())).size).toBeGreaterThan(1);
    expect(moduleLesion.create(1, 3, modular)).toEqual({ kind: 'module-lesion', modules: [0, 1, 2] });
  });
});

describe('grids', () => {
  it('must start at 0, increase strictly and respect the largest magnitude', () => {
    expect(magnitudeGridProblems([0.1, 0.2])).toEqual(['magnitudes must start at 0 (unperturbed), got 0.1']);
    expect(magnitudeGridProblems([0, 0.2, 0.2])[0]).toMatch(/strictly increasing/);
    expect(magnitudeGridProblems([0, 1.5], 1)[0]).toMatch(/above the largest allowed, 1/);
    expect(magnitudeGridProblems([0])[0]).toMatch(/at least two values/);
  });
});

describe('createPerturbationRegistry', () => {
  const custom: PerturbationSpec = {
    id: 'lab/double-state-noise',
    version: '1.0.0',
    meta: { displayName: 'Double state noise', description: 'σ_rec × (1 + 2m).', magnitude: 'm' },
    defaults: { magnitudes: [0, 1], draws: 1 },
    skipReason: () => undefined,
    create: (m) => ({ kind: 'state-noise', scale: 1 + 2 * m }),
  };

  it('holds the specs it is given, in order, and nothing else', () => {
    expect(createPerturbationRegistry().ids()).toEqual([]);
    const registry = createBuiltinPerturbationRegistry().register(custom);
    expect(registry.ids().at(-1)).toBe('lab/double-state-noise');
    expect(registry.get('unit-silencing')).toBe(unitSilencing);
    expect(registry.has('module-lesion')).toBe(true);
    expect(registry.list()).toHaveLength(7);
    expect(createBuiltinPerturbationRegistry().has('lab/double-state-noise')).toBe(false);
  });

  it('refuses duplicates, unknown ids and malformed specs with clear errors', () => {
    const registry = createBuiltinPerturbationRegistry();
    const failure = (act: () => unknown) => {
      try {
        act();
      } catch (error) {
        return error as MolapError;
      }
      throw new Error('expected an error');
    };
    const duplicate = failure(() => registry.register(unitSilencing));
    expect(duplicate.code).toBe('duplicate-id');
    expect(duplicate.message).toMatch(/^duplicate perturbation id 'unit-silencing'/);
    const unknown = failure(() => registry.get('unit-silenced'));
    expect(unknown).toBeInstanceOf(MolapError);
    expect(unknown.code).toBe('unknown-id');
    expect(unknown.message).toMatch(/^unknown perturbation 'unit-silenced'\. Did you mean 'unit-silencing'\?/);
    expect(unknown.message).toMatch(/Known perturbation ids: recurrent-weight-noise, unit-silencing/);
    expect(unknown.hint).toMatch(/createBuiltinPerturbationRegistry\(\)/);
    expect(failure(() => registry.register({ ...custom, id: 'Bad Id' })).code).toBe('invalid-plugin');
    expect(() => registry.register({ ...custom, meta: { ...custom.meta, magnitude: '' } })).toThrow(/meta.magnitude/);
    expect(() => registry.register({ ...custom, id: 'Bad Id' })).toThrow(/lower-kebab/);
    expect(() => registry.register({ ...custom, defaults: { magnitudes: [0.5, 1], draws: 0 } })).toThrow(
      /defaults.magnitudes must start at 0.*draws must be an integer/,
    );
  });
});
