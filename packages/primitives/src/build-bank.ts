/**
 * The whole of MoLaP's prior knowledge in one call: extract the latents of the corpus with a registered
 * extractor, then pre-train one module per latent (MoLaP §2–3).
 */
import type { JsonValue } from '@molap/backend';
import { InvalidValueError } from '@molap/core';
import { corpusTaskOptions } from '@molap/tasks';
import type { ModuleBank } from './bank.js';
import { type CorpusTaskOptions, resolveCorpusTasks, type SampleCorpusOptions } from './corpus.js';
import type { AnyLatentExtractor, BankLatents, ExtractionInput, ExtractorRecord } from './extractor.js';
import type { ExtractorRegistry } from './extractor-registry.js';
import { createLatentExtractorRegistry } from './extractors.js';
import type { ExtractLatentsOptions } from './latents.js';
import { corpusLayout, type PretrainModulesOptions, pretrainModules } from './pretrain.js';
import { resolveModuleTraining } from './pretrain-options.js';
import { type Teacher, teacherFingerprint } from './teacher.js';
import { isTeacherLatents } from './teacher-latents.js';

/** The extractor `buildModuleBank` uses when none is named. */
export const DEFAULT_EXTRACTOR = 'cca';

/** Options of `buildModuleBank`: pre-training options plus the extractor and its options. */
export interface BuildModuleBankOptions extends Omit<PretrainModulesOptions, 'primitives' | 'extractor'> {
  /** Id of the latent extractor in `extractors`. Default `latents.method`, else 'cca' (`DEFAULT_EXTRACTOR`). */
  readonly extractor?: string;
  /** Where the extractor is looked up; default `createLatentExtractorRegistry()` (cca, pca, teacher, teacher-cca). */
  readonly extractors?: ExtractorRegistry;
  /**
   * Options of the extractor (e.g. `{ k: 16, rotation: 'ica' }` for 'teacher'). For 'cca' and 'pca' the
   * former `{ method, k, regularization, rankTolerance }` still works (`method` names the extractor).
   */
  readonly latents?: ExtractLatentsOptions | { readonly [key: string]: unknown };
  /** 'cca' and 'pca' only: corpus sampling (`trialsPerTask`, `batchSize`, `historyTimeConstants`). */
  readonly corpus?: Omit<SampleCorpusOptions, 'tasks' | 'seed' | 'taskOptions'>;
}

/**
 * Extracts k latents of the corpus with the named extractor and pre-trains the modules (`pretrainModules`
 * with `seed`). Deterministic in `seed` (and the teacher). Every check (unknown extractor or option, a
 * missing or unfitting teacher, k above what the data supports, ICA not converging, bad training options)
 * throws before any module is trained. The bank records the extractor (`bank.extractor`).
 */
export async function buildModuleBank(options: BuildModuleBankOptions): Promise<ModuleBank> {
  const { corpus, latents, extractor: named, extractors, ...pretrain } = options;
  const { method, ...latentOptions } = (latents ?? {}) as { method?: string; [key: string]: unknown };
  const id = named ?? method ?? DEFAULT_EXTRACTOR;
  if (named !== undefined && method !== undefined && named !== method) {
    throw new InvalidValueError(`buildModuleBank got extractor '${named}' and latents.method '${method}'`, {
      hint: `name the extractor once (extractor: '${named}')`,
    });
  }
  const extractor = (extractors ?? createLatentExtractorRegistry()).get(id);
  const resolved = extractor.resolveOptions({ ...corpus, ...latentOptions });
  const { tasks: _tasks, seed: _seed, teacher: _teacher, ...training } = pretrain;
  const trainingOptions = Object.fromEntries(
    Object.entries(training).filter(([key]) => key in resolveModuleTraining()),
  );
  resolveModuleTraining(trainingOptions, options.preset ?? 'standard');
  const tasks = resolveCorpusTasks(options.tasks);
  // One rule block for the corpus tasks, composed from them unless the caller gave one.
  const taskOptions = corpusTaskOptions(tasks, options.taskOptions ?? {}) as CorpusTaskOptions;
  const input: ExtractionInput = {
    tasks,
    taskOptions,
    layout: corpusLayout(tasks, taskOptions),
    seed: options.seed,
    ...(options.teacher ? { teacher: options.teacher } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.engineOptions ? { engineOptions: options.engineOptions } : {}),
  };
  extractor.check(input, resolved);
  const primitives = await extractor.extract(input, resolved);
  return pretrainModules({
    ...pretrain,
    primitives,
    extractor: extractorRecord(extractor, resolved, primitives, options.teacher),
  });
}

/**
 * What a bank records of the extractor that built its latents: id, version, resolved options and, for
 * extractors that read a teacher, the teacher's fingerprint (a CCA bank built while a teacher was at hand
 * does not depend on it, so it records none).
 */
export function extractorRecord(
  extractor: AnyLatentExtractor,
  options: object,
  latents: BankLatents,
  teacher: Teacher | undefined,
): ExtractorRecord {
  return {
    id: extractor.id,
    version: extractor.version,
    options: JSON.parse(JSON.stringify(options)) as { [key: string]: JsonValue },
    teacher: isTeacherLatents(latents)
      ? latents.teacher
      : extractor.meta.needsTeacher && teacher
        ? teacherFingerprint(teacher)
        : null,
  };
}
