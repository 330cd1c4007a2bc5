/**
 * The built-in latent extractors (MoLaP §2, §2b) and the registry holding them:
 *
 * - `cca`: the spec's reading: regularised CCA between the instantaneous sensory input and the targets.
 * - `pca`: the ablation: principal axes of the targets.
 * - `teacher`: principal components (optionally ICA-rotated) of the hidden states of a network trained on the
 *   corpus: the corpus' dynamics.
 * - `teacher-cca`: CCA between those states and the targets: the corpus' dynamics that the outputs rely on.
 */
import { createEngine, type Engine } from '@molap/backend';
import { defineOptions, OPTION_KINDS, option } from '@molap/core';
import { z } from 'zod';
import { DEFAULT_CORPUS_BATCH_SIZE, DEFAULT_CORPUS_TRIALS_PER_TASK, sampleCorpus } from './corpus.js';
import type { ExtractionInput, LatentExtractor } from './extractor.js';
import { createExtractorRegistry, type ExtractorRegistry } from './extractor-registry.js';
import { DEFAULT_ICA_MAX_ITERATIONS, DEFAULT_ICA_TOLERANCE } from './fastica.js';
import { DEFAULT_LATENT_COUNT, DEFAULT_RANK_TOLERANCE, DEFAULT_REGULARIZATION, extractLatents } from './latents.js';
import { checkTeacher, type Teacher, teacherFingerprint } from './teacher.js';
import {
  sampleTeacherStates,
  type TeacherRotation,
  type TeacherStateSample,
  teacherCanonicalLatents,
  teacherModel,
  teacherPrincipalLatents,
} from './teacher-latents.js';

const { positiveInteger, nonNegativeNumber, oneOf } = OPTION_KINDS;
const fraction = OPTION_KINDS.between(0, 1);
const timeConstants = OPTION_KINDS.custom<readonly number[]>(
  z.array(z.number().positive()),
  'an array of time constants in ms (> 0)',
);
/** The options every extractor shares: k and how the corpus sample is drawn. */
const sharedOptions = (trialsPerTask: number) => ({
  k: option(positiveInteger, DEFAULT_LATENT_COUNT, 'number of latents = modules'),
  rankTolerance: option(
    fraction,
    DEFAULT_RANK_TOLERANCE,
    'numerical rank tolerance, relative to the largest singular value',
  ),
  trialsPerTask: option(positiveInteger, trialsPerTask, 'corpus trials per task of the sample'),
  batchSize: option(positiveInteger, DEFAULT_CORPUS_BATCH_SIZE, 'trials per generated batch of the sample'),
});

const MARTON =
  'Márton, Gagnon, Lajoie & Rajan (2021). Efficient and robust multi-task learning in the brain with modular latent primitives. arXiv:2105.14108';
const MARTON_LINK = 'https://arxiv.org/abs/2105.14108';

/** Options of the `cca` extractor. */
export interface CcaExtractorOptions {
  readonly k: number;
  readonly regularization: number;
  readonly rankTolerance: number;
  /** Corpus trials per task of the statistics sample (`sampleCorpus`). */
  readonly trialsPerTask: number;
  readonly batchSize: number;
  /** Leaky input-history traces (ms) appended to X; [] for the instantaneous input. */
  readonly historyTimeConstants: readonly number[];
}

const targetSpace = (method: 'cca' | 'pca') => async (input: ExtractionInput, options: CcaExtractorOptions) => {
  const sample = sampleCorpus({
    tasks: input.tasks,
    seed: input.seed,
    taskOptions: input.taskOptions,
    trialsPerTask: options.trialsPerTask,
    batchSize: options.batchSize,
    historyTimeConstants: options.historyTimeConstants,
  });
  return extractLatents(sample, {
    method,
    k: options.k,
    regularization: options.regularization,
    rankTolerance: options.rankTolerance,
  });
};

