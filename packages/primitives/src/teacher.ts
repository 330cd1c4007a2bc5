/**
 * Teachers: networks trained on the whole corpus whose hidden-state dynamics become latent primitives (the
 * `teacher` and `teacher-cca` extractors). A teacher is plain data (config, parameters, the tasks it learned,
 * their task options), so it can be checked against a corpus and identified by a checksum; it is typically
 * the multitask RNN of Yang et al. trained on the corpus (in a study: the run's own `multitask` model of the
 * same seed).
 */
import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type JsonValue,
  loadModel,
  MODEL_JSON,
  ModelFileError,
  PARAMETER_NAMES,
  type RnnConfig,
  type RnnParameters,
  validateConfig,
} from '@molap/backend';
import { InvalidValueError, MolapError, readStrategyDocument, STRATEGY_JSON } from '@molap/core';
import type { BankLayout } from './bank.js';

/** A network trained on a corpus, as data. */
export interface Teacher {
  /** Engine config of the network: inputs and outputs must be the corpus layout's, α = dt/τ the corpus'. */
  readonly config: RnnConfig;
  /** Trained parameters (W_in [N, nIn], W_rec [N, N], b [N], W_out [nOut, N], b_out [nOut]). */
  readonly parameters: RnnParameters;
  /** Ids of the tasks the network was trained on (for a study: exactly the pre-training corpus). */
  readonly taskIds: readonly string[];
  /** SHA-256 of `model.json`'s weights file when the teacher was loaded from a model folder, else null. */
  readonly fileSha256?: string | null;
  /** Free-form description of where the teacher came from (strategy, seed, budget). */
  readonly source?: { readonly [key: string]: JsonValue };
}

/** What a bank records of its teacher. */
export interface TeacherFingerprint {
  /** SHA-256 of the five parameter tensors as little-endian float32, in file order (`teacherChecksum`). */
  readonly sha256: string;
  /** SHA-256 of the weights file the teacher was loaded from (includes optimiser moments), or null. */
  readonly fileSha256: string | null;
  readonly hiddenSize: number;
  readonly activation: string;
  readonly taskIds: readonly string[];
  readonly source: { readonly [key: string]: JsonValue } | null;
}

/**
 * SHA-256 of a network's parameters: the five tensors in `PARAMETER_NAMES` order as little-endian float32,
 * exactly the bytes (and so the checksum) of `weights.bin` in a model folder saved without optimiser state.
 */
export function teacherChecksum(parameters: RnnParameters): string {
  const hash = createHash('sha256');
  for (const name of PARAMETER_NAMES) {
    const values = parameters[name];
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** The fingerprint a bank records of `teacher`. */
export function teacherFingerprint(teacher: Teacher): TeacherFingerprint {
  return {
    sha256: teacherChecksum(teacher.parameters),
    fileSha256: teacher.fileSha256 ?? null,
    hiddenSize: teacher.config.hiddenSize,
    activation: teacher.config.activation,
    taskIds: [...teacher.taskIds],
    source: teacher.source ?? null,
  };
}

/** How to get a teacher, for error messages. */
export const HOW_TO_GET_A_TEACHER =
  'train the multitask RNN on the corpus (`multitask` of @molap/baselines: model.learn(corpus, budget, { seed }), then model.save(dir)) and pass loadTeacher(dir), or pass { config, parameters, taskIds } of any network trained on the corpus';

/**
 * Checks that `teacher` can teach a bank of `corpus` with `layout`: the same input and output channels, the
 * same α = dt/τ, trained on exactly the corpus tasks (no more: states shaped by held-out tasks would leak
 * them into the modules; no fewer: the latents would miss tasks). Throws a MolapError naming the problem
 * ('invalid-option' for a missing or malformed teacher, 'incompatible' for a teacher of other tasks).
 */
export function checkTeacher(teacher: Teacher | undefined, corpus: readonly string[], layout: BankLayout): void {
  if (teacher === undefined || teacher === null) {
    throw new InvalidValueError('this latent extractor needs a trained teacher, and none was given', {
      hint: HOW_TO_GET_A_TEACHER,
    });
  }
  if (typeof teacher !== 'object' || !teacher.config || !teacher.parameters || !Array.isArray(teacher.taskIds)) {
    throw new InvalidValueError('teacher must be { config, parameters, taskIds }', { hint: HOW_TO_GET_A_TEACHER });
  }
  validateConfig(teacher.config);
  const { config } = teacher;
  if (config.inputSize !== layout.inputSize || config.outputSize !== layout.outputSize) {
    throw new MolapError(
      'incompatible',
      `the teacher has ${config.inputSize} inputs and ${config.outputSize} outputs but the corpus tasks have ${layout.inputSize} and ${layout.outputSize}`,
      { hint: 'use a teacher trained on these tasks with the same task options (ringSize, rules)' },
    );
  }
  const alpha = layout.dt / layout.tau;
  if (Math.abs(config.alpha - alpha) > 1e-9) {
    throw new MolapError(
      'incompatible',
      `the teacher's leak α = ${config.alpha} differs from the corpus' dt/τ = ${layout.dt}/${layout.tau}`,
      { hint: "use a teacher trained with the corpus' dt and tau" },
    );
  }
  const missing = corpus.filter((id) => !teacher.taskIds.includes(id));
  const extra = teacher.taskIds.filter((id) => !corpus.includes(id));
  if (missing.length > 0 || extra.length > 0) {
    throw new MolapError(
      'incompatible',
      `the teacher was trained on [${teacher.taskIds.join(', ')}] but the corpus is [${corpus.join(', ')}]` +
        (missing.length > 0 ? `; it never learned ${missing.join(', ')}` : '') +
        (extra.length > 0 ? `; it also learned ${extra.join(', ')}, which would leak into the modules` : ''),
      { hint: 'train the teacher on exactly the corpus tasks' },
    );
  }
}

/**
 * Loads a teacher from a folder: a saved strategy (`strategy.json` + `network/`, e.g. the multitask RNN of
 * @molap/baselines; the tasks are its learned tasks) or a plain model folder (`model.json`; give `taskIds`).
 * @throws ModelFileError when the folder holds neither, or a file is damaged, of another kind or too new
 *   (strategy.json and model.json are read with the one document check of @molap/backend).
 */
export async function loadTeacher(
  dir: string,
  options: { readonly taskIds?: readonly string[] } = {},
): Promise<Teacher> {
  let modelDir = dir;
  let taskIds = options.taskIds;
  let source: { [key: string]: JsonValue } = {};
  const strategyPath = join(dir, STRATEGY_JSON);
  const saved = await access(strategyPath).then(
    () => true,
    () => false,
  );
  if (saved) {
    const document = await readStrategyDocument(dir);
    if (!Array.isArray(document.learnedTasks)) {
      throw new ModelFileError(strategyPath, 'lists no learnedTasks: is it a saved strategy folder?');
    }
    taskIds ??= document.learnedTasks;
    source = { strategy: document.strategy };
    modelDir = join(dir, 'network');
  } else if (taskIds === undefined) {
    throw new ModelFileError(
      join(dir, MODEL_JSON),
      'is a plain model folder, which does not say what the network learned: pass loadTeacher(dir, { taskIds })',
    );
  }
  const loaded = await loadModel(modelDir);
  return {
    config: loaded.config,
    parameters: loaded.parameters,
    taskIds: [...taskIds],
    fileSha256: loaded.weightsSha256,
    source: { ...source, ...(loaded.metadata ?? {}) },
  };
}
