/**
 * The training and evaluation batches of a module (MoLaP §3): trials of the corpus tasks with their full
 * input (sensory + rule one-hot), the module's latent v_i(t) as a single target channel, and the task's time
 * mask as its loss weight.
 */
import type { TrainingBatch } from '@molap/backend';
import { MolapError } from '@molap/core';
import type { Batch } from '@molap/tasks';
import type { LatentPrimitives } from './latents.js';

/**
 * How the latent's loss is weighted at each time step:
 * - `'time'` (default): 1 where the task's cost mask is non-zero on any output at that step, else 0 (the time
 *   mask: the first 100 ms and the 100 ms grace period after the go cue are left out);
 * - `'cost'`: the mean over output channels of the task's cost mask at that step (Yang's weights: about 1
 *   before the response, 5 during it, 0 in the excluded steps), so the response period counts more.
 */
export type LatentMaskWeighting = 'time' | 'cost';

/** The weighting modules are trained with when not given. */
export const DEFAULT_LATENT_MASK_WEIGHTING: LatentMaskWeighting = 'time';

/** Row i of P = diag(scales)·B: the projection y − μ_y → v_i, as [yDim] float64. */
function latentRow(primitives: LatentPrimitives, index: number): Float64Array {
  const { yDim } = primitives;
  const row = new Float64Array(yDim);
  for (let c = 0; c < yDim; c++) row[c] = primitives.scales[index] * primitives.yDirections[index * yDim + c];
  return row;
}

/**
 * The latent targets and mask of a task batch for the modules `indices`.
 * @returns targets [T, B, indices.length] with v_i(t) = s_i·b_iᵀ(y_t − μ_y), and mask [T, B, indices.length]
 *   (the same weight for every latent; 0 on padded steps).
 */
export function latentTargetsAndMask(
  primitives: LatentPrimitives,
  batch: Batch,
  indices: readonly number[],
  weighting: LatentMaskWeighting,
): { targets: Float32Array; mask: Float32Array } {
  const { steps, batchSize, outputSize } = batch;
  if (outputSize !== primitives.yDim) {
    throw new MolapError(
      'incompatible',
      `task '${batch.taskId}' has ${outputSize} outputs but the primitives were extracted from ${primitives.yDim}`,
      { hint: "use the corpus' output layout" },
    );
  }
  const rows = indices.map((index) => latentRow(primitives, index));
  const width = indices.length;
  const targets = new Float32Array(steps * batchSize * width);
  const mask = new Float32Array(steps * batchSize * width);
  const centred = new Float64Array(outputSize);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batchSize; b++) {
      const row = t * batchSize + b;
      const base = row * outputSize;
      let weight = 0;
      if (t < batch.trialSteps[b]) {
        let sum = 0;
        let any = false;
        for (let c = 0; c < outputSize; c++) {
          const m = batch.mask[base + c];
          sum += m;
          if (m !== 0) any = true;
        }
        weight = weighting === 'cost' ? sum / outputSize : any ? 1 : 0;
      }
      for (let c = 0; c < outputSize; c++) centred[c] = batch.targets[base + c] - primitives.yMean[c];
      for (let j = 0; j < width; j++) {
        const projection = rows[j];
        let v = 0;
        for (let c = 0; c < outputSize; c++) v += projection[c] * centred[c];
        targets[row * width + j] = v;
        mask[row * width + j] = weight;
      }
    }
  }
  return { targets, mask };
}

/** A corpus batch turned into the training batch of module `index` (one target channel). */
export function moduleTrainingBatch(
  primitives: LatentPrimitives,
  batch: Batch,
  index: number,
  weighting: LatentMaskWeighting,
): TrainingBatch {
  const { targets, mask } = latentTargetsAndMask(primitives, batch, [index], weighting);
  return { steps: batch.steps, batchSize: batch.batchSize, inputs: batch.inputs, targets, mask };
}
