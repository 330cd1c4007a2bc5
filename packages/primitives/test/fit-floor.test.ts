import { describe, expect, it } from 'vitest';
import { checkModuleFits, MODULE_FIT_FLOOR, type ModuleBank, modulesBelowFloor } from '../src/index.js';

const bankWith = (fits: (number | null)[], losses: number[] = [0.5]) =>
  ({
    kind: 'pretrained',
    k: fits.length,
    seed: 3,
    log: fits.map((heldOutR2, module) => ({
      module,
      seed: module,
      steps: 10,
      lossCurve: losses.map((loss, step) => ({ step, loss })),
      heldOutR2,
      seconds: 0,
    })),
  }) as unknown as ModuleBank;

describe('module fit floor', () => {
  it('is -10 and lets poor but finite fits through', () => {
    expect(MODULE_FIT_FLOOR).toBe(-10);
    expect(modulesBelowFloor(bankWith([0.9, -1.2, -9.99]))).toEqual([]);
    expect(() => checkModuleFits(bankWith([0.9, -1.2]))).not.toThrow();
  });

  it('names every module below the floor or not finite', () => {
    expect(modulesBelowFloor(bankWith([0.5, -1e11, Number.NaN]))).toEqual([
      { module: 1, heldOutR2: -1e11 },
      { module: 2, heldOutR2: Number.NaN },
    ]);
    expect(modulesBelowFloor(bankWith([0.5], [0.2, Number.POSITIVE_INFINITY]))).toEqual([
      { module: 0, heldOutR2: Number.NaN },
    ]);
  });

  it('ignores random banks (no fit) and throws a failure naming the modules', () => {
    expect(modulesBelowFloor(bankWith([null, null]))).toEqual([]);
    let error: unknown;
    try {
      checkModuleFits(bankWith([0.5, -12]), { hint: 'lower it' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 'training-diverged',
      kind: 'failure',
      problem:
        'module pre-training diverged (seed 3): 1 of 2 modules fit their held-out latent below the floor R² -10 (module 1 R² -12.0)',
      hint: 'lower it',
    });
  });
});
