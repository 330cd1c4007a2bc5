/**
 * The saved MoLaP system: a folder with
 *
 *   strategy.json   the saved-model document of every strategy (@molap/core): strategy 'molap' or
 *                   'random-modules', options, learned task ids (in order), their learning records (state);
 *   bank/           the module bank (`saveModuleBank`: bank.json + modules/);
 *   tasks/<id>/     each task's network in @molap/backend's model format (config, the task's weights, the
 *                   bank's frozen W_rec; trainable flags of the mode).
 *
 * Files are written atomically; `strategy.json` last. Loading checks the format and version, loads the bank,
 * and checks that each task network was learned on this bank (its W_rec equals the bank's, bit for bit).
 */
import { join } from 'node:path';
import { type JsonValue, loadModel, MODEL_JSON, ModelFileError, saveModel } from '@molap/backend';
import {
  MolapError,
  readStrategyDocument,
  STRATEGY_JSON,
  type TaskLearningRecord,
  writeStrategyDocument,
} from '@molap/core';
import { loadModuleBank, saveModuleBank } from '@molap/primitives';
import { createMolap, type MolapContext, type MolapModel } from './molap.js';
import { taskNetworkParameters, taskWeightsOf, trainableFlags } from './molap-network.js';
import type { MolapOptions } from './molap-options.js';

/** Versions of the strategies whose models this file saves, by `MolapModel.strategy`. */
export const MOLAP_STRATEGY_VERSIONS: Readonly<Record<'molap' | 'random-modules', string>> = Object.freeze({
  molap: '1.0.0',
  'random-modules': '1.0.0',
});

/** Folder names of a saved system. */
export const MOLAP_BANK_FOLDER = 'bank';
export const MOLAP_TASKS_FOLDER = 'tasks';

/** Saves `model` into `dir`: the bank, each task's network, then `strategy.json`. */
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
  await writeStrategyDocument(dir, {
    strategy: model.strategy,
    strategyVersion: MOLAP_STRATEGY_VERSIONS[model.strategy as keyof typeof MOLAP_STRATEGY_VERSIONS],
    options: model.options as unknown as { readonly [key: string]: JsonValue },
    learnedTasks: entries.map((entry) => entry.taskId),
    state: {
      records: Object.fromEntries(entries.map((entry) => [entry.taskId, entry.record])) as unknown as JsonValue,
    },
  });
}

/**
 * Loads a system saved by `MolapModel.save`: its bank, options and learned tasks. New tasks can then be
 * learned on the loaded bank. The context's registry must know every saved task.
 * @param expected the strategy the folder must hold ('molap' or 'random-modules'); default either.
 */
export async function loadMolap(
  dir: string,
  context: MolapContext,
  expected?: 'molap' | 'random-modules',
): Promise<MolapModel> {
  const document = await readStrategyDocument(dir, expected);
  const path = join(dir, STRATEGY_JSON);
  if (document.strategy !== 'molap' && document.strategy !== 'random-modules') {
    throw new MolapError('incompatible', `${path} holds a '${document.strategy}' model, not a MoLaP system`, {
      hint: 'load it with loadSavedModel of @molap/core',
    });
  }
  if (!Array.isArray(document.learnedTasks)) throw new ModelFileError(path, 'has no learnedTasks list');
  const bank = await loadModuleBank(join(dir, MOLAP_BANK_FOLDER));
  let model: MolapModel;
  try {
    model = createMolap(bank, context, document.options as Partial<MolapOptions>);
  } catch (error) {
    throw new ModelFileError(path, `has invalid options: ${(error as Error).message}`);
  }
  if (model.strategy !== document.strategy) {
    throw new ModelFileError(path, `says '${document.strategy}' but its bank is a ${bank.kind} bank`);
  }
  const records = (document.state.records ?? {}) as unknown as Readonly<Record<string, TaskLearningRecord>>;
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
    const record = records[taskId];
    if (!record) throw new ModelFileError(path, `has no learning record for task '${taskId}'`);
    model.addLearnedTask(taskId, taskWeightsOf(loaded.parameters), record);
  }
  return model;
}
