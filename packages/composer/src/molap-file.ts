/**
 * The saved MoLaP system: a folder with
 *
 *   molap.json      format "molap-system", formatVersion, strategy, options, learned task ids (in order)
 *                   and their learning records;
 *   bank/           the module bank (`saveModuleBank`: bank.json + modules/);
 *   tasks/<id>/     each task's network in @molap/backend's model format (config, the task's weights, the
 *                   bank's frozen W_rec; trainable flags of the mode).
 *
 * Files are written atomically; `molap.json` last. Loading checks the format and version, loads the bank,
 * and checks that each task network was learned on this bank (its W_rec equals the bank's, bit for bit).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type JsonValue, loadModel, MODEL_JSON, ModelFileError, saveModel, writeFileAtomic } from '@molap/backend';
import { loadModuleBank, saveModuleBank } from '@molap/primitives';
import type { TaskLearningRecord } from './model.js';
import { createMolap, type MolapContext, type MolapModel } from './molap.js';
import { taskNetworkParameters, taskWeightsOf, trainableFlags } from './molap-network.js';
import type { MolapOptions } from './molap-options.js';

/** Format name of `molap.json`. */
export const MOLAP_SYSTEM_FORMAT = 'molap-system';
/** Version of the system format this package writes (and the newest it reads). */
export const MOLAP_SYSTEM_FORMAT_VERSION = 1;
/** File and folder names of a saved system. */
export const MOLAP_JSON = 'molap.json';
export const MOLAP_BANK_FOLDER = 'bank';
export const MOLAP_TASKS_FOLDER = 'tasks';

interface SystemDocument {
  readonly format: string;
  readonly formatVersion: number;
  readonly strategy: string;
  readonly options: MolapOptions;
  readonly learnedTasks: readonly string[];
  readonly records: Readonly<Record<string, TaskLearningRecord>>;
}

/** Saves `model` into `dir`: the bank, each task's network, then `molap.json`. */
export async function saveMolapSystem(dir: string, model: MolapModel): Promise<void> {
  await saveModuleBank(join(dir, MOLAP_BANK_FOLDER), model.bank);
  const entries = model.learnedEntries();
  for (const { taskId, weights } of entries) {
    await saveModel(join(dir, MOLAP_TASKS_FOLDER, taskId), {
      config: model.config,
      parameters: taskNetworkParameters(model.bank, weights),
      trainable: trainableFlags(model.options.trainable),
      metadata: { taskId },
    });
  }
  const document: SystemDocument = {
    format: MOLAP_SYSTEM_FORMAT,
    formatVersion: MOLAP_SYSTEM_FORMAT_VERSION,
    strategy: model.strategy,
    options: model.options,
    learnedTasks: entries.map((entry) => entry.taskId),
    records: Object.fromEntries(entries.map((entry) => [entry.taskId, entry.record])),
  };
  await writeFileAtomic(join(dir, MOLAP_JSON), `${JSON.stringify(document as unknown as JsonValue, null, 2)}\n`);
}

/**
 * Loads a system saved by `MolapModel.save`: its bank, options and learned tasks. New tasks can then be
 * learned on the loaded bank. The context's registry must know every saved task.
 */
export async function loadMolap(dir: string, context: MolapContext): Promise<MolapModel> {
  const path = join(dir, MOLAP_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelFileError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): pass the folder a MoLaP model was saved into with model.save(dir)`,
    );
  }
  let document: SystemDocument;
  try {
    document = JSON.parse(text) as SystemDocument;
  } catch (error) {
    throw new ModelFileError(path, `is not valid JSON (${(error as Error).message})`);
  }
  if (document === null || typeof document !== 'object' || document.format !== MOLAP_SYSTEM_FORMAT) {
    throw new ModelFileError(
      path,
      `is not a saved MoLaP system (format ${JSON.stringify(document?.format)}, expected "${MOLAP_SYSTEM_FORMAT}")`,
    );
  }
  if (!(Number.isInteger(document.formatVersion) && document.formatVersion >= 1)) {
    throw new ModelFileError(path, `has an invalid formatVersion ${JSON.stringify(document.formatVersion)}`);
  }
  if (document.formatVersion > MOLAP_SYSTEM_FORMAT_VERSION) {
    throw new ModelFileError(
      path,
      `was written with MoLaP system format version ${document.formatVersion}, newer than the version ${MOLAP_SYSTEM_FORMAT_VERSION} this @molap/composer reads: upgrade @molap/composer`,
    );
  }
  if (!Array.isArray(document.learnedTasks)) throw new ModelFileError(path, 'has no learnedTasks list');
  const bank = await loadModuleBank(join(dir, MOLAP_BANK_FOLDER));
  let model: MolapModel;
  try {
    model = createMolap(bank, context, document.options);
  } catch (error) {
    throw new ModelFileError(path, `has invalid options: ${(error as Error).message}`);
  }
  const frozen = bank.network.parameters.recurrentWeights;
  for (const taskId of document.learnedTasks) {
    const folder = join(dir, MOLAP_TASKS_FOLDER, taskId);
    const loaded = await loadModel(folder);
    if (JSON.stringify(loaded.config) !== JSON.stringify(model.config)) {
      throw new ModelFileError(
        join(folder, MODEL_JSON),
        `has config ${JSON.stringify(loaded.config)}, but the bank's task networks have ${JSON.stringify(model.config)}`,
      );
    }
    const recurrent = loaded.parameters.recurrentWeights;
    if (recurrent.length !== frozen.length || recurrent.some((value, i) => !Object.is(value, frozen[i]))) {
      throw new ModelFileError(
        join(folder, MODEL_JSON),
        `was learned on other modules than the bank in ${join(dir, MOLAP_BANK_FOLDER)} (its W_rec differs): the folder mixes systems`,
      );
    }
    const record = document.records?.[taskId];
    if (!record) throw new ModelFileError(path, `has no learning record for task '${taskId}'`);
    model.addLearnedTask(taskId, taskWeightsOf(loaded.parameters), record);
  }
  return model;
}
