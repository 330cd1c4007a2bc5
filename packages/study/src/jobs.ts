/**
 * A study as a set of jobs with declared inputs and outputs. Each job is plain JSON (its kind, parameters
 * and the ids of the jobs whose outputs it reads); its output is JSON plus, for some kinds, a folder of files
 * (a module bank, a saved model). Nothing in a job is a live object, so an executor can run a job in this
 * thread, in another process or on another machine, given the plan and the input jobs' outputs.
 *
 *   bank/seed-<s>                         the module bank pre-trained on the corpus of seed s (files: bank/);
 *                                         reads the train job of the teacher model of seed s when the
 *                                         extractor learns from a network (`plan.bank.teacher`)
 *   train/<model>/seed-<s>                model learns the corpus (files: model/); reads the bank job when
 *                                         its strategy needs a pre-trained bank
 *   <stage>/<model>/seed-<s>              an analysis stage of the trained model (robustness, dimensionality,
 *                                         task-variance); reads the train job
 *   generalisation/<model>/seed-<s>/<way>/<task>
 *                                         a held-out task learned from the trained model, its own way
 *                                         ('own') or a variant of its strategy; reads the train job
 */
import { PRETRAINED_BANK_INPUT } from '@molap/composer';
import type { StrategyRegistry } from '@molap/core';
import type { StudyPlan } from './plan.js';
import { STUDY_STAGES } from './stages/index.js';

/** JSON values of job parameters and outputs. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** The kinds of job of a study. */
export type JobKind = 'bank' | 'train' | 'stage' | 'generalisation';

/** One unit of a study's work. */
export interface StudyJob {
  /** Unique, stable id; also the job's folder name in the run folder. */
  readonly id: string;
  readonly kind: JobKind;
  /** Seed of the work. */
  readonly seed: number;
  /** Model name (train, stage, generalisation jobs). */
  readonly model?: string;
  /** Stage id (stage jobs). */
  readonly stage?: string;
  /** Way a held-out task is learned: 'own' or a generalisation variant's name (generalisation jobs). */
  readonly way?: string;
  /** Held-out task id (generalisation jobs). */
  readonly task?: string;
  /** Ids of the jobs whose outputs this job reads. */
  readonly inputs: readonly string[];
}

/** The way a model learns new tasks with its own mechanism. */
export const OWN_WAY = 'own';

/** File-name-safe form of a model or variant name. */
export const safeName = (name: string) => encodeURIComponent(name).replace(/%/g, '_');

/** Job ids. */
export const jobId = {
  bank: (seed: number) => `bank/seed-${seed}`,
  train: (model: string, seed: number) => `train/${safeName(model)}/seed-${seed}`,
  stage: (stage: string, model: string, seed: number) => `${safeName(stage)}/${safeName(model)}/seed-${seed}`,
  generalisation: (model: string, seed: number, way: string, task: string) =>
    `generalisation/${safeName(model)}/seed-${seed}/${safeName(way)}/${safeName(task)}`,
};

/**
 * The analysis stages a plan runs for each model and seed, in order: the built-in ones its `analyses` switch
 * on, then the user's stages it names (`plan.stages`).
 */
export function planStageIds(plan: StudyPlan): string[] {
  return [
    ...STUDY_STAGES.filter((stage) => stage.analysis !== undefined && plan.analyses[stage.analysis]).map(
      (stage) => stage.id,
    ),
    ...(plan.stages ?? []),
  ];
}

/**
 * The jobs of a plan, in an order that respects their inputs and follows the plan (model by model, seed by
 * seed, training then the analyses then the held-out tasks), which is the order the local executor runs.
 * @param strategies where the models' strategies are looked up (their inputs and generalisation variants).
 * @param pretrainedBankInput name of the input a pre-trained bank satisfies (a strategy declaring it reads
 *   the bank job of its seed); default MoLaP's `PRETRAINED_BANK_INPUT`.
 */
export function studyJobs(
  plan: StudyPlan,
  strategies: StrategyRegistry,
  pretrainedBankInput: string = PRETRAINED_BANK_INPUT,
): StudyJob[] {
  const jobs: StudyJob[] = [];
  const banks = new Set<number>();
  const trained = new Set<string>();
  const train = (model: string, seed: number, inputs: string[]) => {
    const id = jobId.train(model, seed);
    if (!trained.has(id)) {
      trained.add(id);
      jobs.push({ id, kind: 'train', seed, model, inputs });
    }
    return id;
  };
  const teacher = plan.bank.teacher;
  const stages = planStageIds(plan);
  for (const model of plan.models) {
    const strategy = strategies.get(model.strategy);
    const needsBank = (strategy.inputs ?? []).some((input) => input.name === pretrainedBankInput);
    for (const seed of plan.seeds) {
      if (needsBank && !banks.has(seed)) {
        banks.add(seed);
        // A bank taught by a network needs that network trained first (it reads no bank itself: planStudy checks).
        const inputs = teacher === null ? [] : [train(teacher, seed, [])];
        jobs.push({ id: jobId.bank(seed), kind: 'bank', seed, inputs });
      }
      const trainId = train(model.name, seed, needsBank ? [jobId.bank(seed)] : []);
      for (const stage of stages) {
        jobs.push({
          id: jobId.stage(stage, model.name, seed),
          kind: 'stage',
          seed,
          model: model.name,
          stage,
          inputs: [trainId],
        });
      }
      if (plan.analyses.generalisation) {
        const ways = [OWN_WAY, ...(strategy.generalisationVariants ?? []).map((variant) => variant.name)];
        for (const way of ways) {
          for (const task of plan.heldOut) {
            jobs.push({
              id: jobId.generalisation(model.name, seed, way, task),
              kind: 'generalisation',
              seed,
              model: model.name,
              way,
              task,
              inputs: [trainId],
            });
          }
        }
      }
    }
  }
  return jobs;
}
