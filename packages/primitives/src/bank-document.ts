/**
 * The module-bank format without the file system: what `bank.json` holds, its checks, and the decoding of
 * a bank folder's files read by the caller (`readModuleBankFiles`: a fetch or a file picker in a web page;
 * `loadModuleBank` reads them from disk in Node) with the same checks and messages: format, version, shape,
 * layout, the modules' SHA-256 and their agreement with `bank.json`. See `bank-file.ts` for the folder layout.
 */
import {
  type JsonValue,
  type LoadedModel,
  ModelFileError,
  type ModelFiles,
  PARAMETER_NAMES,
  readModelFiles,
} from '@molap/backend';
import { type DocumentFormat, InvalidValueError, MolapError, parseJsonDocument } from '@molap/core';
import { bankNetworkConfig, type ModuleBank, validateLayout } from './bank.js';
import { type BankLatents, type ExtractorRecord, inferredExtractor } from './extractor.js';
import { isTeacherLatents } from './teacher-latents.js';

/** Format name written in `bank.json`. */
export const MODULE_BANK_FORMAT = 'molap-module-bank';
/**
 * Version of the bank format this package writes (and the newest it reads). 2 added the extractor record
 * (`extractor`: id, version, options, teacher fingerprint) and teacher latents; 3 records the extractor's
 * version as semver (version 2 wrote an integer n, read as `'n.0.0'`). Version-1 banks (CCA or PCA latents)
 * still load, with the record inferred from their latents.
 */
export const MODULE_BANK_FORMAT_VERSION = 3;
/** File and folder names inside a bank folder. */
export const BANK_JSON = 'bank.json';
export const BANK_MODULES_FOLDER = 'modules';

/**
 * The declaration of `bank.json`: versions 1 to 3, read as written (`assembleModuleBank` fills in what older
 * versions lack).
 */
const BANK_DOCUMENT: DocumentFormat = {
  format: MODULE_BANK_FORMAT,
  versions: [1, 2, MODULE_BANK_FORMAT_VERSION],
  what: 'a module bank (bank.json)',
  hint: 'pass a folder written by saveModuleBank (molap pretrain writes one); a damaged one cannot be repaired: build it again',
  package: '@molap/primitives',
};

/** The Float64Array fields of target-space latents (`cca`, `pca`); x* are null for PCA. */
const TARGET_FLOAT64_KEYS = [
  'rho',
  'yDirections',
  'xDirections',
  'yMean',
  'xMean',
  'scales',
  'leastSquaresReconstruction',
] as const;
/** The Float64Array fields of teacher latents. */
const TEACHER_FLOAT64_KEYS = ['rho', 'stateDirections', 'stateMean', 'scales'] as const;

const float64Keys = (latents: { method: string }): readonly string[] =>
  isTeacherLatents(latents) ? TEACHER_FLOAT64_KEYS : TARGET_FLOAT64_KEYS;

/** @internal */
export function primitivesToJson(primitives: BankLatents): JsonValue {
  const out: Record<string, unknown> = { ...primitives };
  for (const key of float64Keys(primitives)) {
    const values = (primitives as unknown as Record<string, Float64Array | null>)[key];
    out[key] = values === null ? null : Array.from(values);
  }
  return JSON.parse(JSON.stringify(out));
}

function primitivesFromJson(file: string, json: unknown): BankLatents {
  if (json === null || typeof json !== 'object' || typeof (json as { method?: unknown }).method !== 'string')
    throw new ModelFileError(file, 'has invalid primitives (not an object with a method)');
  const record = { ...(json as Record<string, unknown>) } as Record<string, unknown> & { method: string };
  for (const key of float64Keys(record)) {
    const values = record[key];
    if (values === null && (key === 'xDirections' || key === 'xMean')) continue;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) {
      throw new ModelFileError(file, `has invalid primitives: ${key} is not an array of numbers`);
    }
    record[key] = Float64Array.from(values as number[]);
  }
  const primitives = record as unknown as BankLatents;
  const [directions, width] = isTeacherLatents(primitives)
    ? [primitives.stateDirections, primitives.stateDim]
    : [primitives.yDirections, primitives.yDim];
  if (directions.length !== primitives.k * width || primitives.scales.length !== primitives.k) {
    throw new ModelFileError(file, 'has inconsistent primitives (directions or scales do not match k)');
  }
  return primitives;
}

