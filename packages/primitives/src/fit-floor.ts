/**
 * Divergence of module pre-training that the loss alone does not show: a module whose held-out fit is far
 * below any module that learned something. The loss may stay finite while the weights blow up (a learning
 * rate a thousand times too large gives held-out R² of −10⁴ … −10¹¹); such a bank must not be saved or
 * used as if pre-training had succeeded.
 */
import { MolapError } from '@molap/core';
import type { ModuleBank } from './bank.js';

/**
 * The documented floor of a module's held-out R² (1 − SSE/SST): below −10 the module's prediction is more
 * than ten times worse than the latent's mean, which no training that converged, however short, produces
 * (a few steps on a tiny module give about −1); only divergence does.
 */
export const MODULE_FIT_FLOOR = -10;

/** A module below the floor: its index and held-out R² (NaN when it could not be measured). */
export interface ModuleFitFailure {
  readonly module: number;
  readonly heldOutR2: number;
}

/**
 * The modules of a pre-trained bank whose held-out fit is not finite or below `floor`, or whose loss curve
 * holds a non-finite value. Random banks (no fit) have none.
 */
export function modulesBelowFloor(bank: ModuleBank, floor = MODULE_FIT_FLOOR): ModuleFitFailure[] {
  const failures: ModuleFitFailure[] = [];
  for (const log of bank.log) {
    if (log.heldOutR2 === null) continue;
    const lossFinite = log.lossCurve.every((point) => Number.isFinite(point.loss));
    if (!lossFinite || !Number.isFinite(log.heldOutR2) || log.heldOutR2 < floor) {
      failures.push({ module: log.module, heldOutR2: lossFinite ? log.heldOutR2 : Number.NaN });
    }
  }
  return failures;
}

/**
 * Throws a 'training-diverged' failure naming every module below the floor (see `MODULE_FIT_FLOOR`).
 * @param hint what to change, in the caller's words (e.g. which config key holds the learning rate).
 */
export function checkModuleFits(bank: ModuleBank, options: { readonly floor?: number; readonly hint?: string } = {}) {
  const floor = options.floor ?? MODULE_FIT_FLOOR;
  const failures = modulesBelowFloor(bank, floor);
  if (failures.length === 0) return;
  const listed = failures
    .map(
      ({ module, heldOutR2 }) =>
        `module ${module} R² ${Number.isNaN(heldOutR2) ? 'not finite' : heldOutR2.toPrecision(3)}`,
    )
    .join(', ');
  throw new MolapError(
    'training-diverged',
    `module pre-training diverged (seed ${bank.seed}): ${failures.length} of ${bank.k} modules fit their held-out latent below the floor R² ${floor} (${listed})`,
    {
      kind: 'failure',
      hint:
        options.hint ??
        'lower the learning rate of pre-training (learningRate) or keep gradient clipping on (clipValue > 0)',
    },
  );
}
