/**
 * Evaluating an engine model on a task batch: one forward pass, Yang's performance criterion on the
 * outputs (tasks spec §1.5) and the masked squared-error loss the engine computes.
 */
import type { EngineModel, RunOptions } from '@molap/backend';
import { type Batch, circularDistance, populationVector } from '@molap/tasks';

/** Largest angular error of a correct response: 0.2π = 36° (Yang et al.'s code). */
export const RESPONSE_TOLERANCE = 0.2 * Math.PI;

/** Fixation output above this means "fixating". */
export const FIXATION_THRESHOLD = 0.5;

/**
 * Yang et al.'s performance: the fraction of trials answered correctly at their last time step. A trial
 * that must fixate (target angle < 0) is correct when the fixation output is above 0.5; a trial that must
 * respond is correct when the fixation output is at most 0.5 and the population-vector angle of the
 * response ring is within 0.2π of the target.
 * @param outputs ŷ [T, B, nOut], laid out as `batch.layout.outputs` (a `fixation` and a `response` group).
 */
export function yangPerformance(batch: Batch, outputs: Float32Array): number {
  const { steps, batchSize, outputSize } = batch;
  if (outputs.length !== steps * batchSize * outputSize) {
    throw new RangeError(
      `outputs has ${outputs.length} elements, expected T·B·nOut = ${steps}·${batchSize}·${outputSize}`,
    );
  }
  const fixation = batch.layout.outputs.find((group) => group.role === 'fixation');
  const response = batch.layout.outputs.find((group) => group.role === 'response');
  if (!fixation || !response) {
    throw new RangeError(
      `task '${batch.taskId}' has no fixation and response output groups: Yang's performance criterion does not apply`,
    );
  }
  let correct = 0;
  for (let b = 0; b < batchSize; b++) {
    const t = batch.trialSteps[b] - 1;
    const row = (t * batchSize + b) * outputSize;
    const fixating = outputs[row + fixation.start] > FIXATION_THRESHOLD;
    const target = batch.targetAngle[t * batchSize + b];
    if (target < 0) {
      if (fixating) correct++;
    } else if (!fixating) {
      const decoded = populationVector(outputs, row + response.start, response.size);
      if (circularDistance(decoded, target) < RESPONSE_TOLERANCE) correct++;
    }
  }
  return correct / batchSize;
}

/** Result of evaluating a model on one batch. */
export interface BatchEvaluation {
  /** Yang performance in [0, 1]: fraction of trials correct at their last time step. */
  readonly performance: number;
  /**
   * Masked squared-error loss averaged over the real (unpadded) steps of the trials: Σ((y − ŷ)·mask)² /
   * (Σ_b trialSteps_b · nOut). For a batch without padding this is the engine's (and Yang's) loss.
   */
  readonly loss: number;
  /** ŷ [T, B, nOut]. */
  readonly outputs: Float32Array;
  /** h [T, B, N], when `keepStates` is set. */
  readonly states?: Float32Array;
}

/** Runs `model` over `batch` and scores it. The model is not changed. */
export async function evaluateOnBatch(
  model: EngineModel,
  batch: Batch,
  options: RunOptions & { readonly keepStates?: boolean } = {},
): Promise<BatchEvaluation> {
  const result = await model.forward(batch, options);
  let realSteps = 0;
  for (let b = 0; b < batch.batchSize; b++) realSteps += batch.trialSteps[b];
  return {
    performance: yangPerformance(batch, result.outputs),
    loss: realSteps > 0 ? (result.loss * batch.steps * batch.batchSize) / realSteps : result.loss,
    outputs: result.outputs,
    ...(result.states ? { states: result.states } : {}),
  };
}
