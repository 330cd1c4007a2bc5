/**
 * Perturbation robustness (MoLaP §6): performance-vs-magnitude curves of a trained model, per perturbation
 * and task, on fixed evaluation batches and fixed recurrent-noise seeds, through the model's own
 * `evaluate(taskId, batch, { perturbation })` (which never changes the model).
 *
 * Draws: a random perturbation (weight noise, silencing, lesions) is evaluated for `draws` seeds and the
 * performances are averaged. The seed of draw d is the same at every magnitude, so the draws are nested:
 * silencing 20 % of the units silences the 10 % of the smaller magnitude plus others, and weight noise
 * keeps its direction and grows in size.
 */
import { deriveSeed, InvalidValueError, type MultiTaskModel, taskSeedKey } from '@molap/core';
import type { Batch } from '@molap/tasks';
import { mean, normalisedAuc } from './curves.js';
import { magnitudeGridProblems, type PerturbationSpec } from './perturbations.js';

/** A perturbation of the suite with the grid and draws to use. */
export interface PerturbationRun {
  readonly spec: PerturbationSpec;
  /** Magnitudes, strictly increasing from 0; default `spec.defaults.magnitudes`. */
  readonly magnitudes?: readonly number[];
  /** Random draws per magnitude; default `spec.defaults.draws`. */
  readonly draws?: number;
}

/** Curve of one task under one perturbation. */
export interface TaskRobustness {
  readonly taskId: string;
  /** Performance at each magnitude, averaged over draws. */
  readonly performance: number[];
  /** Normalised area under `performance` (see `normalisedAuc`). */
  readonly auc: number;
  /** Performance per draw: [draw][magnitude]. */
  readonly draws: number[][];
}

/** Curves of one perturbation. */
export interface PerturbationCurves {
  readonly id: string;
  /** The perturbation's version (semver). */
  readonly version: string;
  readonly magnitudes: number[];
  /** Set when the perturbation does not apply to the model; `tasks` is then empty. */
  readonly skipped?: string;
  readonly tasks: TaskRobustness[];
}

/** Options of `robustnessCurves`. */
export interface RobustnessOptions {
  readonly perturbations: readonly PerturbationRun[];
  /** Fixed evaluation batch of every task to measure, by task id. */
  readonly batches: ReadonlyMap<string, Batch>;
  /** Recurrent-noise seed of each task's evaluations (the same at every magnitude). */
  readonly noiseSeed: (taskId: string) => number;
  /** Seed of the perturbation draws. */
  readonly seed: number;
  /** Called after each task of each perturbation. */
  readonly onCurve?: (perturbationId: string, curve: TaskRobustness) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/** Seed of draw `draw` of perturbation `id` for a run seed. */
export function drawSeed(seed: number, id: string, draw: number): number {
  return deriveSeed(seed, taskSeedKey(id), draw);
}

/** Resolves a run's grid and draws and checks them; throws naming the perturbation and the fix. */
export function resolvePerturbationRun(run: PerturbationRun): { magnitudes: number[]; draws: number } {
  const magnitudes = [...(run.magnitudes ?? run.spec.defaults.magnitudes)];
  const problems = magnitudeGridProblems(magnitudes, run.spec.maxMagnitude);
  if (problems.length > 0) throw new InvalidValueError(`perturbation '${run.spec.id}': ${problems.join('; ')}`);
  const draws = run.draws ?? run.spec.defaults.draws;
  if (!(Number.isSafeInteger(draws) && draws >= 1)) {
    throw new InvalidValueError(`perturbation '${run.spec.id}': draws must be an integer >= 1, got ${String(draws)}`);
  }
  return { magnitudes, draws };
}

/** Performance-vs-magnitude curves of `model` for every perturbation and task. */
export async function robustnessCurves(
  model: MultiTaskModel,
  options: RobustnessOptions,
): Promise<PerturbationCurves[]> {
  const result: PerturbationCurves[] = [];
  // Magnitude 0 of every perturbation is the unperturbed model (a tested property of every built-in spec and
  // a requirement of the registry's grids): evaluated once per task, not once per perturbation and draw.
  const unperturbed = new Map<string, number>();
  const baseline = async (taskId: string, batch: Batch, noiseSeed: number) => {
    let value = unperturbed.get(taskId);
    if (value === undefined) {
      value = (await model.evaluate(taskId, batch, { noiseSeed })).performance;
      unperturbed.set(taskId, value);
    }
    return value;
  };
  for (const run of options.perturbations) {
    const { magnitudes, draws } = resolvePerturbationRun(run);
    const { spec } = run;
    const skipped = spec.skipReason(model);
    if (skipped !== undefined) {
      result.push({ id: spec.id, version: spec.version, magnitudes, skipped, tasks: [] });
      continue;
    }
    const tasks: TaskRobustness[] = [];
    for (const [taskId, batch] of options.batches) {
      const noiseSeed = options.noiseSeed(taskId);
      const perDraw: number[][] = [];
      for (let draw = 0; draw < draws; draw++) {
        const seed = drawSeed(options.seed, spec.id, draw);
        const curve: number[] = [];
        for (const magnitude of magnitudes) {
          options.signal?.throwIfAborted();
          if (magnitude === 0) {
            curve.push(await baseline(taskId, batch, noiseSeed));
            continue;
          }
          const perturbation = spec.create(magnitude, seed, model);
          const evaluation = await model.evaluate(taskId, batch, {
            noiseSeed,
            ...(perturbation ? { perturbation } : {}),
          });
          curve.push(evaluation.performance);
        }
        perDraw.push(curve);
      }
      const performance = magnitudes.map((_, i) => mean(perDraw.map((curve) => curve[i])));
      const curve: TaskRobustness = {
        taskId,
        performance,
        auc: normalisedAuc(magnitudes, performance),
        draws: perDraw,
      };
      tasks.push(curve);
      await options.onCurve?.(spec.id, curve);
    }
    result.push({ id: spec.id, version: spec.version, magnitudes, tasks });
  }
  return result;
}