const CCA_OPTIONS = defineOptions("'cca' extractor option", {
  ...sharedOptions(DEFAULT_CORPUS_TRIALS_PER_TASK),
  regularization: option(nonNegativeNumber, DEFAULT_REGULARIZATION, 'CCA ridge, relative to the covariances'),
  historyTimeConstants: option(
    timeConstants,
    Object.freeze([]) as readonly number[],
    'leaky input-history traces (ms) appended to the input; [] for the instantaneous input',
  ),
});

/** `cca`: regularised CCA between the instantaneous sensory input (optionally with history traces) and the targets. */
export const ccaExtractor: LatentExtractor<CcaExtractorOptions> = Object.freeze({
  id: 'cca',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Input–output CCA',
    description:
      "Regularised canonical correlation between the corpus' sensory input (optionally with leaky history traces) and its targets; latent i is the target side of pair i (MoLaP §2).",
    paper: MARTON,
    link: MARTON_LINK,
    tags: Object.freeze(['target-space', 'instantaneous']),
  }),
  defaults: CCA_OPTIONS.defaults,
  resolveOptions: (given?: Partial<CcaExtractorOptions>) => CCA_OPTIONS.resolve(given),
  check: () => {},
  extract: targetSpace('cca'),
});

/** Options of the `pca` extractor. */
export type PcaExtractorOptions = Omit<CcaExtractorOptions, 'regularization' | 'historyTimeConstants'>;
const PCA_OPTIONS = defineOptions("'pca' extractor option", sharedOptions(DEFAULT_CORPUS_TRIALS_PER_TASK));

/** `pca`: principal axes of the targets (the ablation). */
export const pcaExtractor: LatentExtractor<PcaExtractorOptions> = Object.freeze({
  id: 'pca',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Target PCA',
    description: "Principal axes of the corpus' targets: the ablation of the input–output CCA (MoLaP §2).",
    tags: Object.freeze(['target-space', 'instantaneous', 'ablation']),
  }),
  defaults: PCA_OPTIONS.defaults,
  resolveOptions: (given?: Partial<PcaExtractorOptions>) => PCA_OPTIONS.resolve(given),
  check: () => {},
  extract: (input: ExtractionInput, options: PcaExtractorOptions) =>
    targetSpace('pca')(input, { ...options, regularization: 0, historyTimeConstants: [] }),
});

/** Options shared by the teacher extractors. */
interface TeacherSampling {
  readonly k: number;
  readonly rankTolerance: number;
  /** Corpus trials per task on which the teacher's states are recorded. Default 64. */
  readonly trialsPerTask: number;
  readonly batchSize: number;
}

/** Default trials per task of a teacher's state sample (9 tasks: about 60,000 masked steps). */
export const DEFAULT_TEACHER_TRIALS_PER_TASK = 64;

/** Runs `use` on the teacher's state sample of the corpus (the teacher in an engine, disposed after). */
async function withTeacherSample<T>(
  input: ExtractionInput,
  options: TeacherSampling,
  use: (sample: TeacherStateSample, teacher: Teacher) => T,
): Promise<T> {
  const teacher = input.teacher!;
  const engine: Engine = input.engine ?? (await createEngine(input.engineOptions));
  const model = teacherModel(engine, teacher);
  try {
    const sample = await sampleTeacherStates({
      tasks: input.tasks,
      taskOptions: input.taskOptions,
      seed: input.seed,
      trialsPerTask: options.trialsPerTask,
      batchSize: options.batchSize,
      model,
    });
    return use(sample, teacher);
  } finally {
    model.dispose();
    if (!input.engine) await engine.dispose();
  }
}

const checkTeacherInput = (input: ExtractionInput) =>
  checkTeacher(
    input.teacher,
    input.tasks.map((task) => task.id),
    input.layout,
  );

/** Options of the `teacher` extractor. */
export interface TeacherExtractorOptions extends TeacherSampling {
  /** 'none' (principal components) or 'ica' (FastICA rotation within their span). Default 'none'. */
  readonly rotation: TeacherRotation;
  readonly icaMaxIterations: number;
  readonly icaTolerance: number;
}
const TEACHER_OPTIONS = defineOptions("'teacher' extractor option", {
  ...sharedOptions(DEFAULT_TEACHER_TRIALS_PER_TASK),
  rotation: option(
    oneOf<TeacherRotation>(['none', 'ica']),
    'none',
    "'none' (principal components) or 'ica' (FastICA rotation within their span)",
  ),
  icaMaxIterations: option(positiveInteger, DEFAULT_ICA_MAX_ITERATIONS, 'FastICA iterations before it gives up'),
  icaTolerance: option(fraction, DEFAULT_ICA_TOLERANCE, 'FastICA convergence tolerance'),
});

