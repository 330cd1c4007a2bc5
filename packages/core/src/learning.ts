/**
 * Learning one engine model under a `LearningBudget`, strategy-neutral: on one task or on an interleaved
 * schedule of tasks, on top of the backend's `train()` (checkpoints, exact resume, cancellation).
 *
 * - Training batches come from a `TrainingSchedule`: the task and the batch of step s are pure functions of
 *   (seed, s), so a resumed run sees exactly the batches of an uninterrupted one.
 * - Evaluation uses fixed seeded batches per task (a test set drawn once from the seed, `random` mode with
 *   input noise on, as Yang et al. evaluate) and a fixed recurrent-noise seed per task, so every point of a
 *   learning curve measures the same trials under the same noise.
 * - The result is one `TaskLearningRecord` per task: learning curve, trials to criterion, steps and parameter
 *   updates spent on that task, final performance and loss.
 */

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EngineModel,
  type RnnGradients,
  type RunOptions,
  readLatestCheckpoint,
  type StepContext,
  train,
  writeFileAtomic,
} from '@molap/backend';
import type { Batch } from '@molap/tasks';
import { parameterUpdates } from './accounting.js';
import { validateBudget } from './budgets.js';
import { InvalidValueError, MolapError } from './errors.js';
import { evaluateOnBatch } from './evaluation.js';
import { evaluationNoiseSeed, type TrainingSchedule } from './learning-data.js';
import type { LearningBudget, LearningCurvePoint, TaskLearningRecord } from './model.js';
import { timePhase } from './phases.js';

/** Performance and loss of one task at one point, from the caller's evaluation. */
export interface PointEvaluation {
  readonly performance: number;
  readonly loss: number;
}

/** Options of `learnEngineModel`. */
export interface EngineLearningOptions {
  readonly model: EngineModel;
  readonly schedule: TrainingSchedule;
  readonly budget: LearningBudget;
  /** Evaluation batch of every task of the schedule, by task id (see `evaluationBatches`). */
  readonly evaluation: ReadonlyMap<string, Batch>;
  /** Seed of the training noise of each step (the evaluation noise seeds come from `evaluationSeed`). */
  readonly seed: number;
  /** Seed of the evaluation noise (`evaluationNoiseSeed(evaluationSeed, taskId)`); default `seed`. */
  readonly evaluationSeed?: number;
  /** Trainable parameters of the model, for the records' parameter updates. */
  readonly trainableParameters: number;
  /** Options of every evaluation forward pass besides the noise seed (e.g. a unit mask). */
  readonly evaluationRunOptions?: Omit<RunOptions, 'noiseSeed'>;
  /** Extra gradients of each step (e.g. an EWC penalty), added before clipping. */
  readonly extraGradients?: (context: StepContext) => RnnGradients | undefined | Promise<RnnGradients | undefined>;
  /** Called after each evaluation point of each task. */
  readonly onProgress?: (taskId: string, point: LearningCurvePoint) => void | Promise<void>;
  /** Stops between steps (a checkpoint is written first when `checkpointDir` is given). */
  readonly signal?: AbortSignal;
  /** Folder for checkpoints and the learning curve; a run finding one there resumes exactly. */
  readonly checkpointDir?: string;
  /** Completed steps between checkpoints; default `budget.evalEvery`, else 100. */
  readonly checkpointEvery?: number;
}

/** What `learnEngineModel` returns. */
export interface EngineLearningResult {
  /** One record per task of the schedule, in schedule order. */
  readonly records: TaskLearningRecord[];
  /** Whether the run was stopped by its signal before the budget was spent. */
  readonly aborted: boolean;
  /** Steps completed in total. */
  readonly steps: number;
}

/** A curve point as stored in the checkpoint folder: the task, the run's global step, the point. */
interface StoredPoint {
  readonly taskId: string;
  readonly globalStep: number;
  readonly point: LearningCurvePoint;
}

const CURVE_FILE = 'learning-curve.json';

async function readStoredCurve(dir: string, upTo: number): Promise<StoredPoint[]> {
  try {
    const document = JSON.parse(await readFile(join(dir, CURVE_FILE), 'utf8')) as { points: StoredPoint[] };
    return document.points.filter((stored) => stored.globalStep <= upTo);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    const parse = error instanceof SyntaxError || error instanceof TypeError;
    throw new MolapError(
      parse ? 'file-format' : 'file-read',
      `${join(dir, CURVE_FILE)} cannot be read (${(error as Error).message})`,
      { hint: 'delete it to start over', kind: 'bad-input', cause: error },
    );
  }
}

/**
 * Trains `model` for `budget.steps` steps on `schedule`, evaluating every task of the schedule at step 0,
 * every `budget.evalEvery` steps and at the end, and returns the learning record of each task.
 */