/** The JSON document of `bank.json`. @internal */
export interface BankDocument {
  readonly format: string;
  readonly formatVersion: number;
  readonly kind: ModuleBank['kind'];
  readonly k: number;
  readonly moduleSize: number;
  readonly layout: ModuleBank['layout'];
  readonly primitives: JsonValue;
  /** Since format version 2. */
  readonly extractor?: ExtractorRecord | null;
  readonly corpus: ModuleBank['corpus'];
  readonly seed: number;
  readonly moduleSeeds: readonly number[];
  readonly options: ModuleBank['options'];
  readonly log: ModuleBank['log'];
  readonly modules: { readonly folder: string; readonly sha256: string };
}

/** The record of a version-2 bank as version 3 records it: an integer extractor version n becomes `'n.0.0'`. */
function semverExtractorRecord(record: ExtractorRecord | null): ExtractorRecord | null {
  const version: unknown = record?.version;
  return record && typeof version === 'number' ? { ...record, version: `${version}.0.0` } : record;
}

/**
 * Parses and checks the text of a `bank.json` (format, version, kind, shape, layout, modules folder).
 * @internal the first step of `loadModuleBank` and `readModuleBankFiles`.
 */
export function parseBankDocument(path: string, text: string): BankDocument {
  const document = parseJsonDocument<BankDocument>(text, BANK_DOCUMENT, path);
  const damaged = (problem: string) => new ModelFileError(path, problem, { hint: BANK_DOCUMENT.hint });
  if (document.kind !== 'pretrained' && document.kind !== 'random') {
    throw damaged(`has an unknown kind ${JSON.stringify(document.kind)} (expected "pretrained" or "random")`);
  }
  if (
    !(
      Number.isInteger(document.k) &&
      document.k >= 1 &&
      Number.isInteger(document.moduleSize) &&
      document.moduleSize >= 1
    )
  ) {
    throw damaged(`has invalid k ${document.k} or moduleSize ${document.moduleSize}`);
  }
  try {
    validateLayout(document.layout);
  } catch (error) {
    throw damaged(`has an invalid layout: ${errorProblem(error)}`);
  }
  const folder = document.modules?.folder;
  if (folder !== BANK_MODULES_FOLDER) {
    throw damaged(`names modules folder ${JSON.stringify(folder)}, expected "${BANK_MODULES_FOLDER}"`);
  }
  return document;
}

/**
 * The bank of a checked `bank.json` and its loaded modules: the modules' network must have the bank's shape
 * and the SHA-256 recorded in `bank.json`.
 * @internal the last step of `loadModuleBank` and `readModuleBankFiles`.
 */
export function assembleModuleBank(
  path: string,
  document: BankDocument,
  loaded: LoadedModel,
  modelJsonPath: string,
): ModuleBank {
  const modulesSha256 = loaded.weightsSha256;
  const version = document.formatVersion;
  const expected = bankNetworkConfig(document.layout, document.k, document.moduleSize, loaded.config);
  if (JSON.stringify(loaded.config) !== JSON.stringify(expected)) {
    throw new ModelFileError(
      modelJsonPath,
      `holds a network of config ${JSON.stringify(loaded.config)}, but ${BANK_JSON} describes ${document.k} modules of ${document.moduleSize} units for ${document.layout.inputSize} inputs`,
    );
  }
  if (modulesSha256 !== document.modules.sha256) {
    throw new ModelFileError(
      path,
      `records modules with SHA-256 ${document.modules.sha256}, but ${BANK_MODULES_FOLDER}/ holds ${modulesSha256}: the modules do not belong to this bank (or a save was interrupted)`,
    );
  }
  const primitives = document.primitives === null ? null : primitivesFromJson(path, document.primitives);
  if (version >= 2 && document.extractor === undefined) {
    throw new ModelFileError(
      path,
      `is a version-${version} bank without an extractor record: the file was edited or truncated`,
    );
  }
  const bank: ModuleBank = {
    kind: document.kind,
    k: document.k,
    moduleSize: document.moduleSize,
    layout: document.layout,
    network: { config: loaded.config, parameters: loaded.parameters },
    primitives,
    // Version 1 predates the record: its latents are CCA or PCA, and say which.
    extractor:
      version >= 2
        ? semverExtractorRecord(document.extractor ?? null)
        : primitives
          ? inferredExtractor(primitives)
          : null,
    corpus: document.corpus ?? null,
    seed: document.seed,
    moduleSeeds: document.moduleSeeds,
    options: document.options ?? {},
    log: document.log ?? [],
  };
  try {
    validateModuleBank(bank);
  } catch (error) {
    throw new ModelFileError(path, `does not describe a valid bank: ${errorProblem(error)}`);
  }
  return bank;
}

