import { BUILTIN_PERTURBATIONS } from '@molap/analysis';
import { NETWORK_DEFAULTS } from '@molap/baselines';
import { DEFAULT_MOLAP_OPTIONS } from '@molap/composer';
import { BUDGET_PRESETS } from '@molap/core';
import { DEFAULT_PRETRAINING, PRETRAIN_PRESETS } from '@molap/primitives';
import {
  BUILTIN_PERTURBATION_IDS,
  bankSchema,
  basePreset,
  molapOptionsSchema,
  NINE_TASK_CORPUS,
  networkSchema,
  RUN_PRESET_NAMES,
  RUN_PRESETS,
  runSchema,
  runSettings,
} from '@molap/study';
import { YANG19_RULES } from '@molap/tasks';
import { describe, expect, it } from 'vitest';

describe('the run presets', () => {
  it('are valid run sections, one per preset name', () => {
    expect(Object.keys(RUN_PRESETS)).toEqual([...RUN_PRESET_NAMES]);
    for (const [name, preset] of Object.entries(RUN_PRESETS)) {
      expect(runSchema.safeParse(preset).error, name).toBeUndefined();
      expect(preset.preset).toBe(name);
    }
  });

  it("name the packages' presets, tasks and perturbations", () => {
    expect([...BUILTIN_PERTURBATION_IDS]).toEqual(BUILTIN_PERTURBATIONS.map((spec) => spec.id));
    for (const preset of Object.values(RUN_PRESETS)) {
      const budget = typeof preset.budget === 'string' ? preset.budget : preset.budget.preset;
      expect(Object.keys(BUDGET_PRESETS)).toContain(budget);
      expect(Object.keys(PRETRAIN_PRESETS)).toContain(preset.bank.preset);
      for (const id of preset.tasks) expect(YANG19_RULES as readonly string[]).toContain(id);
    }
    expect(RUN_PRESETS.quick.tasks.slice(0, 9)).toEqual([...NINE_TASK_CORPUS]);
    expect(RUN_PRESETS.standard.tasks).toEqual(RUN_PRESETS.quick.tasks);
    expect(RUN_PRESETS.paper.tasks).toEqual([...YANG19_RULES]);
    expect(RUN_PRESETS.paper.tasks).toHaveLength(20);
    // Yang et al. 2019's continual-learning baseline is in the paper preset, not in the hour-long standard one
    expect(RUN_PRESETS.paper.models).toContain('si');
    expect(RUN_PRESETS.standard.models).not.toContain('si');
  });

  it('start from quick, or from the built-in preset --preset or run.preset names', () => {
    expect(basePreset({}, undefined)).toBe('quick');
    expect(basePreset({}, 'standard')).toBe('standard');
    expect(basePreset({}, 'my-file-preset')).toBe('quick');
    expect(basePreset({ run: { preset: 'paper' } }, 'standard')).toBe('paper');
    const settings = runSettings(
      { run: { budget: { preset: 'quick', steps: 5 }, bank: { latents: { k: 4 } } } },
      'standard',
    );
    expect(settings.preset).toBe('standard');
    expect(settings.budget).toEqual({ preset: 'quick', steps: 5 });
    expect(settings.bank).toEqual({ ...RUN_PRESETS.standard.bank, latents: { k: 4 } });
    expect(settings.tasks).toEqual(RUN_PRESETS.standard.tasks);
  });
});

describe('the config sections of the libraries', () => {
  it("have the options of the libraries' option records", () => {
    expect(Object.keys(networkSchema.shape).sort()).toEqual(Object.keys(NETWORK_DEFAULTS).sort());
    expect(Object.keys(molapOptionsSchema.shape).sort()).toEqual(Object.keys(DEFAULT_MOLAP_OPTIONS).sort());
    const bankOnly = ['preset', 'corpus', 'extractor', 'teacher', 'latents', 'workers'];
    expect(
      Object.keys(bankSchema.shape)
        .filter((key) => !bankOnly.includes(key))
        .sort(),
    ).toEqual(Object.keys(DEFAULT_PRETRAINING).sort());
  });
});