export async function learnEngineModel(options: EngineLearningOptions): Promise<EngineLearningResult> {
  const { model, schedule, budget } = options;
  validateBudget(budget);
  for (const id of schedule.taskIds) {
    if (!options.evaluation.has(id)) {
      throw new InvalidValueError(`no evaluation batch for task '${id}'`, {
        hint: 'give options.evaluation a batch for every task of the schedule (evaluationBatch)',
      });
    }
  }
  const evaluationSeed = options.evaluationSeed ?? options.seed;
  const noiseSeeds = new Map(schedule.taskIds.map((id) => [id, evaluationNoiseSeed(evaluationSeed, id)]));
  const stepsOfTask = new Map(schedule.taskIds.map((id) => [id, 0]));
  const curves = new Map<string, LearningCurvePoint[]>(schedule.taskIds.map((id) => [id, []]));
  const stored: StoredPoint[] = [];
  /** Each task's own score, from its evaluation batch (read once, since an evaluation set may make batches on demand). */
  const scores = new Map<string, Batch['score']>();

  let startStep = 0;
  if (options.checkpointDir) {
    await mkdir(options.checkpointDir, { recursive: true });
    const latest = await readLatestCheckpoint(options.checkpointDir);
    if (latest) {
      startStep = latest.trainingStep ?? 0;
      for (const point of await readStoredCurve(options.checkpointDir, startStep)) {
        stored.push(point);
        curves.get(point.taskId)?.push(point.point);
      }
    }
  }
  for (let step = 0; step < startStep; step++) {
    const id = schedule.taskAt(step);
    stepsOfTask.set(id, (stepsOfTask.get(id) ?? 0) + 1);
  }

  // Evaluating every task, recording the points and writing the curve file counts as the evaluation phase.
  const evaluateAll = (globalStep: number) =>
    timePhase('evaluation', async () => {
      for (const id of schedule.taskIds) {
        const batch = options.evaluation.get(id)!;
        scores.set(id, batch.score);
        const result = await evaluateOnBatch(model, batch, {
          ...options.evaluationRunOptions,
          noiseSeed: noiseSeeds.get(id),
        });
        const steps = stepsOfTask.get(id) ?? 0;
        const point: LearningCurvePoint = {
          step: steps,
          trials: steps * budget.batchSize,
          performance: result.performance,
          loss: result.loss,
        };
        const curve = curves.get(id)!;
        if (stored.some((entry) => entry.taskId === id && entry.globalStep === globalStep)) continue;
        curve.push(point);
        stored.push({ taskId: id, globalStep, point });
        await options.onProgress?.(id, point);
      }
      if (options.checkpointDir) {
        const curveFile = join(options.checkpointDir, CURVE_FILE);
        await timePhase('files', () =>
          writeFileAtomic(
            curveFile,
            `${JSON.stringify({ format: 'molap-learning-curve', formatVersion: 1, points: stored })}\n`,
          ),
        );
      }
    });

  if (startStep === 0) await evaluateAll(0);
  const every = options.checkpointEvery ?? (budget.evalEvery > 0 ? budget.evalEvery : 100);
  const result = await timePhase('training', () =>
    train({
      model,
      steps: budget.steps,
      nextBatch: (step) => timePhase('batches', () => schedule.batchAt(step)),
      seed: options.seed,
      ...(options.extraGradients ? { extraGradients: options.extraGradients } : {}),
      ...(budget.evalEvery > 0 ? { evalEvery: budget.evalEvery } : {}),
      evaluate: ({ step }) => evaluateAll(step),
      onStep: ({ step }) => {
        const id = schedule.taskAt(step);
        stepsOfTask.set(id, (stepsOfTask.get(id) ?? 0) + 1);
      },
      ...(options.checkpointDir ? { checkpoint: { dir: options.checkpointDir, every } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );

  const records = schedule.taskIds.map((id): TaskLearningRecord => {
    const curve = curves.get(id)!;
    const steps = stepsOfTask.get(id) ?? 0;
    const final = curve[curve.length - 1];
    // The task's own score may set its criterion; Yang's (the budget's) otherwise.
    const score = scores.has(id) ? scores.get(id) : options.evaluation.get(id)!.score;
    const criterion = score?.criterion ?? budget.criterion;
    const reached = curve.find((point) => point.performance >= criterion);
    return {
      taskId: id,
      steps,
      trials: steps * budget.batchSize,
      trainableParameters: options.trainableParameters,
      parameterUpdates: parameterUpdates(options.trainableParameters, steps),
      curve,
      trialsToCriterion: reached ? reached.trials : null,
      performance: final.performance,
      loss: final.loss,
      ...(score === undefined ? {} : { score: score.id }),
    };
  });
  return { records, aborted: result.aborted, steps: result.endStep };
}
