/**
 * The module-bank file format: a folder with
 *
 *   bank.json   format "molap-module-bank", formatVersion, kind, k, moduleSize, layout, primitives, corpus,
 *               seeds, options, training log, and the SHA-256 of the modules' weights;
 *   modules/    the bank network (`bank.network`) in @molap/backend's model format ("molap-rnn":
 *               model.json + weights.bin, every tensor frozen).
 *
 * Files are written atomically (temporary file, then rename), `modules/` first and `bank.json` last, so a
 * folder with a `bank.json` always has its modules; the checksum ties the two together. Loading checks the
 * format, the version, the network shape against the bank's description and the checksum, and throws a
 * `ModelFileError` naming the file and the problem.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel, MODEL_JSON, ModelFileError, PARAMETER_NAMES, saveModel, writeFileAtomic } from '@molap/backend';
import type { ModuleBank } from './bank.js';
import {
  assembleModuleBank,
  BANK_JSON,
  BANK_MODULES_FOLDER,
  type BankDocument,
  MODULE_BANK_FORMAT,
  MODULE_BANK_FORMAT_VERSION,
  parseBankDocument,
  primitivesToJson,
  validateModuleBank,
} from './bank-document.js';

const FROZEN = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, false]));

/**
 * Saves a bank into `dir` (created if needed): `modules/` then `bank.json`, each file atomically.
 * @returns the path of `bank.json`.
 */
export async function saveModuleBank(dir: string, bank: ModuleBank): Promise<string> {
  validateModuleBank(bank);
  const modulesDir = join(dir, BANK_MODULES_FOLDER);
  await saveModel(modulesDir, {
    config: bank.network.config,
    parameters: bank.network.parameters,
    trainable: FROZEN,
    metadata: { format: MODULE_BANK_FORMAT, note: 'the modules of the bank described by ../bank.json' },
  });
  // The checksum model.json records, read back through the checked loader.
  const { weightsSha256 } = await loadModel(modulesDir);
  const document: BankDocument = {
    format: MODULE_BANK_FORMAT,
    formatVersion: MODULE_BANK_FORMAT_VERSION,
    kind: bank.kind,
    k: bank.k,
    moduleSize: bank.moduleSize,
    layout: bank.layout,
    primitives: bank.primitives ? primitivesToJson(bank.primitives) : null,
    extractor: bank.extractor,
    corpus: bank.corpus,
    seed: bank.seed,
    moduleSeeds: bank.moduleSeeds,
    options: bank.options,
    log: bank.log,
    modules: { folder: BANK_MODULES_FOLDER, sha256: weightsSha256 },
  };
  const path = join(dir, BANK_JSON);
  await writeFileAtomic(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}

/** Loads a bank folder written by `saveModuleBank`, checking format, version, shapes and checksum. */
export async function loadModuleBank(dir: string): Promise<ModuleBank> {
  const path = join(dir, BANK_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelFileError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is ${dir} a module bank folder (saveModuleBank)?`,
    );
  }
  const document = parseBankDocument(path, text);
  const modulesDir = join(dir, BANK_MODULES_FOLDER);
  const loaded = await loadModel(modulesDir);
  return assembleModuleBank(path, document, loaded, join(modulesDir, MODEL_JSON));
}