/** `teacher`: top-k principal components (optionally ICA-rotated) of the states of a network trained on the corpus. */
export const teacherExtractor: LatentExtractor<TeacherExtractorOptions> = Object.freeze({
  id: 'teacher',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Teacher principal components',
    description:
      "The top-k principal components of the hidden states of a network trained on the whole corpus (the run's multitask RNN), optionally ICA-rotated: the most variance of the corpus' latent dynamics, uncorrelated (independent with 'ica') (MoLaP §2b).",
    paper: MARTON,
    link: MARTON_LINK,
    tags: Object.freeze(['dynamics', 'teacher']),
    needsTeacher: true,
  }),
  defaults: TEACHER_OPTIONS.defaults,
  resolveOptions: (given?: Partial<TeacherExtractorOptions>) => TEACHER_OPTIONS.resolve(given),
  check: checkTeacherInput,
  extract: (input: ExtractionInput, options: TeacherExtractorOptions) => {
    checkTeacherInput(input);
    return withTeacherSample(input, options, (sample, teacher) =>
      teacherPrincipalLatents(
        sample,
        {
          k: options.k,
          rotation: options.rotation,
          rankTolerance: options.rankTolerance,
          seed: input.seed,
          ica: { maxIterations: options.icaMaxIterations, tolerance: options.icaTolerance },
        },
        teacherFingerprint(teacher),
      ),
    );
  },
});

/** Options of the `teacher-cca` extractor. */
export interface TeacherCcaExtractorOptions extends TeacherSampling {
  readonly regularization: number;
}
const TEACHER_CCA_OPTIONS = defineOptions("'teacher-cca' extractor option", {
  ...sharedOptions(DEFAULT_TEACHER_TRIALS_PER_TASK),
  regularization: option(nonNegativeNumber, DEFAULT_REGULARIZATION, 'CCA ridge, relative to the covariances'),
});

/** `teacher-cca`: CCA between a teacher's states and the targets; latent i is the state side of pair i. */
export const teacherCcaExtractor: LatentExtractor<TeacherCcaExtractorOptions> = Object.freeze({
  id: 'teacher-cca',
  version: '1.0.0',
  meta: Object.freeze({
    displayName: 'Teacher–target CCA',
    description:
      "The spec's input–output CCA with the teacher's hidden states, which carry the input history, in place of the instantaneous input: the k directions of the corpus' dynamics most correlated with what the tasks ask for (maximally informative about the outputs), mutually uncorrelated; latent i is the state side of pair i.",
    tags: Object.freeze(['dynamics', 'teacher']),
    needsTeacher: true,
  }),
  defaults: TEACHER_CCA_OPTIONS.defaults,
  resolveOptions: (given?: Partial<TeacherCcaExtractorOptions>) => TEACHER_CCA_OPTIONS.resolve(given),
  check: checkTeacherInput,
  extract: (input: ExtractionInput, options: TeacherCcaExtractorOptions) => {
    checkTeacherInput(input);
    return withTeacherSample(input, options, (sample, teacher) =>
      teacherCanonicalLatents(
        sample,
        { k: options.k, regularization: options.regularization, rankTolerance: options.rankTolerance },
        teacherFingerprint(teacher),
      ),
    );
  },
});

/** The built-in extractors, in registry order. */
export const BUILTIN_EXTRACTORS = Object.freeze([ccaExtractor, pcaExtractor, teacherExtractor, teacherCcaExtractor]);

/** A new registry holding the built-in extractors; register your own on it. */
export function createLatentExtractorRegistry(): ExtractorRegistry {
  return createExtractorRegistry(BUILTIN_EXTRACTORS);
}
