/**
 * The module bank's files, read in the page: the bank shipped with the app (`bank/`, built by `molap pretrain`
 * when the page is built: scripts/build-bank.mjs) or a bank folder picked by the user. The worker decodes
 * them with @molap/primitives' `readModuleBankFiles` (the checks of `loadModuleBank` in Node).
 */
import type { BankFilesMessage } from './protocol.js';

/** Folder of the shipped bank, relative to the page. */
export const SHIPPED_BANK = 'bank/';
/** How the shipped bank was built (written by scripts/build-bank.mjs next to the bank). */
export const SHIPPED_BANK_BUILD = 'build.json';

/** What scripts/build-bank.mjs records of the shipped bank. */
export interface ShippedBankBuild {
  /** The `molap pretrain` command that built it (arguments after `molap`). */
  readonly command: readonly string[];
}

/** A problem reading the bank's files, with what to do. */
export class BankFilesError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'BankFilesError';
    this.hint = hint;
  }
}

/** Fetches the shipped bank's three files (`bank/bank.json`, `bank/modules/model.json`, `bank/modules/weights.bin`). */
export async function fetchShippedBank(base: string | URL = document.baseURI): Promise<BankFilesMessage> {
  const url = (path: string) => new URL(SHIPPED_BANK + path, base);
  const get = async (path: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(url(path));
    } catch (error) {
      throw new BankFilesError(
        `the shipped module bank could not be fetched (${SHIPPED_BANK}${path}: ${(error as Error).message})`,
        'serve the built page (npm run playground), or load a bank folder below',
      );
    }
    if (!response.ok) {
      throw new BankFilesError(
        `the shipped module bank is missing (${SHIPPED_BANK}${path}: HTTP ${response.status})`,
        'build the page with npm run build (it runs molap pretrain into public/bank), or load a bank folder below',
      );
    }
    return response;
  };
  const [bank, modelJson, weights] = await Promise.all([
    get('bank.json').then((response) => response.text()),
    get('modules/model.json').then((response) => response.text()),
    get('modules/weights.bin').then((response) => response.arrayBuffer()),
  ]);
  return {
    source: 'the shipped bank',
    paths: {
      bank: `${SHIPPED_BANK}bank.json`,
      modelJson: `${SHIPPED_BANK}modules/model.json`,
      weights: `${SHIPPED_BANK}modules/weights.bin`,
    },
    bank,
    modelJson,
    weights,
  };
}

/** What `molap pretrain` command built the shipped bank, or undefined when the page cannot tell. */
export async function shippedBankBuild(base: string | URL = document.baseURI): Promise<ShippedBankBuild | undefined> {
  try {
    const response = await fetch(new URL(SHIPPED_BANK + SHIPPED_BANK_BUILD, base));
    return response.ok ? ((await response.json()) as ShippedBankBuild) : undefined;
  } catch {
    return undefined; // the description is optional: the bank itself says what it is
  }
}

/** A picked file's path for messages: its path inside a picked folder, or its name. */
const pickedPath = (file: File): string => `picked ${file.webkitRelativePath || file.name}`;

/**
 * The three files of a bank folder picked by the user (`bank.json`, and `model.json` and `weights.bin` of its
 * `modules/` folder), told apart by name.
 */
export async function readPickedBank(files: readonly File[]): Promise<BankFilesMessage> {
  const named = (name: string) => files.find((file) => file.name === name);
  const bank = named('bank.json');
  const model = named('model.json');
  const weights = named('weights.bin');
  const missing = [
    bank ? null : 'bank.json',
    model ? null : 'modules/model.json',
    weights ? null : 'modules/weights.bin',
  ].filter((name): name is string => name !== null);
  if (missing.length > 0) {
    throw new BankFilesError(
      `a module bank is three files, and ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing (picked: ${files.map((file) => file.name).join(', ') || 'nothing'})`,
      'pick bank.json of a bank folder (molap pretrain --out <dir>, or <run>/bank) together with model.json and weights.bin of its modules/ folder',
    );
  }
  return {
    source: 'the picked bank',
    paths: { bank: pickedPath(bank!), modelJson: pickedPath(model!), weights: pickedPath(weights!) },
    bank: await bank!.text(),
    modelJson: await model!.text(),
    weights: await weights!.arrayBuffer(),
  };
}