/**
 * Checks a bank's structure: the network config matches k, moduleSize and the layout, the parameters have
 * the config's shapes, the primitives (when present) have one latent per module, W_out row i reads only
 * block i. Throws an InvalidValueError ('invalid-option') naming the problem.
 */
export function validateModuleBank(bank: ModuleBank): void {
  if (bank === null || typeof bank !== 'object' || bank.network === undefined) {
    throw new InvalidValueError('a module bank must be a ModuleBank', {
      hint: 'build it with pretrainModules, buildModuleBank or createRandomModuleBank, or load it with loadModuleBank',
    });
  }
  validateLayout(bank.layout);
  const { config, parameters } = bank.network;
  const expected = bankNetworkConfig(bank.layout, bank.k, bank.moduleSize, config);
  if (JSON.stringify(config) !== JSON.stringify(expected)) {
    throw invalidBank(
      `the bank network config ${JSON.stringify(config)} does not match its ${bank.k} modules of ${bank.moduleSize} units and layout (expected ${JSON.stringify(expected)})`,
    );
  }
  const n = bank.k * bank.moduleSize;
  const sizes = {
    inputWeights: n * bank.layout.inputSize,
    recurrentWeights: n * n,
    recurrentBias: n,
    outputWeights: bank.k * n,
    outputBias: bank.k,
  };
  for (const name of PARAMETER_NAMES) {
    if (!(parameters[name] instanceof Float32Array) || parameters[name].length !== sizes[name]) {
      throw invalidBank(`the bank's ${name} must be a Float32Array of ${sizes[name]} values`);
    }
  }
  const m = bank.moduleSize;
  for (let row = 0; row < n; row++) {
    const block = Math.floor(row / m);
    for (let col = 0; col < n; col++) {
      if (Math.floor(col / m) !== block && parameters.recurrentWeights[row * n + col] !== 0) {
        throw invalidBank(
          `the bank's recurrentWeights connect module ${block} to module ${Math.floor(col / m)}: modules must not be connected`,
        );
      }
    }
  }
  for (let i = 0; i < bank.k; i++) {
    for (let col = 0; col < n; col++) {
      if (Math.floor(col / m) !== i && parameters.outputWeights[i * n + col] !== 0) {
        throw invalidBank(
          `the bank's outputWeights row ${i} reads module ${Math.floor(col / m)}: latent i must read module i only`,
        );
      }
    }
  }
  if (bank.primitives && bank.primitives.k !== bank.k) {
    throw invalidBank(`the bank has ${bank.k} modules but its primitives have ${bank.primitives.k} latents`);
  }
  checkExtractorRecord(bank);
  if (bank.moduleSeeds.length !== bank.k) {
    throw invalidBank(`the bank has ${bank.k} modules but ${bank.moduleSeeds.length} module seeds`);
  }
}

/** A bank whose parts do not agree: the caller's to fix (build or load the bank again). */
function invalidBank(problem: string, details: { readonly hint?: string } = {}): InvalidValueError {
  return new InvalidValueError(problem, details);
}

