/**
 * Evaluating an engine model on a task batch: one forward pass, the task's score on the outputs
 * (`performance` of `@molap/tasks`: the task's own score, Yang's criterion by default) and the masked
 * squared-error loss the engine computes.
 */
import {
  type EngineModel,
  giveEventLoopTurn,
  PARAMETER_NAMES,
  type ParameterName,
  type RnnParameters,
  type RunOptions,
} from '@molap/backend';
import { type Batch, performance } from '@molap/tasks';
import { timePhase } from './phases.js';

/** Result of evaluating a model on one batch. */
export interface BatchEvaluation {
  /**
   * Performance in [0, 1] by the batch's score (the task's own, `batch.score`), else Yang's: the fraction of
   * trials correct at their last time step.
   */
  readonly performance: number;
  /**
   * Id of the score that judged the trials: the task's own (`batch.score.id`), else `yang19-last-step`
   * (`YANG19_SCORE` of @molap/tasks).
   */
  readonly score: string;
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

/** Runs `model` over `batch` and scores it. The model is not changed. Counts as the `evaluation` phase. */
export function evaluateOnBatch(
  model: EngineModel,
  batch: Batch,
  options: RunOptions & { readonly keepStates?: boolean } = {},
): Promise<BatchEvaluation> {
  return timePhase('evaluation', () => evaluate(model, batch, options));
}

async function evaluate(
  model: EngineModel,
  batch: Batch,
  options: RunOptions & { readonly keepStates?: boolean },
): Promise<BatchEvaluation> {
  await giveEventLoopTurn();
  const result = await model.forward(batch, options);
  let realSteps = 0;
  for (let b = 0; b < batch.batchSize; b++) realSteps += batch.trialSteps[b];
  const judged = performance(result.outputs, batch);
  return {
    performance: judged.mean,
    score: judged.score,
    loss:
      realSteps > 0 && realSteps < batch.steps * batch.batchSize
        ? (result.loss * batch.steps * batch.batchSize) / realSteps
        : result.loss,
    outputs: result.outputs,
    ...(result.states ? { states: result.states } : {}),
  };
}

/**
 * Uploads parameters to an evaluation model only where they changed: it remembers the arrays it uploaded
 * last (by identity) and sends the engine only the tensors that are other arrays now. Evaluating one model
 * many times (a robustness suite: dozens of evaluations per task, most perturbing one matrix or none) then
 * uploads the perturbed matrix, not the whole network. The arrays must not be changed in place after they
 * were uploaded (perturbations make new arrays; learned weights are copies).
 */
export class ParameterUploads {
  private readonly last = new Map<ParameterName, Float32Array>();

  /** Makes `model` hold `parameters`, sending only the tensors that changed since the last call. */
  upload(model: Pick<EngineModel, 'setParameters'>, parameters: RnnParameters): void {
    const changed: Partial<Record<ParameterName, Float32Array>> = {};
    let any = false;
    for (const name of PARAMETER_NAMES) {
      const values = parameters[name];
      if (this.last.get(name) !== values) {
        changed[name] = values;
        this.last.set(name, values);
        any = true;
      }
    }
    if (any) model.setParameters(changed);
  }

  /** Forgets what was uploaded (call when the model's parameters were set elsewhere). */
  reset(): void {
    this.last.clear();
  }
}
