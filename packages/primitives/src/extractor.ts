/**
 * Latent extractors: the readings of "latent primitives" (MoLaP §2, §2b) as plugin values. An extractor turns
 * the corpus (and, for some, a teacher trained on it) into k latents, each the training target of one module.
 * It is a plain value `{ id, version, meta, defaults, resolveOptions, extract }`, kept in an explicit registry
 * (`extractor-registry.ts`); a third party adds one by registering it.
 */
import type { CreateEngineOptions, Engine, JsonValue } from '@molap/backend';
import type { Task } from '@molap/tasks';
import type { BankLayout } from './bank.js';
import type { CorpusTaskOptions } from './corpus.js';
import type { LatentPrimitives } from './latents.js';
import type { Teacher, TeacherFingerprint } from './teacher.js';
import { isTeacherLatents, type TeacherLatents } from './teacher-latents.js';

/** Latents of a module bank: projections of the targets (`cca`, `pca`) or of a teacher's states. */
export type BankLatents = LatentPrimitives | TeacherLatents;

/** Descriptive metadata of an extractor. */
export interface ExtractorMeta {
  /** Name people use, e.g. 'Teacher principal components'. */
  readonly displayName: string;
  /** One or two sentences: what the latents are and why they are a reading of MoLaP's primitives. */
  readonly description: string;
  readonly paper?: string;
  readonly link?: string;
  readonly tags?: readonly string[];
  /** Whether `extract` needs `input.teacher` (a network trained on the corpus). */
  readonly needsTeacher?: boolean;
}

/** What an extractor works on. */
export interface ExtractionInput {
  /** The corpus tasks, in order. */
  readonly tasks: readonly Task[];
  /** Task options of the corpus (dt, ringSize, noise, …). */
  readonly taskOptions: CorpusTaskOptions;
  /** The corpus' channel layout (`bankLayout`). */
  readonly layout: BankLayout;
  /** Seed of the extraction's draws (the bank seed). */
  readonly seed: number;
  /** A network trained on exactly the corpus, for extractors that read a teacher (`meta.needsTeacher`). */
  readonly teacher?: Teacher;
  /** Engine for the teacher's forward passes; default a new one from `engineOptions` (disposed after). */
  readonly engine?: Engine;
  readonly engineOptions?: CreateEngineOptions;
}

/** A latent extractor. */
export interface LatentExtractor<Options extends object = object> {
  /** Unique id in a registry (lower-kebab, optionally scoped), e.g. 'teacher'. Recorded in every bank. */
  readonly id: string;
  /**
   * Version of the extractor, semver (see `Plugin.version` of @molap/core): bump the major version when the
   * same options would give other latents. Recorded in banks.
   */
  readonly version: string;
  readonly meta: ExtractorMeta;
  /** Every option with its default. */
  readonly defaults: Readonly<Options>;
  /** `given` over the defaults, validated; throws an InvalidValueError naming a bad or unknown option. */
  resolveOptions(given?: Partial<Options>): Options;
  /**
   * Checks that `input` can be extracted from (a teacher present and fitting the corpus, …) without doing
   * the work; throws an Error naming the problem and the fix. `buildModuleBank` calls it first.
   */
  check(input: ExtractionInput, options: Options): void;
  /** The k latents. Throws (before any module is trained) when k exceeds what the data supports. */
  extract(input: ExtractionInput, options: Options): Promise<BankLatents>;
}

/** An extractor of any options type, as held by registries. */
// biome-ignore lint/suspicious/noExplicitAny: registries hold extractors of every options type.
export type AnyLatentExtractor = LatentExtractor<any>;

/** What a bank records of the extractor that built its latents. */
export interface ExtractorRecord {
  readonly id: string;
  /** `LatentExtractor.version` (semver). */
  readonly version: string;
  /** The resolved options (JSON). */
  readonly options: { readonly [key: string]: JsonValue };
  /** The teacher's fingerprint, for extractors that read one; else null. */
  readonly teacher: TeacherFingerprint | null;
}

/** The extractor record of latents built without one: their method, k and options. */
export function inferredExtractor(latents: BankLatents): ExtractorRecord {
  if (isTeacherLatents(latents)) {
    return {
      id: latents.method,
      version: '1.0.0',
      options: { k: latents.k, rotation: latents.rotation, rankTolerance: latents.rankTolerance },
      teacher: latents.teacher,
    };
  }
  return {
    id: latents.method,
    version: '1.0.0',
    options: {
      k: latents.k,
      rankTolerance: latents.rankTolerance,
      ...(latents.method === 'cca' ? { regularization: latents.regularization.relative } : {}),
      ...(latents.corpus
        ? {
            trialsPerTask: latents.corpus.trialsPerTask,
            ...(latents.method === 'cca' ? { historyTimeConstants: [...latents.corpus.historyTimeConstants] } : {}),
          }
        : {}),
    },
    teacher: null,
  };
}