/** The problem of an error (without its hint), for wrapping it into another error's message. */
function errorProblem(error: unknown): string {
  if (error !== null && typeof error === 'object' && typeof (error as { problem?: unknown }).problem === 'string') {
    return (error as { problem: string }).problem;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Ids of the built-in extractors, each of which produces latents of the same `method`. */
const BUILTIN_METHODS = ['cca', 'pca', 'teacher', 'teacher-cca'];

/**
 * The extractor record agrees with the latents: present exactly when there are latents, a built-in id names
 * the latents' method, and teacher latents carry the recorded teacher's checksum.
 */
function checkExtractorRecord(bank: ModuleBank): void {
  const { extractor, primitives } = bank;
  if ((extractor === null || extractor === undefined) !== (primitives === null)) {
    throw primitives === null
      ? invalidBank(`the bank has no latents but records the extractor '${extractor?.id}'`)
      : invalidBank('the bank has latents but no extractor record (bank.extractor)', {
          hint: 'build it with buildModuleBank or pretrainModules',
        });
  }
  if (!extractor || !primitives) return;
  if (BUILTIN_METHODS.includes(extractor.id) && extractor.id !== primitives.method) {
    throw invalidBank(
      `the bank records the extractor '${extractor.id}' but its latents are '${primitives.method}' latents: the bank is inconsistent`,
    );
  }
  if (isTeacherLatents(primitives) && extractor.teacher?.sha256 !== primitives.teacher.sha256) {
    throw invalidBank(
      `the bank's latents come from the teacher ${primitives.teacher.sha256.slice(0, 12)}… but its extractor record names ${extractor.teacher?.sha256.slice(0, 12) ?? 'none'}: the bank is inconsistent`,
    );
  }
}

/** What a caller expects a bank to have been built with (`checkBankExtractor`). */
export interface ExpectedExtractor {
  readonly id: string;
  /** Options that must match (each given key is compared as JSON); others are not checked. */
  readonly options?: { readonly [key: string]: JsonValue };
  /** SHA-256 of the teacher's parameters (`teacherChecksum`) the latents must come from. */
  readonly teacherSha256?: string;
}

/**
 * Throws unless `bank` was built by the expected extractor (id, the given options, the teacher), e.g. before
 * reusing a saved bank in a study: a bank from one extractor is never taken for another's.
 */
export function checkBankExtractor(bank: ModuleBank, expected: ExpectedExtractor): void {
  const record = bank.extractor;
  if (!record) {
    throw new MolapError(
      'incompatible',
      `the bank has no latents (a ${bank.kind} bank) but '${expected.id}' latents were expected`,
      { hint: 'build the bank with that extractor' },
    );
  }
  const problems: string[] = [];
  if (record.id !== expected.id) problems.push(`extractor '${record.id}' (expected '${expected.id}')`);
  for (const [key, value] of Object.entries(expected.options ?? {})) {
    if (JSON.stringify(record.options[key]) !== JSON.stringify(value)) {
      problems.push(`option ${key} = ${JSON.stringify(record.options[key])} (expected ${JSON.stringify(value)})`);
    }
  }
  if (expected.teacherSha256 !== undefined && record.teacher?.sha256 !== expected.teacherSha256) {
    problems.push(
      `teacher ${record.teacher ? `${record.teacher.sha256.slice(0, 12)}…` : 'none'} (expected ${expected.teacherSha256.slice(0, 12)}…)`,
    );
  }
  if (problems.length > 0) {
    throw new MolapError('incompatible', `the module bank was built with ${problems.join(', ')}: it is another bank`, {
      hint: 'build a new one with the expected extractor',
    });
  }
}

/** The files of a module-bank folder, read by the caller. */
export interface ModuleBankFiles {
  /** Where `bank.json` came from (a path, a URL or a file name), for messages. */
  readonly bankPath: string;
  /** The text of `bank.json`. */
  readonly bank: string;
  /** `modules/model.json` and `modules/weights.bin`. */
  readonly modules: ModelFiles;
}

/**
 * Decodes a bank folder's files with every check of `loadModuleBank`; the weights' SHA-256 is computed with
 * Web Crypto (`sha256Hex` of @molap/backend). Throws a `ModelFileError` naming the file and the problem.
 */
export async function readModuleBankFiles(files: ModuleBankFiles): Promise<ModuleBank> {
  const document = parseBankDocument(files.bankPath, files.bank);
  const loaded = await readModelFiles(files.modules);
  return assembleModuleBank(files.bankPath, document, loaded, files.modules.jsonPath);
}
